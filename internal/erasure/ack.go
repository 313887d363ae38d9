package erasure

import (
	"context"
	"errors"
	"strconv"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// ErrBadToken is a missing or unknown system token (the API answers 401).
var ErrBadToken = fault.New(fault.Forbidden, "erasure: unknown system token")

// SystemByToken is the webhook system token authenticates. Tokens are
// looked up by their keyed hash under every key version, so a key
// rotation does not lock systems out.
func (s *Service) SystemByToken(ctx context.Context, token string) (models.ConnectedSystem, error) {
	var sys models.ConnectedSystem
	if token == "" {
		return sys, ErrBadToken
	}
	err := s.DB.WithContext(ctx).Where("token_hash IN ? AND kind = ?", s.Secrets.MACs(purposeToken, token), models.SystemWebhook).
		Take(&sys).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sys, ErrBadToken
	}
	return sys, err
}

// Acknowledge is a connected system confirming, with its own token, that
// it has carried out task id: the task is done, its payload cleared, and
// its erasure settled (completed with its request once nothing is open).
// Acknowledging again is a no-op; another system's task is not found.
func (s *Service) Acknowledge(ctx context.Context, token string, id int64) (models.SystemTask, error) {
	var t models.SystemTask
	sys, err := s.SystemByToken(ctx, token)
	if err != nil {
		return t, err
	}
	a := actor.Actor{Kind: actor.API}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&t, "id = ? AND system_id = ?", id, sys.ID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return errTaskNotFound
		} else if err != nil {
			return err
		}
		if t.Status == models.TaskDone {
			return nil
		}
		if err := s.finishTask(tx, &t, string(actor.API), &sys.ID, ""); err != nil {
			return err
		}
		e := audit.By(a, "tasks.acknowledged", "system_task", strconv.FormatInt(id, 10))
		e.Details = map[string]string{"system": strconv.FormatInt(sys.ID, 10)}
		if err := audit.Append(tx, s.Dialect, e); err != nil {
			return err
		}
		return tx.Take(&t, "id = ?", id).Error
	})
	return t, err
}
