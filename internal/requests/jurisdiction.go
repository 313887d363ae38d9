package requests

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Field errors of SetJurisdiction (the key is the form's field name).
var (
	ErrJurisdiction         = fault.InvalidFields("requests: not a jurisdiction", map[string]string{"jurisdiction": "desk.error.jurisdiction"})
	ErrJurisdictionSame     = fault.InvalidFields("requests: the jurisdiction is unchanged", map[string]string{"jurisdiction": "desk.error.jurisdiction_same"})
	ErrJurisdictionExtended = fault.InvalidFields("requests: extended under the old rules", map[string]string{"jurisdiction": "desk.error.jurisdiction_extended"})
)

// SetJurisdiction overrides the jurisdiction a request took from the
// settings when it was filed (a Californian customer of an EU shop, say).
// The first deadline is counted again from receipt under the new rules,
// keeping whatever time a paused clock already added; CCPA's clock never
// pauses, so a pause ends when switching to it. An extended request keeps
// its rules: the extension was granted, and announced, under them.
func (s *Service) SetJurisdiction(ctx context.Context, a actor.Actor, id int64, jurisdiction string) error {
	if jurisdiction != models.JurisdictionGDPR && jurisdiction != models.JurisdictionCCPA {
		if !a.IsStaff() {
			return ErrStaffOnly
		}
		return ErrJurisdiction
	}
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		// The status first: a closed request says so.
		if _, err := next(ActJurisdiction, r.Status, partyOf(a)); err != nil {
			return err
		}
		switch {
		case r.ExtendedAt != nil:
			return ErrJurisdictionExtended
		case r.Jurisdiction == jurisdiction:
			return ErrJurisdictionSame
		}
		from := r.Jurisdiction
		r.Jurisdiction = jurisdiction
		if jurisdiction == models.JurisdictionCCPA {
			Resume(r, s.now())
		}
		shift := r.DueAt.Sub(r.FirstDueAt)
		r.FirstDueAt = FirstDue(jurisdiction, r.ReceivedAt)
		r.DueAt = r.FirstDueAt.Add(shift)
		if err := s.flagRepeat(tx, r); err != nil {
			return err
		}
		// An approved erasure waiting in its cool-off must still run
		// before the new, perhaps earlier, deadline.
		if err := clampCoolOff(tx, r, s.now()); err != nil {
			return err
		}
		return s.move(tx, a, r, step{Action: ActJurisdiction, Audit: map[string]string{"previous": from, "jurisdiction": jurisdiction}})
	})
}

// clampCoolOff ends the cool-off of r's erasure, if one waits, no later
// than models.ErasureRunMargin before r's due date (and not before now):
// the rule erasure.CoolOffEnd applied at approval, kept when the
// deadline moves.
func clampCoolOff(tx *gorm.DB, r *models.PrivacyRequest, now time.Time) error {
	latest := r.DueAt.Add(-models.ErasureRunMargin)
	if latest.Before(now) {
		latest = now
	}
	err := tx.Model(&models.Erasure{}).Where("request_id = ? AND status = ? AND cool_off_until > ?", r.ID, models.ErasureCoolingOff, latest).
		Updates(map[string]any{"cool_off_until": latest, "updated_at": now}).Error
	if err != nil {
		return fmt.Errorf("requests: cool-off of %d: %w", r.ID, err)
	}
	return nil
}
