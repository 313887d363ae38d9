package jobs_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
)

// counter is a provider whose one periodic job counts its runs.
type counter struct{ runs atomic.Int64 }

func (c *counter) Jobs() []jobs.Spec {
	return []jobs.Spec{{Kind: "test.count", Schedule: "counting", Every: time.Hour,
		Handle: func(context.Context, *models.Job) error { c.runs.Add(1); return nil }}}
}

func nop(context.Context, *models.Job) error { return nil }

// TestInstall: Install registers the handlers and creates the schedules,
// and refuses wiring mistakes before writing anything.
func TestInstall(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		clk := newClock()
		q := newQueue(db, clk, "a")
		c := &counter{}
		mailLike := jobs.Specs{{Kind: "test.mail", Handle: nop}}
		if err := q.Install(ctx, c, mailLike); err != nil {
			t.Fatal(err)
		}
		enqueue(t, db, "test.mail", nil)
		for {
			ran, err := q.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				break
			}
		}
		if c.runs.Load() != 1 {
			t.Errorf("scheduled job ran %d times, want 1 (due at once)", c.runs.Load())
		}
		var done int64
		db.Model(&models.Job{}).Where("status = ?", models.JobDone).Count(&done)
		if done != 2 {
			t.Errorf("%d jobs done, want the scheduled one and the mail", done)
		}

		bad := []struct {
			name      string
			providers []jobs.Provider
			want      string
		}{
			{"kind twice", []jobs.Provider{jobs.Specs{{Kind: "test.dup", Handle: nop}}, jobs.Specs{{Kind: "test.dup", Handle: nop, Schedule: "dup", Every: time.Hour}}}, "twice"},
			{"no handler", []jobs.Provider{jobs.Specs{{Kind: "test.nohandler", Schedule: "nohandler", Every: time.Hour}}}, "handler"},
			{"interval too short", []jobs.Provider{jobs.Specs{{Kind: "test.fast", Handle: nop, Schedule: "fast", Every: time.Millisecond}}}, "interval"},
		}
		for _, tc := range bad {
			err := newQueue(db, clk, "b").Install(ctx, tc.providers...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: Install = %v, want an error about %q", tc.name, err, tc.want)
			}
		}
		var n int64
		db.Model(&models.JobSchedule{}).Where("name IN ?", []string{"dup", "nohandler"}).Count(&n)
		if n != 0 {
			t.Errorf("a refused Install wrote %d schedules", n)
		}
	})
}

// TestSchedules: the admin list shows each schedule's interval, its last
// run and how that run ended, and its next run.
func TestSchedules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		clk := newClock()
		q := newQueue(db, clk, "a")
		start := clk.Now()
		specs := jobs.Specs{
			{Kind: "test.cleanup", Handle: nop, Schedule: "cleanup", Every: 15 * time.Minute},
			{Kind: "test.report", Handle: nop, Schedule: "report", Every: 24 * time.Hour},
		}
		if err := q.Install(ctx, specs); err != nil {
			t.Fatal(err)
		}
		// A schedule nobody handles here any more.
		if err := q.Schedule(ctx, "orphan", "test.gone", time.Hour); err != nil {
			t.Fatal(err)
		}
		list, err := q.Schedules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 3 {
			t.Fatalf("Schedules = %+v, want 3", list)
		}
		for _, s := range list {
			if s.LastRunAt != nil || !s.NextRunAt.Equal(start) {
				t.Errorf("%s before any run: last %v next %v, want never and %v", s.Name, s.LastRunAt, s.NextRunAt, start)
			}
		}
		// Run the cleanup period only: claim everything due, in order.
		if _, err := q.RunOnce(ctx); err != nil { // enqueues all three, runs one
			t.Fatal(err)
		}
		for {
			ran, err := q.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				break
			}
		}
		list, err = q.Schedules(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			name       string
			every      time.Duration
			status     models.JobStatus
			finished   bool
			handled    bool
			nextOffset time.Duration
		}{
			{"cleanup", 15 * time.Minute, models.JobDone, true, true, 15 * time.Minute},
			// The orphan's job has no handler: it is queued for a retry.
			{"orphan", time.Hour, models.JobQueued, false, false, time.Hour},
			{"report", 24 * time.Hour, models.JobDone, true, true, 24 * time.Hour},
		}
		if len(list) != len(want) {
			t.Fatalf("Schedules = %+v", list)
		}
		for i, w := range want {
			s := list[i]
			if s.Name != w.name || s.Every != w.every || s.LastStatus != w.status || s.Handled != w.handled ||
				(s.LastFinishedAt != nil) != w.finished || !s.NextRunAt.Equal(start.Add(w.nextOffset)) ||
				s.LastRunAt == nil || !s.LastRunAt.Equal(start) {
				t.Errorf("schedule %d = %+v, want %+v from %v", i, s, w, start)
			}
		}
	})
}

// TestSpecLease: a kind declaring its own lease is held that long, and
// its handler may run that long; others keep the queue's lease.
func TestSpecLease(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		clk := newClock()
		q := newQueue(db, clk, "a")
		var deadlines []time.Duration
		seen := func(ctx context.Context, _ *models.Job) error {
			d, _ := ctx.Deadline()
			deadlines = append(deadlines, time.Until(d))
			return nil
		}
		long := jobs.Specs{{Kind: "test.long", Handle: seen, Lease: 30 * time.Minute}, {Kind: "test.short", Handle: seen}}
		if err := q.Install(ctx, long); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{"test.long", "test.short"} {
			id := enqueue(t, db, kind, nil)
			if ran, err := q.RunOnce(ctx); err != nil || !ran {
				t.Fatalf("%s: ran %v, %v", kind, ran, err)
			}
			var j models.Job
			db.Where("id = ?", id).Take(&j)
			if j.Status != models.JobDone {
				t.Errorf("%s: status %s", kind, j.Status)
			}
		}
		if len(deadlines) != 2 || deadlines[0] < 29*time.Minute || deadlines[1] > time.Minute {
			t.Errorf("handler time limits %v, want about 30m then at most 1m", deadlines)
		}
	})
}
