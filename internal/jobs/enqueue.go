package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// EnqueueOption changes how Enqueue files a job.
type EnqueueOption func(*models.Job)

// RunAt delays the job until t.
func RunAt(t time.Time) EnqueueOption {
	return func(j *models.Job) { j.RunAt = t.UTC() }
}

// MaxAttempts sets how many times the job is tried before it is
// dead-lettered (default 5).
func MaxAttempts(n int) EnqueueOption {
	return func(j *models.Job) {
		if n > 0 {
			j.MaxAttempts = n
		}
	}
}

// Enqueue inserts a job using tx, so it commits or rolls back with the
// change that caused it: no mail for a request that was never saved, no
// request saved without its mail. payload is stored as JSON; nil becomes
// {}. Without RunAt the job is due at once (wall clock).
func Enqueue(tx *gorm.DB, kind string, payload any, opts ...EnqueueOption) (int64, error) {
	if kind == "" {
		return 0, errors.New("jobs: enqueue: empty kind")
	}
	body := []byte("{}")
	if payload != nil {
		var err error
		if body, err = json.Marshal(payload); err != nil {
			return 0, fmt.Errorf("jobs: enqueue %s: payload: %w", kind, err)
		}
	}
	job := models.Job{
		Kind:        kind,
		Payload:     string(body),
		Status:      models.JobQueued,
		RunAt:       time.Now().UTC(),
		MaxAttempts: 5,
	}
	for _, o := range opts {
		o(&job)
	}
	if err := tx.Create(&job).Error; err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	return job.ID, nil
}

// SchedulePayload is the payload of a job enqueued by a schedule. Due lets
// a handler tell periods apart, e.g. to make a daily report idempotent.
type SchedulePayload struct {
	Schedule string    `json:"schedule"`
	Due      time.Time `json:"due"`
}

// Schedule creates or updates the periodic schedule name, running kind
// every interval. A new schedule is due at once. Every instance calls it at
// start; an existing schedule keeps its next run, brought forward if the
// new interval would make it come sooner.
func (q *Queue) Schedule(ctx context.Context, name, kind string, every time.Duration) error {
	if name == "" || kind == "" || every < time.Second {
		return fmt.Errorf("jobs: schedule %q: needs a name, a kind and an interval of at least 1s", name)
	}
	now := q.now()
	secs := int64(every / time.Second)
	db := q.db.WithContext(ctx)
	err := db.Transaction(func(tx *gorm.DB) error {
		s := models.JobSchedule{Name: name, Kind: kind, IntervalSeconds: secs, NextRunAt: now, UpdatedAt: now}
		// DO NOTHING, then UPDATE: instances starting together may both
		// insert, and the first one's next_run_at must survive.
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&s).Error; err != nil {
			return err
		}
		if err := tx.Model(&models.JobSchedule{}).Where("name = ?", name).
			Updates(map[string]any{"kind": kind, "interval_seconds": secs, "updated_at": now}).Error; err != nil {
			return err
		}
		next := now.Add(time.Duration(secs) * time.Second)
		return tx.Model(&models.JobSchedule{}).Where("name = ? AND next_run_at > ?", name, next).
			Updates(map[string]any{"next_run_at": next, "updated_at": now}).Error
	})
	if err != nil {
		return fmt.Errorf("jobs: schedule %q: %w", name, err)
	}
	return nil
}

// enqueueDueSchedules enqueues one job for each schedule whose time has
// come. Instances race to move next_run_at with a conditional UPDATE; only
// the one that changed the row enqueues, in the same transaction, so each
// period runs once across all instances.
func (q *Queue) enqueueDueSchedules(ctx context.Context) error {
	now := q.now()
	var due []models.JobSchedule
	db := q.db.WithContext(ctx)
	if err := db.Where("next_run_at <= ?", now).Order("name").Find(&due).Error; err != nil {
		return fmt.Errorf("jobs: schedules: %w", err)
	}
	for _, s := range due {
		every := time.Duration(max(s.IntervalSeconds, 1)) * time.Second
		next := s.NextRunAt.Add(every)
		if !next.After(now) {
			// Down for several periods: run once now, not once per missed
			// period.
			next = now.Add(every)
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			res := tx.Model(&models.JobSchedule{}).
				Where("name = ? AND next_run_at = ?", s.Name, s.NextRunAt).
				Updates(map[string]any{"next_run_at": next.UTC(), "updated_at": now})
			if res.Error != nil || res.RowsAffected != 1 {
				return res.Error // lost the race: another instance enqueued it
			}
			id, err := Enqueue(tx, s.Kind, SchedulePayload{Schedule: s.Name, Due: s.NextRunAt.UTC()}, RunAt(now))
			if err != nil {
				return err
			}
			// For the admin page's "last run": which job, and when.
			return tx.Model(&models.JobSchedule{}).Where("name = ?", s.Name).
				Updates(map[string]any{"last_run_at": now, "last_job_id": id}).Error
		})
		if err != nil {
			return fmt.Errorf("jobs: schedule %q: %w", s.Name, err)
		}
	}
	return nil
}
