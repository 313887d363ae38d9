package jobs_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
)

// TestConcurrentInstances races four instances, each with its own
// connection pool, over the same jobs: every job must run exactly once.
func TestConcurrentInstances(t *testing.T) {
	const instances, total = 4, 50
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		clk := newClock()
		var mu sync.Mutex
		runs := map[int64]int{}
		handler := func(_ context.Context, job *models.Job) error {
			mu.Lock()
			runs[job.ID]++
			mu.Unlock()
			return nil
		}
		for i := range total {
			enqueue(t, db, "test.race", map[string]int{"i": i})
		}
		var wg sync.WaitGroup
		errs := make(chan error, instances)
		for i := range instances {
			q := newQueue(openInstance(t, db), clk, fmt.Sprintf("instance-%d", i))
			q.Register("test.race", handler)
			wg.Go(func() {
				for {
					ran, err := q.RunOnce(context.Background())
					if err != nil {
						errs <- err
						return
					}
					if !ran {
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("RunOnce: %v", err)
		}
		if len(runs) != total {
			t.Errorf("%d distinct jobs ran, want %d", len(runs), total)
		}
		for id, n := range runs {
			if n != 1 {
				t.Errorf("job %d ran %d times", id, n)
			}
		}
		var done int64
		db.Model(&models.Job{}).Where("status = ?", models.JobDone).Count(&done)
		if done != total {
			t.Errorf("%d jobs done, want %d", done, total)
		}
	})
}

// TestScheduleOncePerPeriod races two instances over one hourly schedule:
// each period yields one job, however often they poll, and a long outage
// yields one catch-up run, not one per missed period.
func TestScheduleOncePerPeriod(t *testing.T) {
	steps := []struct {
		name     string
		advance  time.Duration
		wantJobs int64
	}{
		{"new schedule is due at once", 0, 1},
		{"same period again", 30 * time.Minute, 1},
		{"next period", 30 * time.Minute, 2},
		{"five periods missed", 5 * time.Hour, 3},
		{"right after catch-up", time.Minute, 3},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		clk := newClock()
		var queues []*jobs.Queue
		for i := range 2 {
			q := newQueue(openInstance(t, db), clk, fmt.Sprintf("instance-%d", i))
			q.Register("test.nightly", func(context.Context, *models.Job) error { return nil })
			if err := q.Schedule(context.Background(), "report", "test.nightly", time.Hour); err != nil {
				t.Fatal(err)
			}
			queues = append(queues, q)
		}
		for _, s := range steps {
			clk.Add(s.advance)
			var wg sync.WaitGroup
			for _, q := range queues {
				wg.Go(func() {
					for range 3 {
						if _, err := q.RunOnce(context.Background()); err != nil {
							t.Errorf("%s: RunOnce: %v", s.name, err)
						}
					}
				})
			}
			wg.Wait()
			var n int64
			db.Model(&models.Job{}).Where("kind = ?", "test.nightly").Count(&n)
			if n != s.wantJobs {
				t.Errorf("%s: %d jobs enqueued, want %d", s.name, n, s.wantJobs)
			}
		}
	})
}

// TestScheduleUpdate checks that re-declaring a schedule at start keeps its
// next run, and that a shorter interval brings the next run forward.
func TestScheduleUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		clk := newClock()
		q := newQueue(db, clk, "a")
		ctx := context.Background()
		if err := q.Schedule(ctx, "purge", "test.purge", 24*time.Hour); err != nil {
			t.Fatal(err)
		}
		runOnce(t, q) // enqueues the first run; next is in 24h
		cases := []struct {
			every    time.Duration
			wantNext time.Duration // from now
		}{
			{24 * time.Hour, 24 * time.Hour},
			{48 * time.Hour, 24 * time.Hour},
			{time.Hour, time.Hour},
		}
		for _, c := range cases {
			if err := q.Schedule(ctx, "purge", "test.purge", c.every); err != nil {
				t.Fatal(err)
			}
			var s models.JobSchedule
			if err := db.First(&s, "name = ?", "purge").Error; err != nil {
				t.Fatal(err)
			}
			if got := s.NextRunAt.Sub(clk.Now()); got != c.wantNext || s.IntervalSeconds != int64(c.every/time.Second) {
				t.Errorf("Schedule(every %v): next in %v interval %ds, want next in %v", c.every, got, s.IntervalSeconds, c.wantNext)
			}
		}
	})
}
