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

// ExpireUnverified closes the public requests still waiting for their
// requester to prove who they are after the expiry setting: the email
// never confirmed, or confirmed and the knowledge check never passed. A
// request waiting for staff (an agent's permission, a check locked after
// its tries, an ID document staff asked for) is staff's to decide and
// stays. The requester is told. Each closes in its own transaction,
// guarded by its status, so a rerun (or a second instance) finds nothing
// left to do and a request verified meanwhile stays open.
func (s *Service) ExpireUnverified(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-settings.RequestUnverifiedExpiry.Get(s.Settings))
	var ids []int64
	if err := s.DB.WithContext(ctx).Model(&models.PrivacyRequest{}).
		Where("status = ? AND channel IN ? AND user_id IS NULL AND document_required = ? AND received_at < ?",
			models.StatusAwaitingVerification, []string{models.ChannelPublic, models.ChannelAgent}, false, cutoff).
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
			waiting, err := waitsOnRequester(tx, r)
			if err != nil {
				return err
			}
			if !waiting || !r.ReceivedAt.Before(cutoff) {
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

// waitsOnRequester reports whether public request r waits for its
// requester: for the email's proof, or for a knowledge check that still
// has tries left.
func waitsOnRequester(tx *gorm.DB, r models.PrivacyRequest) (bool, error) {
	if awaitingEmail(r) {
		return true, nil
	}
	if !publicOnly(r) || r.Status != models.StatusAwaitingVerification || r.UserID != nil || r.DocumentRequired {
		return false, nil
	}
	var used []int
	if err := tx.Model(&models.RequestCode{}).Where("request_id = ? AND purpose = ?", r.ID, codeKnowledge).
		Pluck("attempts", &used).Error; err != nil {
		return false, fmt.Errorf("requests: expire: %w", err)
	}
	return len(used) == 0 || used[0] < knowledgeAttempts, nil
}
