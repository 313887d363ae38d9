package jobs

import (
	"context"
	"fmt"

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
