package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
)

func TestEnqueueFollowsTransaction(t *testing.T) {
	cases := []struct {
		name   string
		commit bool
		want   int64
	}{
		{"committed", true, 1},
		{"rolled back", false, 0},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				db.Exec("DELETE FROM jobs")
				tx := db.Begin()
				if _, err := jobs.Enqueue(tx, "test.tx", map[string]int{"n": 1}); err != nil {
					tx.Rollback()
					t.Fatal(err)
				}
				if c.commit {
					tx.Commit()
				} else {
					tx.Rollback()
				}
				var n int64
				db.Model(&models.Job{}).Count(&n)
				if n != c.want {
					t.Errorf("jobs after %s: %d, want %d", c.name, n, c.want)
				}
			})
		}
	})
}

func TestSuccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		clk := newClock()
		q := newQueue(db, clk, "a")
		var got []string
		q.Register("test.ok", func(ctx context.Context, job *models.Job) error {
			got = append(got, job.Payload)
			if job.Status != models.JobRunning || job.LockedBy != "a" || job.Attempts != 1 {
				t.Errorf("handler saw status %s, locked by %q, attempt %d", job.Status, job.LockedBy, job.Attempts)
			}
			return nil
		})
		id := enqueue(t, db, "test.ok", map[string]string{"hello": "world"})

		if !runOnce(t, q) {
			t.Fatal("first RunOnce ran nothing")
		}
		if runOnce(t, q) {
			t.Error("second RunOnce ran a job again")
		}
		if len(got) != 1 || got[0] != `{"hello":"world"}` {
			t.Errorf("handler payloads = %q", got)
		}
		j := loadJob(t, db, id)
		if j.Status != models.JobDone || j.Attempts != 1 || j.LockedBy != "" || j.LockedUntil != nil || j.LastError != "" {
			t.Errorf("job after success = %+v", j)
		}
	})
}

func TestNotDueYet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		clk := newClock()
		q := newQueue(db, clk, "a")
		q.Register("test.later", func(context.Context, *models.Job) error { return nil })
		enqueue(t, db, "test.later", nil, jobs.RunAt(clk.Now().Add(10*time.Minute)))
		if runOnce(t, q) {
			t.Fatal("ran a job before its run_at")
		}
		clk.Add(10 * time.Minute)
		if !runOnce(t, q) {
			t.Fatal("did not run the job at its run_at")
		}
	})
}

// TestRetryBackoffThenDead walks one always-failing job through its three
// attempts: each failure puts it back with a growing delay, the last one
// dead-letters it.
func TestRetryBackoffThenDead(t *testing.T) {
	steps := []struct {
		wantStatus  models.JobStatus
		wantBackoff time.Duration // 0: no retry scheduled
	}{
		{models.JobQueued, 2 * time.Second},
		{models.JobQueued, 4 * time.Second},
		{models.JobDead, 0},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		clk := newClock()
		q := newQueue(db, clk, "a")
		calls := 0
		q.Register("test.fail", func(context.Context, *models.Job) error {
			calls++
			return errors.New("smtp: connection refused")
		})
		id := enqueue(t, db, "test.fail", nil, jobs.MaxAttempts(len(steps)))
		for i, s := range steps {
			if !runOnce(t, q) {
				t.Fatalf("attempt %d: nothing ran", i+1)
			}
			j := loadJob(t, db, id)
			if j.Status != s.wantStatus || j.Attempts != i+1 || j.LastError != "smtp: connection refused" {
				t.Fatalf("attempt %d: status %s attempts %d last_error %q", i+1, j.Status, j.Attempts, j.LastError)
			}
			if s.wantBackoff == 0 {
				continue
			}
			delay := j.RunAt.Sub(clk.Now())
			if delay < s.wantBackoff || delay > s.wantBackoff+s.wantBackoff/10+time.Millisecond {
				t.Errorf("attempt %d: retry in %v, want %v (+10%% jitter)", i+1, delay, s.wantBackoff)
			}
			if runOnce(t, q) {
				t.Errorf("attempt %d: retried before its backoff elapsed", i+1)
			}
			clk.Add(delay)
		}
		clk.Add(24 * time.Hour)
		if runOnce(t, q) {
			t.Error("a dead job ran again")
		}
		if calls != len(steps) {
			t.Errorf("handler called %d times, want %d", calls, len(steps))
		}
	})
}

// TestFailureKinds checks that a panic and an unknown kind are recorded as
// a failed attempt, not a crashed worker.
func TestFailureKinds(t *testing.T) {
	cases := []struct {
		name      string
		kind      string
		handler   jobs.Handler
		wantError string
	}{
		{"panic", "test.panic", func(context.Context, *models.Job) error { panic("nil map") }, "panicked: nil map"},
		{"unknown kind", "test.nobody", nil, `no handler for kind "test.nobody"`},
		{"error", "test.err", func(context.Context, *models.Job) error { return errors.New("bad payload") }, "bad payload"},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				clk := newClock()
				q := newQueue(db, clk, "a")
				if c.handler != nil {
					q.Register(c.kind, c.handler)
				}
				id := enqueue(t, db, c.kind, nil, jobs.MaxAttempts(2))
				if !runOnce(t, q) {
					t.Fatal("nothing ran")
				}
				j := loadJob(t, db, id)
				if j.Status != models.JobQueued || j.Attempts != 1 || !strings.Contains(j.LastError, c.wantError) {
					t.Errorf("after first failure: status %s attempts %d last_error %q", j.Status, j.Attempts, j.LastError)
				}
				clk.Add(time.Hour)
				runOnce(t, q)
				if j := loadJob(t, db, id); j.Status != models.JobDead {
					t.Errorf("after last attempt: status %s, want dead", j.Status)
				}
			})
		}
	})
}

// TestExpiredLease plays a worker that died holding a job: the row says
// running, under someone else's lease.
func TestExpiredLease(t *testing.T) {
	cases := []struct {
		name       string
		leaseLeft  time.Duration
		attempts   int
		wantRan    bool
		wantStatus models.JobStatus
	}{
		{"lease still held", time.Minute, 1, false, models.JobRunning},
		{"lease expired", -time.Second, 1, true, models.JobDone},
		{"expired on the last attempt", -time.Second, 3, false, models.JobDead},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				clk := newClock()
				q := newQueue(db, clk, "b")
				ran := 0
				q.Register("test.lease", func(context.Context, *models.Job) error { ran++; return nil })
				until := clk.Now().Add(c.leaseLeft)
				job := models.Job{
					Kind: "test.lease", Payload: "{}", Status: models.JobRunning, RunAt: clk.Now().Add(-time.Hour),
					Attempts: c.attempts, MaxAttempts: 3, LockedBy: "crashed", LockedUntil: &until,
				}
				if err := db.Create(&job).Error; err != nil {
					t.Fatal(err)
				}
				runOnce(t, q)
				if (ran == 1) != c.wantRan || ran > 1 {
					t.Errorf("handler ran %d times, want ran=%v", ran, c.wantRan)
				}
				j := loadJob(t, db, job.ID)
				if j.Status != c.wantStatus {
					t.Errorf("status %s, want %s", j.Status, c.wantStatus)
				}
				if c.wantRan && j.Attempts != c.attempts+1 {
					t.Errorf("attempts %d, want %d", j.Attempts, c.attempts+1)
				}
			})
		}
	})
}

func TestStatsAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		clk := newClock()
		q := newQueue(db, clk, "a")
		q.Register("test.ok", func(context.Context, *models.Job) error { return nil })
		for range 3 {
			enqueue(t, db, "test.ok", nil)
		}
		runOnce(t, q)
		stats, err := q.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if stats[models.JobDone] != 1 || stats[models.JobQueued] != 2 || stats[models.JobDead] != 0 {
			t.Errorf("stats = %v", stats)
		}
		cases := []struct {
			status        models.JobStatus
			limit, offset int
			wantLen       int
			wantTotal     int64
		}{
			{"", 10, 0, 3, 3},
			{models.JobQueued, 10, 0, 2, 2},
			{models.JobQueued, 1, 1, 1, 2},
			{models.JobDead, 10, 0, 0, 0},
		}
		for _, c := range cases {
			list, total, err := jobs.List(context.Background(), db.DB, c.status, c.limit, c.offset)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != c.wantLen || total != c.wantTotal {
				t.Errorf("List(%q, %d, %d) = %d rows of %d, want %d of %d", c.status, c.limit, c.offset, len(list), total, c.wantLen, c.wantTotal)
			}
			if len(list) > 1 && list[0].ID < list[1].ID {
				t.Errorf("List(%q) not newest first", c.status)
			}
		}
	})
}
