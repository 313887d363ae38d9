package holdings

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CurrentPolicy returns the policy version in force (the newest published
// no later than now) and the customer's acknowledgement of it, or a nil
// acknowledgement if they have not acknowledged that version. With no
// published policy both are nil.
func (s *Store) CurrentPolicy(ctx context.Context, userID int64) (*models.PolicyVersion, *models.PolicyAck, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	v := snap.policyAt(s.now())
	if v == nil {
		return nil, nil, nil
	}
	var ack models.PolicyAck
	err = s.DB.WithContext(ctx).Where("user_id = ? AND policy_version_id = ?", userID, v.ID).Limit(1).Find(&ack).Error
	if err != nil {
		return nil, nil, fmt.Errorf("holdings: policy ack: %w", err)
	}
	if ack.UserID == 0 {
		return v, nil, nil
	}
	return v, &ack, nil
}

// Acknowledge records that the customer read a published policy version,
// with its audit entry in the same transaction. Acknowledging again keeps
// the first time and writes no second entry. An unknown or not yet
// published version is ErrNotFound. Only the customer may acknowledge: it
// is their own statement, which no staff member or system can make for
// them.
func (s *Store) Acknowledge(ctx context.Context, a actor.Actor, userID, versionID int64, now time.Time) error {
	if err := a.Self(userID); err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		err := tx.Model(&models.PolicyVersion{}).
			Where("id = ? AND published_at <= ?", versionID, now.UTC()).Count(&n).Error
		if err != nil {
			return fmt.Errorf("holdings: acknowledge: %w", err)
		}
		if n == 0 {
			return ErrNotFound
		}
		ack := models.PolicyAck{UserID: userID, PolicyVersionID: versionID, AcknowledgedAt: now.UTC()}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&ack)
		if res.Error != nil {
			return fmt.Errorf("holdings: acknowledge: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // acknowledged before: that first time is the record
		}
		e := audit.By(a, "policy.acknowledged", "user", strconv.FormatInt(userID, 10))
		e.Details = map[string]string{"policy_version_id": strconv.FormatInt(versionID, 10)}
		if err := audit.Append(tx, s.Dialect, e); err != nil {
			return fmt.Errorf("holdings: acknowledge: %w", err)
		}
		return nil
	})
}
