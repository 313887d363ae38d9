// Package export builds the customer's download (GDPR Art. 15 and 20):
// one ZIP with a readable report (index.html), every category as JSON
// with its schema and as CSV, and the original photos. A job builds it
// in the background from the registry's declarations, streaming from
// the database into the encrypted vault, so memory does not grow with
// the customer; the package is kept for a while (export.keep), then
// deleted by a scheduled sweep.
package export

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Service asks for, builds, serves and deletes download packages.
type Service struct {
	DB       *gorm.DB
	Dialect  models.Dialect
	Vault    *vault.Vault
	Mailer   *mail.Mailer
	Settings *settings.Service // nil: the defaults
	Holdings *holdings.Store   // the categories' texts for the report
	Requests *requests.Service // completes the access request a package answers
	// Report writes index.html; the pages' package renders it (services
	// know nothing of pages) and the server wires it.
	Report  Reporter
	BaseURL string
	Now     func() time.Time // nil: the wall clock
	Logger  *slog.Logger
	// ProgressEvery is how often a build writes its progress (default 500ms).
	ProgressEvery time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger.With("component", "export")
	}
	return slog.Default().With("component", "export")
}

// Errors the pages map to a status and a message.
var (
	ErrNotFound = fault.New(fault.NotFound, "export: no such package")
	// ErrGone is a package past its expiry, or replaced: its file is deleted.
	ErrGone = fault.New(fault.Gone, "export: the package has expired")
	// ErrNotReady is a package still being built (or that failed).
	ErrNotReady = fault.New(fault.Conflict, "export: the package is not ready")
	// ErrNoCategory is a self-service ask that chose nothing.
	ErrNoCategory = fault.InvalidFields("export: no category chosen", map[string]string{"categories": "export.error.no_category"})
)

// Kind of the job that builds one package.
const KindBuild = "export.build"

// BuildLease is how long a build may run, and how long a killed one
// waits before another worker takes it over.
const BuildLease = 10 * time.Minute

// KindSweep is the periodic job deleting expired packages.
const KindSweep = "export.sweep"

type buildPayload struct {
	ExportID int64 `json:"export_id"`
}

// Jobs declares the builder and the sweep. Both are idempotent: a build
// rerun after a crash starts again into the same file; a sweep rerun
// finds nothing left.
func (s *Service) Jobs() []jobs.Spec {
	return []jobs.Spec{
		// A package of a large photo library takes minutes, not the
		// queue's default minute (10,000 orders and 400 MB of photos take
		// about 2 s); a build killed with its process resumes once this
		// lease has run out.
		{Kind: KindBuild, Handle: s.handleBuild, Lease: BuildLease},
		{Kind: KindSweep, Handle: func(ctx context.Context, _ *models.Job) error {
			_, err := s.Sweep(ctx)
			return err
		}, Schedule: KindSweep, Every: 15 * time.Minute},
	}
}

// Request queues the customer's own download of the chosen categories
// (nil: all). The handler has checked a recent re-authentication. A
// second ask inside export.self_interval is Throttled, with the wait.
func (s *Service) Request(ctx context.Context, a actor.Actor, userID int64, categories []string, locale string) (models.Export, error) {
	if err := a.Self(userID); err != nil {
		return models.Export{}, err
	}
	cats, err := chosen(categories)
	if err != nil {
		return models.Export{}, err
	}
	var e models.Export
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// One ask at a time per customer: the account row is the lock.
		if err := lockUser(tx, s.Dialect, userID); err != nil {
			return err
		}
		var last models.Export
		err := tx.Where("user_id = ? AND request_id IS NULL AND status <> ?", userID, models.ExportFailed).
			Order("created_at DESC").Limit(1).Find(&last).Error
		if err != nil {
			return err
		}
		interval := settings.ExportSelfInterval.Get(s.Settings)
		if last.ID != 0 && s.now().Before(last.CreatedAt.Add(interval)) {
			return fault.ThrottledFor("export: asked too recently", last.CreatedAt.Add(interval).Sub(s.now()))
		}
		uid := userID
		e = models.Export{UserID: &uid, Status: models.ExportQueued, Categories: strings.Join(cats, ","),
			Locale: locale, RequestedByKind: string(a.Kind), RequestedByID: a.ID(), CreatedAt: s.now()}
		return s.queue(tx, a, &e)
	})
	return e, err
}

// chosen checks the keys asked for; none means every category.
func chosen(keys []string) ([]string, error) {
	if keys == nil {
		return nil, nil
	}
	var out []string
	for _, k := range keys {
		if _, ok := holdings.Lookup(k); !ok {
			return nil, fault.InvalidFields("export: unknown category", map[string]string{"categories": "export.error.unknown_category"})
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil, ErrNoCategory
	}
	if len(out) == len(holdings.Entries()) {
		return nil, nil
	}
	return out, nil
}

// queue stores a new package row and its build job, with the audit entry.
func (s *Service) queue(tx *gorm.DB, a actor.Actor, e *models.Export) error {
	if err := tx.Create(e).Error; err != nil {
		return fmt.Errorf("export: create: %w", err)
	}
	jobID, err := jobs.Enqueue(tx, KindBuild, buildPayload{ExportID: e.ID}, jobs.MaxAttempts(5))
	if err != nil {
		return err
	}
	e.JobID = &jobID
	if err := tx.Model(&models.Export{}).Where("id = ?", e.ID).Update("job_id", jobID).Error; err != nil {
		return fmt.Errorf("export: create: %w", err)
	}
	entry := audit.By(a, "export.requested", "export", strconv.FormatInt(e.ID, 10))
	entry.Details = map[string]string{"categories": e.Categories}
	if e.RequestID != nil {
		entry.Details["request"] = strconv.FormatInt(*e.RequestID, 10)
	}
	return audit.Append(tx, s.Dialect, entry)
}

// StartForRequest queues the package answering an access or portability
// request, in the transaction that handed it off: every category, in
// the requester's language. The request completes when it is ready.
func (s *Service) StartForRequest(tx *gorm.DB, r *models.PrivacyRequest) error {
	e := models.Export{UserID: r.UserID, RequestID: &r.ID, Status: models.ExportQueued, Locale: r.Locale,
		RequestedByKind: string(actor.System), CreatedAt: s.now()}
	return s.queue(tx, actor.SystemActor(), &e)
}

// StartByStaff queues a package for request requestID, approved and
// waiting for one (an access or portability request approved before
// packages were built, or whose packages all ended): staff only. A
// package already on its way is ErrNotReady; another kind or status is
// requests.ErrWrongState.
func (s *Service) StartByStaff(ctx context.Context, a actor.Actor, requestID int64) (models.Export, error) {
	if !a.IsStaff() {
		return models.Export{}, requests.ErrStaffOnly
	}
	var e models.Export
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r models.PrivacyRequest
		if err := tx.Where("id = ?", requestID).Take(&r).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return requests.ErrNotFound
			}
			return err
		}
		if r.Status != models.StatusWaitingFulfilment || (r.Kind != models.RequestAccess && r.Kind != models.RequestPortability) {
			return requests.ErrWrongState
		}
		var n int64
		if err := tx.Model(&models.Export{}).Where("request_id = ? AND status IN ?", requestID,
			[]models.ExportStatus{models.ExportQueued, models.ExportBuilding}).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrNotReady
		}
		e = models.Export{UserID: r.UserID, RequestID: &r.ID, Status: models.ExportQueued, Locale: r.Locale,
			RequestedByKind: string(a.Kind), RequestedByID: a.ID(), CreatedAt: s.now()}
		return s.queue(tx, a, &e)
	})
	return e, err
}

// Rebuild replaces a package with a fresh one (staff: the customer lost
// the mail, the package expired, a build failed). The old file is
// deleted as soon as the replacement is committed.
func (s *Service) Rebuild(ctx context.Context, a actor.Actor, exportID int64) (models.Export, error) {
	if !a.IsStaff() {
		return models.Export{}, requests.ErrStaffOnly
	}
	var e, old models.Export
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if old, err = s.load(tx, exportID); err != nil {
			return err
		}
		if old.Status == models.ExportQueued || old.Status == models.ExportBuilding {
			return ErrNotReady
		}
		if err := s.retire(tx, &old); err != nil {
			return err
		}
		e = models.Export{UserID: old.UserID, RequestID: old.RequestID, Status: models.ExportQueued, Categories: old.Categories,
			Locale: old.Locale, RequestedByKind: string(a.Kind), RequestedByID: a.ID(), CreatedAt: s.now()}
		return s.queue(tx, a, &e)
	})
	if err == nil {
		s.dropFile(ctx, old)
	}
	return e, err
}

// retire marks a package expired, in tx. Its file is deleted by dropFile
// once tx has committed: deleted first, a rollback would leave a row
// offering a file that is gone.
func (s *Service) retire(tx *gorm.DB, e *models.Export) error {
	if e.Status == models.ExportExpired {
		return nil
	}
	if err := tx.Model(&models.Export{}).Where("id = ?", e.ID).Update("status", models.ExportExpired).Error; err != nil {
		return fmt.Errorf("export: retire: %w", err)
	}
	e.Status = models.ExportExpired
	return nil
}

// dropFile deletes the file of an expired or failed package and records
// when. A failure is logged and left to the sweep, which deletes the
// file of every such package not yet marked deleted.
func (s *Service) dropFile(ctx context.Context, e models.Export) {
	if e.DeletedAt != nil {
		return
	}
	if e.FileKey != "" {
		if err := s.Vault.Delete(e.FileKey); err != nil {
			s.log().Warn("export: file not deleted; the sweep retries", "export", e.ID, "err", err)
			return
		}
	}
	if err := s.DB.WithContext(ctx).Model(&models.Export{}).Where("id = ? AND deleted_at IS NULL", e.ID).
		Update("deleted_at", s.now()).Error; err != nil {
		s.log().Warn("export: deletion not recorded; the sweep retries", "export", e.ID, "err", err)
	}
}

func (s *Service) load(tx *gorm.DB, id int64) (models.Export, error) {
	var e models.Export
	err := tx.Where("id = ?", id).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, ErrNotFound
	}
	return e, err
}

// Mine lists the customer's packages, newest first (the page's list).
func (s *Service) Mine(ctx context.Context, a actor.Actor, userID int64, limit int) ([]models.Export, error) {
	if err := a.Self(userID); err != nil {
		return nil, err
	}
	var out []models.Export
	err := s.DB.WithContext(ctx).Where("user_id = ?", userID).Order("created_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

// One is the customer's package id: another customer's, or none, is
// ErrNotFound alike.
func (s *Service) One(ctx context.Context, a actor.Actor, userID, id int64) (models.Export, error) {
	if err := a.Self(userID); err != nil {
		return models.Export{}, err
	}
	var e models.Export
	err := s.DB.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, ErrNotFound
	}
	return e, err
}

// ForRequest lists the packages made for request id, newest first (the
// desk and the public status page).
func (s *Service) ForRequest(ctx context.Context, requestID int64) ([]models.Export, error) {
	var out []models.Export
	err := s.DB.WithContext(ctx).Where("request_id = ?", requestID).Order("created_at DESC, id DESC").Find(&out).Error
	return out, err
}

// lockUser serializes a customer's asks on their account row.
func lockUser(tx *gorm.DB, d models.Dialect, userID int64) error {
	q := "SELECT id FROM users WHERE id = ?"
	if d == models.Postgres {
		q += " FOR UPDATE"
	}
	var id int64
	if err := tx.Raw(q, userID).Scan(&id).Error; err != nil {
		return err
	}
	if id == 0 {
		return ErrNotFound
	}
	return nil
}
