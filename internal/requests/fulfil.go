package requests

import (
	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// fulfil carries out, inside the approval's transaction, the kinds
// answered here: a rectification's corrections, a restriction, an
// objection. handled is false for the kinds handed off to later services
// (access, portability, erasure), which then wait for fulfilment. An error
// refuses the approval (a corrected value changed since filing: a
// Conflict whose fields name the corrections).
func (s *Service) fulfil(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) (handled bool, err error) {
	switch r.Kind {
	case models.RequestRectification:
		// One from the public form names no fields: staff correct by hand
		// and complete it.
		if has, err := hasCorrections(tx, r.ID); err != nil || !has {
			return false, err
		}
		if err := s.applyCorrections(tx, a, r); err != nil {
			return true, err
		}
		return true, s.passOn(tx, r, models.EventRectification)
	case models.RequestRestriction:
		return true, s.restrict(tx, a, r, groundRequest, "")
	case models.RequestObjection:
		if r.ObjectionGround == models.ObjectMarketing {
			// Normally applied at verification already; recording it twice
			// changes nothing.
			return true, s.recordMarketingObjection(tx, a, r)
		}
		return true, s.upholdObjection(tx, a, r)
	}
	return false, nil
}

// passOn calls the PassOn hook, when wired.
func (s *Service) passOn(tx *gorm.DB, r *models.PrivacyRequest, event string) error {
	if s.PassOn == nil {
		return nil
	}
	return s.PassOn(tx, r, event)
}

// afterVerified runs when a request has just entered review: an
// objection to direct marketing is applied at once, without review (Art.
// 21(3)); processing objected to on legitimate interests is restricted
// while staff weigh it (Art. 18(1)(d)).
func (s *Service) afterVerified(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) error {
	if r.Kind != models.RequestObjection {
		return nil
	}
	if r.ObjectionGround == models.ObjectMarketing {
		if err := s.recordMarketingObjection(tx, a, r); err != nil {
			return err
		}
		sys := actor.SystemActor()
		// The approval is the portal's, with no review to report: the
		// requester is told once, that it is done.
		if err := s.move(tx, sys, r, step{Action: ActApprove, Quiet: true, Audit: map[string]string{"ground": models.ObjectMarketing}}); err != nil {
			return err
		}
		return s.move(tx, sys, r, step{Action: ActComplete, Audit: map[string]string{"ground": models.ObjectMarketing}})
	}
	return s.restrict(tx, a, r, groundObjection, "")
}

// afterDenied runs in the transaction of every close without approval
// (a denial, a rejected identity, a withdrawal, a duplicate): an
// objection on legitimate interests that is not upheld lifts the
// restriction placed while it was weighed, with the notice Art. 18(3)
// asks for.
func (s *Service) afterDenied(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) error {
	if r.Kind != models.RequestObjection || r.ObjectionGround == models.ObjectMarketing {
		return nil
	}
	var rs []models.Restriction
	if err := tx.Where("request_id = ? AND ground = ? AND lifted_at IS NULL AND lift_notice_at IS NULL", r.ID, groundObjection).
		Order("id").Find(&rs).Error; err != nil {
		return err
	}
	for i := range rs {
		if err := s.announceLift(tx, a, &rs[i]); err != nil {
			return err
		}
	}
	return nil
}

// hasCorrections reports whether request id names structured corrections.
func hasCorrections(tx *gorm.DB, id int64) (bool, error) {
	var n int64
	err := tx.Model(&models.RequestCorrection{}).Where("request_id = ?", id).Count(&n).Error
	return n > 0, err
}
