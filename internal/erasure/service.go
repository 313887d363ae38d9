// Package erasure carries out approved erasure requests: the cool-off,
// the run over every data category by its strategy (holds kept), the
// report, the connected systems the erasure is passed on to, and the
// journal that a restored backup replays.
package erasure

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Service is the erasure engine and its connected systems.
type Service struct {
	DB       *gorm.DB
	Dialect  models.Dialect
	Settings *settings.Service // nil: the defaults
	Vault    *vault.Vault      // the files of erased rows
	Secrets  *vault.KeyRing    // keyed hashes (suppression list, journal) and webhook secrets
	Mailer   *mail.Mailer
	Requests *requests.Service
	// Journal is the append-only record of erasures and withdrawals kept
	// beside the keys, outside the database (journal.go).
	Journal *Journal
	// HTTP delivers webhooks (nil: a client with the delivery timeout).
	HTTP    HTTPDoer
	BaseURL string
	Now     func() time.Time // nil: the wall clock
	Logger  *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Jobs are the erasure's job kinds: the run of due erasures, and the
// webhook deliveries.
func (s *Service) Jobs() []jobs.Spec {
	return slices.Concat(s.runJobs(), s.systemJobs())
}

// SeedStrategies gives every registered category its default strategy,
// keeping the ones admins chose.
func SeedStrategies(ctx context.Context, db *gorm.DB, now time.Time) error {
	for _, e := range holdings.Entries() {
		er := e.Erasure()
		row := models.ErasureStrategy{Category: e.Key(), Strategy: er.Default, LegalBasis: er.LegalBasis,
			RetainYears: er.RetainYears, UpdatedAt: now}
		if err := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return fmt.Errorf("erasure: seed strategies: %w", err)
		}
	}
	return nil
}

// settle completes erasure id once its categories are done and no task
// of a connected system is open: the erasure is completed, and so is
// its request. Called when the run finishes and whenever a task is done.
func (s *Service) settle(tx *gorm.DB, id int64) error {
	var e models.Erasure
	if err := tx.Take(&e, "id = ?", id).Error; err != nil {
		return fmt.Errorf("erasure: settle %d: %w", id, err)
	}
	if e.Status != models.ErasureWaiting {
		return nil
	}
	var open int64
	if err := tx.Model(&models.SystemTask{}).Where("erasure_id = ? AND status <> ?", id, models.TaskDone).
		Count(&open).Error; err != nil {
		return fmt.Errorf("erasure: settle %d: %w", id, err)
	}
	if open > 0 {
		return nil
	}
	now := s.now()
	res := tx.Model(&models.Erasure{}).Where("id = ? AND status = ?", id, models.ErasureWaiting).
		Updates(map[string]any{"status": models.ErasureCompleted, "completed_at": now, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	if e.RequestID == nil {
		return nil
	}
	return s.Requests.CompleteFulfilled(tx, *e.RequestID, now)
}

// system is the actor of what the engine does on its own.
var system = actor.SystemActor()
