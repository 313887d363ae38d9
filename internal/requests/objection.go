package requests

import (
	"fmt"
	"strconv"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// recordMarketingObjection writes the objection to direct marketing of r
// (Art. 21(2)–(3)), once per request, for the consent ledger to read.
func (s *Service) recordMarketingObjection(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) error {
	var n int64
	if err := tx.Model(&models.MarketingObjection{}).Where("request_id = ?", r.ID).Count(&n).Error; err != nil {
		return fmt.Errorf("requests: objection: %w", err)
	}
	if n > 0 {
		return nil
	}
	id := r.ID
	o := models.MarketingObjection{UserID: r.UserID, Email: r.RequesterEmail, RequestID: &id, RecordedAt: s.now()}
	if err := tx.Create(&o).Error; err != nil {
		return fmt.Errorf("requests: objection: %w", err)
	}
	if s.OnMarketingObjection != nil {
		if err := s.OnMarketingObjection(tx, r.UserID, r.RequesterEmail); err != nil {
			return fmt.Errorf("requests: objection: %w", err)
		}
	}
	e := audit.By(a, "objection.recorded", "request", strconv.FormatInt(r.ID, 10))
	e.Details = map[string]string{"objection": strconv.FormatInt(o.ID, 10), "ground": models.ObjectMarketing}
	return audit.Append(tx, s.Dialect, e)
}

// upholdObjection is the approval of an objection on legitimate
// interests: the processing stays restricted, no longer while it is
// weighed but for good, until staff lift it with the notice it needs.
func (s *Service) upholdObjection(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) error {
	res := tx.Model(&models.Restriction{}).
		Where("request_id = ? AND ground = ? AND lifted_at IS NULL AND lift_notice_at IS NULL", r.ID, groundObjection).
		Updates(map[string]any{"ground": groundRequest, "reason": ReasonObjectionUpheld})
	if res.Error != nil {
		return fmt.Errorf("requests: uphold objection: %w", res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	// Verified before this rule existed, or its restriction was lifted in
	// the meantime: restrict now.
	return s.restrict(tx, a, r, groundRequest, ReasonObjectionUpheld)
}

// marketingObjections lists the objections to direct marketing recorded
// for customer userID or their email, newest first, for staff.
func (s *Service) marketingObjections(tx *gorm.DB, userID int64, email string) ([]models.MarketingObjection, error) {
	var out []models.MarketingObjection
	err := tx.Where("user_id = ? OR email = ?", userID, email).Order("recorded_at DESC, id DESC").Find(&out).Error
	return out, err
}
