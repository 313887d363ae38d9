// Package retention applies every retention rule on a schedule: the data
// categories' own (from the registry) and the portal's housekeeping
// (outbox, jobs, webhook logs, expired sessions and codes, dormant
// accounts), in small batches, never touching what a legal hold or a
// restriction keeps; and shows admins what a run would delete today.
package retention

import (
	"log/slog"
	"time"

	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Service runs the retention rules.
type Service struct {
	DB       *gorm.DB
	Dialect  models.Dialect
	Settings *settings.Service // nil: the defaults
	Vault    *vault.Vault
	Mailer   *mail.Mailer
	// Erasure erases dormant accounts after their warning.
	Erasure *erasure.Service
	// StartErasure starts the erasure of a dormant account whose warning's
	// grace is over, in tx: the engine's StartWithoutRequest (wired in
	// web/server.go). Nil: dormant accounts are warned, never erased.
	StartErasure func(tx *gorm.DB, userID int64, email, locale string) error
	BaseURL      string
	Now          func() time.Time // nil: the wall clock
	Logger       *slog.Logger
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
