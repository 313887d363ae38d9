package requests

import (
	"context"
	"errors"
	"fmt"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// expireBatch bounds one run's work; the next run takes the rest.
const expireBatch = 500

// ExpireUnverified closes public requests whose email was never proven
// within the expiry setting, telling the requester so. Each closes in its
// own transaction, guarded by its status, so a rerun (or a second
// instance) finds nothing left to do and a request confirmed meanwhile
// stays open.
func (s *Service) ExpireUnverified(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-settings.RequestUnverifiedExpiry.Get(s.Settings))
	var ids []int64
	if err := s.DB.WithContext(ctx).Model(&models.PrivacyRequest{}).
		Where("status = ? AND channel IN ? AND email_verified_at IS NULL AND received_at < ?",
			models.StatusAwaitingVerification, []string{models.ChannelPublic, models.ChannelAgent}, cutoff).
		Order("id").Limit(expireBatch).Pluck("id", &ids).Error; err != nil {
		return 0, fmt.Errorf("requests: expire: %w", err)
	}
	n := 0
	for _, id := range ids {
		err := s.within(ctx, func(tx *gorm.DB) error {
			r, err := load(tx, id)
			if err != nil {
				return err
			}
			// Checked again in Go: the row may have changed since the query,
			// and one comparison here is right on both databases.
			if !awaitingEmail(r) || !r.ReceivedAt.Before(cutoff) {
				return ErrWrongState
			}
			if err := s.move(tx, actor.SystemActor(), &r, step{Action: ActExpire}); err != nil {
				return err
			}
			return s.decideDocuments(tx, &r)
		})
		switch {
		case err == nil:
			n++
		case errors.Is(err, ErrWrongState), errors.Is(err, ErrNotFound):
		default:
			return n, err
		}
	}
	return n, nil
}
