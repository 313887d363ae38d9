package export

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Download opens the customer's package id for reading, with its audit
// entry: another customer's, or none, is ErrNotFound; one past its
// expiry is ErrGone (and its file is deleted now, if the sweep has not
// yet); one still building is ErrNotReady. The caller closes the reader.
func (s *Service) Download(ctx context.Context, a actor.Actor, userID, id int64) (models.Export, io.ReadCloser, error) {
	if err := a.Self(userID); err != nil {
		return models.Export{}, nil, err
	}
	return s.open(ctx, a, func(tx *gorm.DB) *gorm.DB { return tx.Where("id = ? AND user_id = ?", id, userID) })
}

// DownloadForRequest opens package id made for request requestID, for a
// requester without an account holding that request's pass (the emailed
// link and a fresh code; the handler checked it). A package of an
// account (a public request matched to one) is not found here: it holds
// the whole account, so it needs the account's own sign-in, second
// factor included, not a mailed code alone.
func (s *Service) DownloadForRequest(ctx context.Context, a actor.Actor, requestID, id int64) (models.Export, io.ReadCloser, error) {
	return s.open(ctx, a, func(tx *gorm.DB) *gorm.DB {
		return tx.Where("id = ? AND request_id = ? AND user_id IS NULL", id, requestID)
	})
}

func (s *Service) open(ctx context.Context, a actor.Actor, scope func(*gorm.DB) *gorm.DB) (models.Export, io.ReadCloser, error) {
	var e models.Export
	var r io.ReadCloser
	gone := false
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := scope(tx).Take(&e).Error; err != nil {
			if err == gorm.ErrRecordNotFound {
				return ErrNotFound
			}
			return err
		}
		switch {
		case e.Status == models.ExportExpired:
			return ErrGone
		case pastExpiry(e, s.now()):
			if err := s.retire(tx, &e); err != nil {
				return err
			}
			// Returning an error would roll the retirement back: commit
			// it, delete the file, then answer ErrGone.
			gone = true
			return nil
		case e.Status != models.ExportReady:
			return ErrNotReady
		}
		var err error
		if r, err = s.Vault.Open(e.FileKey); err != nil {
			return fmt.Errorf("export: open %d: %w", e.ID, err)
		}
		now := s.now()
		if err := tx.Model(&models.Export{}).Where("id = ?", e.ID).
			Updates(map[string]any{"downloads": gorm.Expr("downloads + 1"), "last_download_at": now}).Error; err != nil {
			return err
		}
		entry := audit.By(a, "export.downloaded", "export", strconv.FormatInt(e.ID, 10))
		entry.Details = map[string]string{"size": strconv.FormatInt(e.SizeBytes, 10)}
		return audit.Append(tx, s.Dialect, entry)
	})
	if err == nil && gone {
		s.dropFile(ctx, e) // the retirement above is committed
		return e, nil, ErrGone
	}
	if err != nil {
		if r != nil {
			r.Close()
		}
		return e, nil, err
	}
	return e, r, nil
}

// FileName is the name the browser saves a package under.
func FileName(e models.Export) string {
	at := e.CreatedAt
	if e.ReadyAt != nil {
		at = *e.ReadyAt
	}
	return "my-data-" + at.UTC().Format("2006-01-02") + ".zip"
}

// Sweep retires the packages past their expiry, gives up the packages
// whose build job died for good (its worker killed on its last attempt:
// no handler ran to say so), deletes the files of expired and failed
// packages not yet deleted (a deletion that failed, or a restored
// backup), and removes temporary files a crash left in the vault. It
// returns how many packages it retired or gave up.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	db := s.DB.WithContext(ctx)
	var due []models.Export
	if err := db.Where("status = ? AND expires_at <= ?", models.ExportReady, s.now()).
		Order("id").Limit(500).Find(&due).Error; err != nil {
		return 0, fmt.Errorf("export: sweep: %w", err)
	}
	n := 0
	for i := range due {
		err := db.Transaction(func(tx *gorm.DB) error {
			if err := s.retire(tx, &due[i]); err != nil {
				return err
			}
			return audit.Append(tx, s.Dialect, audit.By(actor.SystemActor(), "export.expired", "export", strconv.FormatInt(due[i].ID, 10)))
		})
		if err != nil {
			return n, err
		}
		n++
	}
	var dead []int64
	if err := db.Model(&models.Export{}).Where("status IN ? AND job_id IN (?)",
		[]models.ExportStatus{models.ExportQueued, models.ExportBuilding},
		db.Model(&models.Job{}).Select("id").Where("kind = ? AND status = ?", KindBuild, models.JobDead)).
		Order("id").Limit(500).Pluck("id", &dead).Error; err != nil {
		return n, fmt.Errorf("export: sweep: %w", err)
	}
	for _, id := range dead {
		if err := s.fail(ctx, id, "build_died"); err != nil {
			return n, err
		}
		n++
	}
	var stale []models.Export
	if err := db.Where("status IN ? AND deleted_at IS NULL", []models.ExportStatus{models.ExportExpired, models.ExportFailed}).
		Order("id").Limit(500).Find(&stale).Error; err != nil {
		return n, fmt.Errorf("export: sweep: %w", err)
	}
	for _, e := range stale {
		s.dropFile(ctx, e)
	}
	if _, err := s.Vault.CleanTemp(24 * time.Hour); err != nil {
		return n, err
	}
	return n, nil
}

func splitKeys(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}
