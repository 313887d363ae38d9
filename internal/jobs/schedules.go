package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/models"
)

// ScheduleInfo is a periodic job as the admin page shows it.
type ScheduleInfo struct {
	Name  string
	Kind  string
	Every time.Duration
	// LastRunAt is when the last period was enqueued (nil: never yet);
	// LastStatus and LastFinishedAt say how that job has gone so far (the
	// job row may have been purged since: then both are empty).
	LastRunAt      *time.Time
	LastStatus     models.JobStatus
	LastFinishedAt *time.Time
	NextRunAt      time.Time
	// Handled is false when this instance has no handler for Kind: a
	// schedule left by a removed feature or a newer instance.
	Handled bool
}

// Schedules lists every periodic schedule by name, with its last and next
// run.
func (q *Queue) Schedules(ctx context.Context) ([]ScheduleInfo, error) {
	var rows []struct {
		models.JobSchedule
		JobStatus    *models.JobStatus
		JobUpdatedAt *time.Time
	}
	err := q.db.WithContext(ctx).Table("job_schedules").
		Select("job_schedules.*, jobs.status AS job_status, jobs.updated_at AS job_updated_at").
		Joins("LEFT JOIN jobs ON jobs.id = job_schedules.last_job_id").
		Order("job_schedules.name").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("jobs: schedules: %w", err)
	}
	out := make([]ScheduleInfo, len(rows))
	for i, r := range rows {
		s := ScheduleInfo{
			Name: r.Name, Kind: r.Kind, Every: time.Duration(r.IntervalSeconds) * time.Second,
			LastRunAt: r.LastRunAt, NextRunAt: r.NextRunAt, Handled: q.handler(r.Kind) != nil,
		}
		if r.JobStatus != nil {
			s.LastStatus = *r.JobStatus
			if s.LastStatus == models.JobDone || s.LastStatus == models.JobDead {
				s.LastFinishedAt = r.JobUpdatedAt
			}
		}
		out[i] = s
	}
	return out, nil
}
