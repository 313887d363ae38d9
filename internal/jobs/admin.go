package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Stats counts the jobs in each status, for the admin page and alerts on a
// growing dead-letter pile. Every status is present, zero or not.
func (q *Queue) Stats(ctx context.Context) (map[models.JobStatus]int64, error) {
	var rows []struct {
		Status models.JobStatus
		N      int64
	}
	if err := q.db.WithContext(ctx).Model(&models.Job{}).
		Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("jobs: stats: %w", err)
	}
	out := map[models.JobStatus]int64{
		models.JobQueued: 0, models.JobRunning: 0, models.JobDone: 0, models.JobDead: 0,
	}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// List returns one page of jobs, newest first, and how many there are in
// all. An empty status lists every status.
func List(ctx context.Context, db *gorm.DB, status models.JobStatus, limit, offset int) ([]models.Job, int64, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	offset = max(offset, 0)
	base := db.WithContext(ctx).Model(&models.Job{})
	if status != "" {
		base = base.Where("status = ?", status)
	}
	var total int64
	if err := base.Session(&gorm.Session{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("jobs: list: %w", err)
	}
	var jobs []models.Job
	if err := base.Session(&gorm.Session{}).Order("id DESC").Limit(limit).Offset(offset).Find(&jobs).Error; err != nil {
		return nil, 0, fmt.Errorf("jobs: list: %w", err)
	}
	return jobs, total, nil
}

// ErrNotDead is returned by Retry for a job that is not in the dead-letter
// state (already retried, still running, or no such job).
var ErrNotDead = fault.New(fault.NotFound, "jobs: no dead job with that id")

// Retry puts a dead job back in the queue with a fresh set of attempts.
// The update is conditional, so two admins pressing "retry" at once (or a
// retry of a job that is no longer dead) cannot run it twice.
func Retry(tx *gorm.DB, id int64, now time.Time) error {
	res := tx.Model(&models.Job{}).Where("id = ? AND status = ?", id, models.JobDead).Updates(map[string]any{
		"status": models.JobQueued, "attempts": 0, "run_at": now, "locked_by": "", "locked_until": nil, "updated_at": now,
	})
	if res.Error != nil {
		return fmt.Errorf("jobs: retry: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return ErrNotDead
	}
	return nil
}
