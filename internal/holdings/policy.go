package holdings

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CurrentPolicy returns the policy version in force (the newest published
// no later than now) and the customer's acknowledgement of it, or a nil
// acknowledgement if they have not acknowledged that version. With no
// published policy both are nil.
func (s *Store) CurrentPolicy(ctx context.Context, userID int64) (*models.PolicyVersion, *models.PolicyAck, error) {
	db := s.DB.WithContext(ctx)
	var v models.PolicyVersion
	err := db.Where("published_at <= ?", time.Now().UTC()).
		Order("published_at DESC, id DESC").Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("holdings: current policy: %w", err)
	}
	var ack models.PolicyAck
	err = db.Where("user_id = ? AND policy_version_id = ?", userID, v.ID).Take(&ack).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &v, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("holdings: policy ack: %w", err)
	}
	return &v, &ack, nil
}

// Acknowledge records that the customer read a published policy version.
// Acknowledging again keeps the first time. An unknown or not yet
// published version is ErrNotFound.
func (s *Store) Acknowledge(ctx context.Context, userID, versionID int64, now time.Time) error {
	db := s.DB.WithContext(ctx)
	var n int64
	err := db.Model(&models.PolicyVersion{}).
		Where("id = ? AND published_at <= ?", versionID, now.UTC()).Count(&n).Error
	if err != nil {
		return fmt.Errorf("holdings: acknowledge: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	ack := models.PolicyAck{UserID: userID, PolicyVersionID: versionID, AcknowledgedAt: now.UTC()}
	err = db.Clauses(clause.OnConflict{DoNothing: true}).Create(&ack).Error
	if err != nil {
		return fmt.Errorf("holdings: acknowledge: %w", err)
	}
	return nil
}
