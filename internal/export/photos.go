package export

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/vault"
	"gorm.io/gorm"
)

// writePhotos copies each included file (the photos' originals) from the
// vault into the ZIP, decrypting as it goes: one 32 KiB buffer whatever
// the size. Photos are already compressed, so they are stored, not
// deflated again (which would cost time and save nothing).
func (b *builder) writePhotos(ctx context.Context, db *gorm.DB, zw *zip.Writer) error {
	b.progress(ctx, StepPhotos, 0, 0, true)
	buf := make([]byte, 32<<10)
	for _, c := range b.cats {
		for _, set := range c.Sets {
			if set.FileColumn == "" {
				continue
			}
			idAt, typeAt := fieldIndex(set.Set, "id"), fieldIndex(set.Set, "content_type")
			at := fieldIndex(set.Set, "uploaded_at")
			err := holdings.Each(ctx, db, set.Set, b.subj, func(rec []any) error {
				key, _ := rec[len(rec)-1].(string)
				id, _ := rec[idAt].(int64)
				ct, _ := rec[typeAt].(string)
				if key == "" {
					return nil
				}
				r, err := b.s.Vault.Open(key)
				if errors.Is(err, vault.ErrNotFound) {
					return nil // deleted since (data.json said so by its file: null)
				}
				if err != nil {
					return err
				}
				defer r.Close()
				h := &zip.FileHeader{Name: PhotoPath(id, ct), Method: zip.Store}
				if at < 0 {
					// no time to give the entry
				} else if t, ok := rec[at].(time.Time); ok {
					h.Modified = t
				}
				f, err := zw.CreateHeader(h)
				if err != nil {
					return err
				}
				if _, err := io.CopyBuffer(f, r, buf); err != nil {
					return fmt.Errorf("export: photo %d: %w", id, err)
				}
				b.progress(ctx, StepPhotos, 1, 10, false)
				return ctx.Err()
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
