package auth

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
)

// failureDelay is the wait after the n-th consecutive failure under the
// default rules.
func failureDelay(n int) time.Duration { return DefaultThrottleLimits().delay(n) }

func TestFailureDelay(t *testing.T) {
	tests := []struct {
		n    int
		want time.Duration
	}{
		{0, 0}, {1, 0}, {4, 0},
		{5, time.Second}, {6, 2 * time.Second}, {7, 4 * time.Second}, {9, 16 * time.Second},
		{10, 32 * time.Second}, {11, ThrottleMaxDelay}, {40, ThrottleMaxDelay},
	}
	for _, tc := range tests {
		if got := failureDelay(tc.n); got != tc.want {
			t.Errorf("failureDelay(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

func TestThrottle(t *testing.T) {
	const (
		fail = iota
		succeed
		wait // only check Wait
	)
	type step struct {
		advance    time.Duration
		op         int
		times      int // repeat op this many times (default 1); checks apply to the last
		wantLocked bool
		wantWait   time.Duration
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"four failures cost nothing", []step{
			{op: wait, wantWait: 0},
			{op: fail, times: 4, wantWait: 0},
		}},
		{"fifth waits 1 s, then delays grow", []step{
			{op: fail, times: 5, wantWait: time.Second},
			{advance: 500 * time.Millisecond, op: wait, wantWait: 500 * time.Millisecond},
			{advance: 500 * time.Millisecond, op: wait, wantWait: 0},
			{op: fail, wantWait: 2 * time.Second},
			{advance: 2 * time.Second, op: fail, wantWait: 4 * time.Second},
			{advance: 4 * time.Second, op: fail, wantWait: 8 * time.Second},
			{advance: 8 * time.Second, op: fail, wantWait: 16 * time.Second},
		}},
		{"tenth locks for 15 minutes, then releases", []step{
			{op: fail, times: 9, wantWait: 16 * time.Second},
			{advance: 16 * time.Second, op: fail, wantLocked: true, wantWait: ThrottleLockFor},
			{advance: ThrottleLockFor - time.Second, op: wait, wantWait: time.Second},
			{advance: time.Second, op: wait, wantWait: 0},
			// The count restarted at 5: the next failure is the 6th.
			{op: fail, wantWait: 2 * time.Second},
			{op: fail, times: 3, wantWait: 16 * time.Second},
			{op: fail, wantLocked: true, wantWait: ThrottleLockFor},
		}},
		{"success resets", []step{
			{op: fail, times: 9, wantWait: 16 * time.Second},
			{op: succeed, wantWait: 0},
			{op: fail, times: 4, wantWait: 0},
			{op: fail, wantWait: time.Second},
		}},
		{"100 failures in an hour lock until the hour ends", []step{
			{op: fail, wantWait: 0}, // opens the hour
			{advance: 10 * time.Minute, op: fail, times: 98, wantWait: ThrottleLockFor},
			{op: fail, wantLocked: true, wantWait: 50 * time.Minute},
			{op: fail, wantLocked: false, wantWait: 50 * time.Minute},
			{advance: 50*time.Minute - time.Second, op: wait, wantWait: time.Second},
			{advance: time.Second, op: wait, wantWait: 0},
		}},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				ctx := context.Background()
				c := newClock()
				th := &Throttle{DB: db.DB, Dialect: db.Dialect, Keys: testKeys(t), Now: c.now}
				email := "Someone@Example.test"
				mustNoErr(t, th.Succeed(ctx, email)) // each case starts clean
				for i, s := range tc.steps {
					c.advance(s.advance)
					n := max(s.times, 1)
					var locked bool
					for range n {
						switch s.op {
						case fail:
							var err error
							locked, err = th.Fail(ctx, email)
							mustNoErr(t, err)
						case succeed:
							mustNoErr(t, th.Succeed(ctx, email))
						}
					}
					if locked != s.wantLocked {
						t.Errorf("step %d: locked = %v, want %v", i, locked, s.wantLocked)
					}
					// Another spelling of the same address shares the count.
					got, err := th.Wait(ctx, "  someone@EXAMPLE.test ")
					mustNoErr(t, err)
					if got != s.wantWait {
						t.Errorf("step %d: Wait = %v, want %v", i, got, s.wantWait)
					}
				}
			})
		}
	})
}

func TestThrottleSeparatesAddresses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		c := newClock()
		th := &Throttle{DB: db.DB, Dialect: db.Dialect, Keys: testKeys(t), Now: c.now}
		for range 10 {
			_, err := th.Fail(ctx, "a@example.test")
			mustNoErr(t, err)
		}
		if w, _ := th.Wait(ctx, "a@example.test"); w != ThrottleLockFor {
			t.Errorf("a: Wait = %v, want %v", w, ThrottleLockFor)
		}
		if w, _ := th.Wait(ctx, "b@example.test"); w != 0 {
			t.Errorf("b: Wait = %v, want 0", w)
		}
	})
}

func TestThrottleConcurrentFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		c := newClock()
		th := &Throttle{DB: db.DB, Dialect: db.Dialect, Keys: testKeys(t), Now: c.now}
		const n = 10
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make(chan error, n)
		lockedCount := make(chan bool, n)
		for range n {
			wg.Go(func() {
				<-start
				locked, err := th.Fail(ctx, "race@example.test")
				if err != nil {
					errs <- err
				}
				lockedCount <- locked
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		close(lockedCount)
		for err := range errs {
			t.Fatal(err)
		}
		locks := 0
		for l := range lockedCount {
			if l {
				locks++
			}
		}
		var hourFailures int
		mustNoErr(t, db.Raw("SELECT hour_failures FROM sign_in_throttles WHERE key_hash = ?", ThrottleKey(th.Keys, "race@example.test")).Scan(&hourFailures).Error)
		if hourFailures != n {
			t.Errorf("hour_failures = %d, want %d", hourFailures, n)
		}
		// Exactly the 10th failure locks, whichever goroutine it was.
		if locks != 1 {
			t.Errorf("%d failures reported a lock, want 1", locks)
		}
		if w, _ := th.Wait(ctx, "race@example.test"); w != ThrottleLockFor {
			t.Errorf("Wait = %v, want %v", w, ThrottleLockFor)
		}
	})
}
