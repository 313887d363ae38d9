package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
)

func TestRetryDeadJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		clk := newClock()
		q := newQueue(db, clk, "a")
		ctx := context.Background()
		fail := true
		q.Register("flaky", func(context.Context, *models.Job) error {
			if fail {
				return errors.New("downstream unavailable")
			}
			return nil
		})
		id := enqueue(t, db, "flaky", nil, jobs.MaxAttempts(1), jobs.RunAt(clk.Now()))
		if _, err := q.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		var job models.Job
		db.Take(&job, id)
		if job.Status != models.JobDead {
			t.Fatalf("status %s, want dead", job.Status)
		}
		// Only a dead job can be retried, and only once.
		other := enqueue(t, db, "flaky", nil, jobs.RunAt(clk.Now().Add(24*time.Hour)))
		if err := jobs.Retry(db.DB, other, clk.Now()); !errors.Is(err, jobs.ErrNotDead) {
			t.Fatalf("retry of a queued job: %v", err)
		}
		if err := jobs.Retry(db.DB, id, clk.Now()); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Retry(db.DB, id, clk.Now()); !errors.Is(err, jobs.ErrNotDead) {
			t.Fatalf("second retry: %v", err)
		}
		fail = false
		if ran, err := q.RunOnce(ctx); err != nil || !ran {
			t.Fatalf("retried job did not run: %v %v", ran, err)
		}
		db.Take(&job, id)
		if job.Status != models.JobDone || job.Attempts != 1 {
			t.Fatalf("after retry: status %s attempts %d", job.Status, job.Attempts)
		}
	})
}
