package export

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Build steps, in order, as the page names them (export.step.<name>).
const (
	StepData   = "data"   // data.json
	StepTables = "tables" // csv/
	StepPhotos = "photos" // photos/
	StepReport = "report" // index.html
	StepSeal   = "seal"   // closing and storing the encrypted file
)

// Where each step starts, in percent.
var stepStart = map[string]int{StepData: 0, StepTables: 20, StepPhotos: 35, StepReport: 80, StepSeal: 97}

func (s *Service) handleBuild(ctx context.Context, job *models.Job) error {
	var p buildPayload
	if err := json.Unmarshal([]byte(job.Payload), &p); err != nil || p.ExportID == 0 {
		return fmt.Errorf("export: bad payload: %w", err)
	}
	err := s.Build(ctx, p.ExportID)
	if errors.Is(err, ErrNotFound) {
		// Erased with its owner's data while it waited: nothing to build.
		s.log().Info("export: package gone before its build", "export", p.ExportID)
		return nil
	}
	if err != nil && job.Attempts >= job.MaxAttempts {
		// The last try: say so on the page, so staff can rebuild, instead
		// of a package "building" for ever.
		s.log().Error("export: build failed for good", "export", p.ExportID, "err", err)
		return s.fail(ctx, p.ExportID, "build_failed")
	}
	return err
}

// fail gives a package up (its build job's last attempt failed, or the
// job died): the page says so and staff can rebuild; its file, if an
// attempt left one, is deleted.
func (s *Service) fail(ctx context.Context, id int64, code string) error {
	var e models.Export
	failed := false
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if e, err = s.load(tx, id); err != nil {
			return err
		}
		res := tx.Model(&models.Export{}).Where("id = ? AND status IN ?", id,
			[]models.ExportStatus{models.ExportQueued, models.ExportBuilding}).
			Updates(map[string]any{"status": models.ExportFailed, "failure": code})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		failed = true
		entry := audit.By(actor.SystemActor(), "export.failed", "export", strconv.FormatInt(id, 10))
		entry.Details = map[string]string{"failure": code}
		return audit.Append(tx, s.Dialect, entry)
	})
	if err == nil && failed {
		s.dropFile(ctx, e)
	}
	return err
}

// Build writes package id. Each attempt writes under a key of its own,
// and the finished file appears under it in one rename, so a
// half-written package is never offered; an attempt offers its file only
// if the row still names its key, so two attempts never leave two
// packages. A package already ready, expired or failed is left as it is.
func (s *Service) Build(ctx context.Context, id int64) error {
	e, err := s.begin(ctx, id)
	if err != nil || e == nil {
		return err
	}
	b, err := s.newBuilder(ctx, e)
	if err != nil {
		return err
	}
	w, err := s.Vault.Create(e.FileKey)
	if err != nil {
		return err
	}
	size, sum, err := b.write(ctx, w)
	if err != nil {
		w.Abort()
		return err
	}
	b.progress(ctx, StepSeal, 0, 1, true)
	if err := w.Commit(); err != nil {
		return err
	}
	offered, err := s.finish(ctx, e, size, sum)
	if err != nil || !offered {
		// Not offered (another attempt took over, or the package was
		// retired meanwhile), or not recorded: this attempt's file must
		// not stay behind. A failed finish is retried by the job, which
		// writes a new file.
		if derr := s.Vault.Delete(e.FileKey); derr != nil {
			s.log().Warn("export: an unoffered file was not deleted", "export", e.ID, "err", derr)
		}
	}
	return err
}

// begin marks the package building under a new file key, and deletes
// the file of the attempt before (a crash after its file was stored but
// before it was offered); nil when there is nothing to do.
func (s *Service) begin(ctx context.Context, id int64) (*models.Export, error) {
	var e models.Export
	prev := ""
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if e, err = s.load(tx, id); err != nil {
			return err
		}
		if e.Status != models.ExportQueued && e.Status != models.ExportBuilding {
			return nil
		}
		key, err := vault.NewKey()
		if err != nil {
			return err
		}
		prev, e.FileKey = e.FileKey, key
		set := map[string]any{"status": models.ExportBuilding, "step": StepData, "progress": 0, "file_key": key}
		if e.StartedAt == nil {
			now := s.now()
			e.StartedAt, set["started_at"] = &now, now
		}
		e.Status = models.ExportBuilding
		return tx.Model(&models.Export{}).Where("id = ?", id).Updates(set).Error
	})
	if err != nil {
		return nil, fmt.Errorf("export: begin %d: %w", id, err)
	}
	if e.Status != models.ExportBuilding {
		return nil, nil
	}
	if prev != "" {
		if err := s.Vault.Delete(prev); err != nil {
			return nil, err
		}
	}
	return &e, nil
}

// finish offers the package: ready until now + export.keep, the request
// it answers completed, the customer told, in one transaction. offered
// is false when the row no longer names this attempt's file.
func (s *Service) finish(ctx context.Context, e *models.Export, size int64, sum string) (offered bool, err error) {
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		expires := now.Add(settings.ExportKeep.Get(s.Settings))
		res := tx.Model(&models.Export{}).Where("id = ? AND status = ? AND file_key = ?", e.ID, models.ExportBuilding, e.FileKey).
			Updates(map[string]any{"status": models.ExportReady, "step": "", "progress": 100, "size_bytes": size,
				"sha256": sum, "ready_at": now, "expires_at": expires})
		if res.Error != nil {
			return fmt.Errorf("export: finish: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // another attempt, or a rebuild, took over
		}
		e.Status, e.SizeBytes, e.SHA256, e.ReadyAt, e.ExpiresAt = models.ExportReady, size, sum, &now, &expires
		entry := audit.By(actor.SystemActor(), "export.ready", "export", strconv.FormatInt(e.ID, 10))
		entry.Details = map[string]string{"size": strconv.FormatInt(size, 10)}
		if err := audit.Append(tx, s.Dialect, entry); err != nil {
			return err
		}
		if e.RequestID != nil && s.Requests != nil {
			if err := s.Requests.CompleteFulfilled(tx, *e.RequestID, expires); err != nil {
				return err
			}
		}
		if err := s.notifyReady(tx, e); err != nil {
			return err
		}
		offered = true
		return nil
	})
	if err != nil {
		offered = false
	}
	return offered, err
}

// builder holds one build's state.
type builder struct {
	s        *Service
	e        *models.Export
	subj     holdings.Subject
	info     *ReportInfo
	cats     []*ReportCategory // the included ones, display order
	total    int64             // rows and files, for the progress
	done     int64
	lastSave time.Time
	step     string
}

func (s *Service) newBuilder(ctx context.Context, e *models.Export) (*builder, error) {
	b := &builder{s: s, e: e}
	if e.UserID != nil {
		b.subj.UserID = *e.UserID
	}
	if e.RequestID != nil {
		b.subj.RequestID = *e.RequestID
	}
	info, err := s.reportInfo(ctx, e)
	if err != nil {
		return nil, err
	}
	b.info = info
	for _, c := range info.Categories {
		if c.Included {
			b.cats = append(b.cats, c)
		}
	}
	return b, nil
}

// write streams the ZIP into w and returns its size and SHA-256.
func (b *builder) write(ctx context.Context, w io.Writer) (int64, string, error) {
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(w, h)}
	zw := zip.NewWriter(cw)
	ctx = i18n.WithLocale(ctx, b.e.Locale)
	err := b.s.snapshot(ctx, func(db *gorm.DB) error {
		if err := b.count(ctx, db); err != nil {
			return err
		}
		if err := b.withheld(ctx, db); err != nil {
			return err
		}
		for _, pass := range []func(context.Context, *gorm.DB, *zip.Writer) error{b.writeJSON, b.writeCSV, b.writePhotos, b.writeReport} {
			if err := pass(ctx, db, zw); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, "", err
	}
	if err := b.writeSchema(zw); err != nil {
		return 0, "", err
	}
	if err := zw.Close(); err != nil {
		return 0, "", fmt.Errorf("export: zip: %w", err)
	}
	return cw.n, hexSum(h), nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// snapshot runs fn on one connection inside a read-only transaction, so
// data.json, the CSV files and the report show the same moment even
// while the customer keeps using the shop. SQLite's pool opens write
// transactions (BEGIN IMMEDIATE, which would block every writer for the
// whole build), so there the read transaction is begun by hand.
func (s *Service) snapshot(ctx context.Context, fn func(db *gorm.DB) error) error {
	if s.Dialect == models.Postgres {
		return s.DB.WithContext(ctx).Transaction(fn, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	return s.DB.WithContext(ctx).Connection(func(conn *gorm.DB) error {
		if err := conn.Exec("BEGIN DEFERRED").Error; err != nil {
			return err
		}
		err := fn(conn)
		// Rolled back even when ctx is cancelled (a shutdown, the lease
		// running out): the connection goes back to the pool, and must
		// not go back inside a transaction.
		if rb := conn.WithContext(context.WithoutCancel(ctx)).Exec("ROLLBACK").Error; err == nil && rb != nil {
			err = rb
		}
		return err
	})
}

// count learns how many rows each set holds, for the progress and the
// report's table of contents. Photos count twice: their row and their
// file, which is most of the work.
func (b *builder) count(ctx context.Context, db *gorm.DB) error {
	for _, c := range b.cats {
		for _, set := range c.Sets {
			var n int64
			if err := db.WithContext(ctx).Raw("SELECT COUNT(*) FROM "+set.From, set.Args(b.subj)...).Scan(&n).Error; err != nil {
				return fmt.Errorf("export: count %s.%s: %w", c.Key, set.Name, err)
			}
			set.Count = n
			b.total += 3 * n // json, csv, report
			if set.FileColumn != "" {
				b.total += 10 * n // a file is worth about ten rows of work
			}
		}
	}
	return nil
}

// progress records that n more units of step are done, at most every
// ProgressEvery (or at once when force), on the pool (not the snapshot's
// connection), so the page sees it.
func (b *builder) progress(ctx context.Context, step string, n, weight int64, force bool) {
	b.done += n * weight
	now := time.Now()
	every := b.s.ProgressEvery
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	if !force && step == b.step && now.Sub(b.lastSave) < every {
		return
	}
	b.step, b.lastSave = step, now
	pct := stepStart[step]
	if b.total > 0 && step != StepSeal {
		pct = max(pct, int(b.done*96/b.total))
	}
	pct = min(pct, 99)
	err := b.s.DB.WithContext(ctx).Model(&models.Export{}).Where("id = ? AND status = ?", b.e.ID, models.ExportBuilding).
		Updates(map[string]any{"step": step, "progress": pct}).Error
	if err != nil && !errors.Is(err, context.Canceled) {
		b.s.log().Warn("export: progress not saved", "export", b.e.ID, "err", err)
	}
}

// each streams a set's records, with the ZIP path of a record's file
// (or nil) in place of its vault key.
func (b *builder) each(ctx context.Context, db *gorm.DB, set *ReportSet, fn func(rec []any) error) error {
	idAt := fieldIndex(set.Set, "id")
	typeAt := fieldIndex(set.Set, "content_type")
	return holdings.Each(ctx, db, set.Set, b.subj, func(rec []any) error {
		if set.FileColumn != "" {
			last := len(rec) - 1
			key, _ := rec[last].(string)
			rec[last] = nil
			if id, ok := rec[idAt].(int64); ok && key != "" && b.s.Vault.Exists(key) {
				ct, _ := rec[typeAt].(string)
				rec[last] = PhotoPath(id, ct)
			}
		}
		return fn(rec)
	})
}

func fieldIndex(s holdings.Set, name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// PhotoPath is the name a photo has in the ZIP: made from its number and
// its checked type, never from the name the customer's file had (which
// stays in data.json as filename, a value, not a path).
func PhotoPath(id int64, contentType string) string {
	ext := ".bin"
	switch strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0])) {
	case "image/jpeg":
		ext = ".jpg"
	case "image/png":
		ext = ".png"
	case "image/webp":
		ext = ".webp"
	case "image/gif":
		ext = ".gif"
	case "image/tiff":
		ext = ".tif"
	case "image/heic":
		ext = ".heic"
	}
	return fmt.Sprintf("photos/photo-%06d%s", id, ext)
}
