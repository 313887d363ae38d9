package jobs

import (
	"context"
	"strconv"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// List is one page of the queue's jobs in a status, for the admin page.
func (q *Queue) List(ctx context.Context, status models.JobStatus, limit, offset int) ([]models.Job, int64, error) {
	return List(ctx, q.db, status, limit, offset)
}

// RetryDead is an admin putting a dead job back in the queue, audited in
// the same transaction.
func (q *Queue) RetryDead(ctx context.Context, a actor.Actor, id int64) error {
	if err := a.RequireAdmin(); err != nil {
		return err
	}
	return q.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := Retry(tx, id, q.now()); err != nil {
			return err
		}
		return audit.Append(tx, q.dialect, audit.By(a, "admin.job_retried", "job", strconv.FormatInt(id, 10)))
	})
}
