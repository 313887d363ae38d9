package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// maxBackoff caps the wait between attempts: a mail server down for a day
// should still be retried hourly, not daily.
const maxBackoff = time.Hour

// maxErrorLen keeps last_error readable in the admin page.
const maxErrorLen = 2000

// backoff is how long to wait after the attempts-th failure: 2^attempts
// seconds, capped, plus up to 10% jitter so jobs failing together (a mail
// server outage) do not all come back in the same second.
func backoff(attempts int) time.Duration {
	d := maxBackoff
	if attempts < 12 { // 2^12 s is past the cap already
		d = min(time.Duration(1<<attempts)*time.Second, maxBackoff)
	}
	return d + rand.N(d/10+1)
}

// dueCondition selects jobs a worker may take: queued and due, or running
// under a lease that has expired because its worker stopped.
const dueCondition = "((status = ? AND run_at <= ?) OR (status = ? AND locked_until < ?))"

func dueArgs(now time.Time) []any {
	return []any{models.JobQueued, now, models.JobRunning, now}
}

// claim leases one due job to this instance, or returns nil when none is
// due. On PostgreSQL, SKIP LOCKED lets concurrent instances pass over rows
// another transaction is claiming; SQLite transactions begin IMMEDIATE and
// so run one at a time, and the conditional UPDATE is a second guard.
func (q *Queue) claim(ctx context.Context) (*models.Job, error) {
	var claimed *models.Job
	err := q.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// A job whose worker died during its last attempt is dead-lettered
		// instead of run again, or a job that crashes its worker would
		// loop forever. Bounded so one claim never turns into a long scan.
		for range 10 {
			now := q.now()
			var job models.Job
			sel := tx.Where(dueCondition, dueArgs(now)...).Order("run_at, id").Limit(1)
			if q.dialect == models.Postgres {
				sel = sel.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
			}
			if err := sel.Take(&job).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				return nil
			} else if err != nil {
				return err
			}
			if job.Status == models.JobRunning && job.Attempts >= job.MaxAttempts {
				res := tx.Model(&models.Job{}).Where("id = ? AND status = ? AND attempts = ?", job.ID, models.JobRunning, job.Attempts).
					Updates(map[string]any{
						"status":       models.JobDead,
						"locked_by":    "",
						"locked_until": nil,
						"last_error":   "jobs: lease expired during the last attempt (worker stopped or handler overran)",
						"updated_at":   now,
					})
				if res.Error != nil {
					return res.Error
				}
				jobsRun.WithLabelValues(job.Kind, outcomeDead).Inc()
				q.log.Error("jobs: lease expired on last attempt", "job", job.ID, "kind", job.Kind)
				continue
			}
			until := now.Add(q.lease(job.Kind))
			res := tx.Model(&models.Job{}).
				Where("id = ? AND attempts = ?", job.ID, job.Attempts).
				Where(dueCondition, dueArgs(now)...).
				Updates(map[string]any{
					"status":       models.JobRunning,
					"locked_by":    q.opts.InstanceID,
					"locked_until": until,
					"attempts":     job.Attempts + 1,
					"updated_at":   now,
				})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return nil // someone else took it; the caller polls again
			}
			job.Status = models.JobRunning
			job.LockedBy = q.opts.InstanceID
			job.LockedUntil = &until
			job.Attempts++
			claimed = &job
			return nil
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	return claimed, nil
}

// finish records a run's result. The update is conditional on this claim
// (instance and attempt number): if the lease expired and another worker
// took the job, that worker's result is the one that counts.
func (q *Queue) finish(ctx context.Context, job *models.Job, herr error) (string, error) {
	now := q.now()
	outcome := outcomeDone
	set := map[string]any{
		"status":       models.JobDone,
		"locked_by":    "",
		"locked_until": nil,
		"last_error":   "",
		"updated_at":   now,
	}
	if herr != nil {
		msg := herr.Error()
		if len(msg) > maxErrorLen {
			msg = msg[:maxErrorLen]
		}
		set["last_error"] = msg
		if job.Attempts >= job.MaxAttempts {
			outcome = outcomeDead
			set["status"] = models.JobDead
		} else {
			outcome = outcomeRetry
			set["status"] = models.JobQueued
			set["run_at"] = now.Add(backoff(job.Attempts))
		}
	}
	res := q.db.WithContext(ctx).Model(&models.Job{}).
		Where("id = ? AND locked_by = ? AND attempts = ? AND status = ?", job.ID, q.opts.InstanceID, job.Attempts, models.JobRunning).
		Updates(set)
	if res.Error != nil {
		return "", fmt.Errorf("jobs: finish job %d: %w", job.ID, res.Error)
	}
	if res.RowsAffected != 1 {
		q.log.Warn("jobs: lease lost before the job finished", "job", job.ID, "kind", job.Kind)
	}
	return outcome, nil
}
