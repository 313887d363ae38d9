package erasure

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// RunMargin is how long before the request's due date the cool-off ends
// at the latest (the rule is the models', which requests also applies
// when a deadline moves).
const RunMargin = models.ErasureRunMargin

// ErrStarted is returned when an erasure can no longer be cancelled or
// hurried: its cool-off is over (it runs, or ran) or it was cancelled.
var ErrStarted = fault.New(fault.Conflict, "erasure: no longer in its cool-off")

// ErrNotFound is returned for an erasure that is not the actor's to see.
var ErrNotFound = fault.New(fault.NotFound, "erasure: not found")

// CoolOffEnd is when the cool-off of request r, approved at now, ends:
// erasure.cool_off after now, shortened so that it ends RunMargin before
// the due date (and never before now).
func (s *Service) CoolOffEnd(r *models.PrivacyRequest, now time.Time) time.Time {
	end := now.Add(settings.ErasureCoolOff.Get(s.Settings))
	if latest := r.DueAt.Add(-RunMargin); end.After(latest) {
		end = latest
	}
	if end.Before(now) {
		end = now
	}
	return end.UTC()
}

// Schedule starts the cool-off of an approved erasure request, in the
// approval's transaction (requests.Handoff): the run waits until the
// cool-off ends, or until the customer waives it.
func (s *Service) Schedule(tx *gorm.DB, r *models.PrivacyRequest) error {
	now := s.now()
	e := models.Erasure{RequestID: &r.ID, UserID: r.UserID, Categories: r.Categories, Status: models.ErasureCoolingOff,
		CoolOffUntil: s.CoolOffEnd(r, now), ReportEmail: r.RequesterEmail, ReportLocale: r.Locale, CreatedAt: now, UpdatedAt: now}
	// Approved twice cannot happen (the request moved on), but a replayed
	// hand-off must not make a second run.
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&e).Error; err != nil {
		return fmt.Errorf("erasure: schedule %d: %w", r.ID, err)
	}
	if e.ID == 0 {
		return nil
	}
	ev := audit.By(system, "erasure.scheduled", "request", strconv.FormatInt(r.ID, 10))
	ev.Details = map[string]string{"erasure": strconv.FormatInt(e.ID, 10), "until": e.CoolOffUntil.Format(time.RFC3339)}
	if err := audit.Append(tx, s.Dialect, ev); err != nil {
		return err
	}
	if !e.CoolOffUntil.After(now) {
		return s.kick(tx)
	}
	return nil
}

// CoolOffNote is what the requester of an approved erasure is told with
// the approval (requests.Service.HandoffNotes): the date it runs, and that
// they may cancel it or have it done at once until then.
func (s *Service) CoolOffNote(tx *gorm.DB, r *models.PrivacyRequest) (string, error) {
	lang := i18n.Match(r.Locale)
	zone := i18n.ShopZone()
	if r.UserID != nil {
		var tz string
		if err := tx.Model(&models.User{}).Where("id = ?", *r.UserID).Pluck("time_zone", &tz).Error; err != nil {
			return "", fmt.Errorf("erasure: note %d: %w", r.ID, err)
		}
		if tz != "" {
			zone = i18n.LoadZone(tz)
		}
	}
	when := i18n.FormatDateTime(lang, s.CoolOffEnd(r, s.now()), zone)
	if r.UserID == nil {
		return i18n.Tl(lang, "erasure.cooloff.note_public", "Date", when), nil
	}
	return i18n.Tl(lang, "erasure.cooloff.note", "Date", when), nil
}

// StartWithoutRequest erases customer userID with no request and no
// cool-off (a dormant account after its warning), in tx: the report goes
// to email in locale.
func (s *Service) StartWithoutRequest(tx *gorm.DB, userID int64, email, locale string) (int64, error) {
	now := s.now()
	e := models.Erasure{UserID: &userID, Status: models.ErasureCoolingOff, CoolOffUntil: now, ReportEmail: email,
		ReportLocale: locale, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&e).Error; err != nil {
		return 0, fmt.Errorf("erasure: start: %w", err)
	}
	ev := audit.By(system, "erasure.started", "user", strconv.FormatInt(userID, 10))
	ev.Details = map[string]string{"erasure": strconv.FormatInt(e.ID, 10)}
	if err := audit.Append(tx, s.Dialect, ev); err != nil {
		return 0, err
	}
	return e.ID, s.kick(tx)
}

// ForRequest is the erasure of request id, if it was approved; found is
// false before that.
func (s *Service) ForRequest(ctx context.Context, requestID int64) (e models.Erasure, found bool, err error) {
	err = s.DB.WithContext(ctx).Where("request_id = ?", requestID).Limit(1).Find(&e).Error
	if err != nil {
		return e, false, fmt.Errorf("erasure: of request %d: %w", requestID, err)
	}
	return e, e.ID != 0, nil
}

// Mine is the customer's own erasure of their request id.
func (s *Service) Mine(ctx context.Context, a actor.Actor, requestID int64) (models.Erasure, bool, error) {
	if a.Kind != actor.Customer {
		return models.Erasure{}, false, ErrNotFound
	}
	e, found, err := s.ForRequest(ctx, requestID)
	if err != nil || !found {
		return e, false, err
	}
	if e.UserID == nil || *e.UserID != a.UserID {
		return models.Erasure{}, false, ErrNotFound
	}
	return e, true, nil
}

// InCoolOff reports whether e may still be cancelled or hurried at now.
func InCoolOff(e models.Erasure, now time.Time) bool {
	return e.Status == models.ErasureCoolingOff && now.Before(e.CoolOffUntil)
}

// Cancel stops the customer's own approved erasure of request id during
// its cool-off: nothing is erased, and the request is withdrawn.
func (s *Service) Cancel(ctx context.Context, a actor.Actor, requestID int64) error {
	return s.inCoolOff(ctx, a, requestID, func(tx *gorm.DB, e *models.Erasure, now time.Time) error {
		if err := tx.Model(&models.Erasure{}).Where("id = ?", e.ID).
			Updates(map[string]any{"status": models.ErasureCancelled, "cancelled_at": now, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("erasure: cancel %d: %w", e.ID, err)
		}
		if err := s.Requests.StopErasure(tx, a, requestID); err != nil {
			return err
		}
		return s.record(tx, a, e, "erasure.cancelled")
	})
}

// StopForRequester is staff stopping the erasure of request id during its
// cool-off, on the requester's word (a reply, a call): the same as the
// customer's Cancel, for requesters without an account too.
func (s *Service) StopForRequester(ctx context.Context, a actor.Actor, requestID int64) error {
	if !a.IsStaff() {
		return ErrNotFound
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, now, err := s.lockInCoolOff(tx, requestID, 0)
		if err != nil {
			return err
		}
		if err := tx.Model(&models.Erasure{}).Where("id = ?", e.ID).
			Updates(map[string]any{"status": models.ErasureCancelled, "cancelled_at": now, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("erasure: cancel %d: %w", e.ID, err)
		}
		if err := s.Requests.StopErasure(tx, a, requestID); err != nil {
			return err
		}
		return s.record(tx, a, &e, "erasure.cancelled")
	})
}

// Waive ends the customer's own cool-off now: the erasure runs at once.
func (s *Service) Waive(ctx context.Context, a actor.Actor, requestID int64) error {
	return s.inCoolOff(ctx, a, requestID, func(tx *gorm.DB, e *models.Erasure, now time.Time) error {
		if err := tx.Model(&models.Erasure{}).Where("id = ?", e.ID).
			Updates(map[string]any{"cool_off_until": now, "waived_at": now, "updated_at": now}).Error; err != nil {
			return fmt.Errorf("erasure: waive %d: %w", e.ID, err)
		}
		if err := s.record(tx, a, e, "erasure.waived"); err != nil {
			return err
		}
		return s.kick(tx)
	})
}

// inCoolOff runs fn on the customer's own erasure of request id, locked,
// if it is still in its cool-off.
func (s *Service) inCoolOff(ctx context.Context, a actor.Actor, requestID int64, fn func(tx *gorm.DB, e *models.Erasure, now time.Time) error) error {
	if a.Kind != actor.Customer || a.UserID == 0 {
		return ErrNotFound
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, now, err := s.lockInCoolOff(tx, requestID, a.UserID)
		if err != nil {
			return err
		}
		return fn(tx, &e, now)
	})
}

// lockInCoolOff reads the erasure of request id under a row lock, the
// customer ownerID's only (0: anyone's, for staff), and refuses one no
// longer in its cool-off.
func (s *Service) lockInCoolOff(tx *gorm.DB, requestID, ownerID int64) (models.Erasure, time.Time, error) {
	q := tx.Where("request_id = ?", requestID)
	if ownerID != 0 {
		q = q.Where("user_id = ?", ownerID)
	}
	if s.Dialect == models.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var e models.Erasure
	err := q.Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return e, time.Time{}, ErrNotFound
	}
	if err != nil {
		return e, time.Time{}, fmt.Errorf("erasure: of request %d: %w", requestID, err)
	}
	now := s.now()
	if !InCoolOff(e, now) {
		return e, now, ErrStarted
	}
	return e, now, nil
}

// record writes the audit entry of action on e, by a.
func (s *Service) record(tx *gorm.DB, a actor.Actor, e *models.Erasure, action string) error {
	target, id := "erasure", strconv.FormatInt(e.ID, 10)
	if e.RequestID != nil {
		target, id = "request", strconv.FormatInt(*e.RequestID, 10)
	}
	ev := audit.By(a, action, target, id)
	ev.Details = map[string]string{"erasure": strconv.FormatInt(e.ID, 10)}
	return audit.Append(tx, s.Dialect, ev)
}
