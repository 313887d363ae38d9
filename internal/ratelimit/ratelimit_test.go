package ratelimit

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// clock is a manual clock, safe to read from many goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestAllow(t *testing.T) {
	type step struct {
		advance time.Duration
		want    bool
	}
	cases := []struct {
		name  string
		rate  float64
		burst int
		steps []step
	}{
		{"burst then refuse", 1, 3, []step{{0, true}, {0, true}, {0, true}, {0, false}, {0, false}}},
		{"refills one per period", 1, 2, []step{{0, true}, {0, true}, {0, false}, {999 * time.Millisecond, false}, {time.Millisecond, true}, {0, false}}},
		{"fractional rate", 0.5, 1, []step{{0, true}, {time.Second, false}, {time.Second, true}}},
		{"refill capped at burst", 10, 2, []step{{0, true}, {0, true}, {time.Hour, true}, {0, true}, {0, false}}},
		// A refused call must not spend: at 1.0s there is exactly one token
		// although three calls were refused while it was filling.
		{"refusal spends nothing", 1, 1, []step{{0, true}, {300 * time.Millisecond, false}, {300 * time.Millisecond, false}, {300 * time.Millisecond, false}, {100 * time.Millisecond, true}}},
		{"clock going backwards refills nothing", 1, 1, []step{{0, true}, {-time.Hour, false}, {time.Hour, false}, {time.Second, true}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			l := New(tc.rate, tc.burst, c.Now)
			for i, s := range tc.steps {
				c.Advance(s.advance)
				if got := l.Allow("k"); got != s.want {
					t.Fatalf("step %d (after +%v): Allow = %v, want %v", i, s.advance, got, s.want)
				}
			}
		})
	}
}

func TestKeysAreIndependent(t *testing.T) {
	l := New(1, 1, newClock().Now)
	if !l.Allow("a") || l.Allow("a") {
		t.Fatal("a: want one allowed then refused")
	}
	if !l.Allow("b") {
		t.Fatal("b was refused because a is empty")
	}
}

func TestRetryAfter(t *testing.T) {
	c := newClock()
	l := New(0.5, 2, c.Now) // one token every 2s
	cases := []struct {
		name    string
		advance time.Duration
		allow   int
		want    time.Duration
	}{
		{"unknown key", 0, 0, 0},
		{"tokens left", 0, 1, 0},
		{"empty", 0, 1, 2 * time.Second},
		{"partly refilled", 1500 * time.Millisecond, 0, 500 * time.Millisecond},
		{"refilled", 500 * time.Millisecond, 0, 0},
	}
	for _, tc := range cases {
		c.Advance(tc.advance)
		for range tc.allow {
			if !l.Allow("k") {
				t.Fatalf("%s: setup Allow refused", tc.name)
			}
		}
		if got := l.RetryAfter("k"); got != tc.want {
			t.Errorf("%s: RetryAfter = %v, want %v", tc.name, got, tc.want)
		}
	}
	if !l.Allow("k") {
		t.Fatal("RetryAfter said 0 but Allow refused")
	}
}

func TestEvictsIdleBuckets(t *testing.T) {
	c := newClock()
	l := New(1, 5, c.Now)
	for range 3 {
		l.Allow("a") // a is full again at 3s
	}
	c.Advance(2 * time.Second)
	l.Allow("b")
	l.Allow("b") // b is full again at 4s
	c.Advance(time.Second - time.Nanosecond)
	l.Allow("c")
	if n := l.Len(); n != 3 {
		t.Fatalf("before a is full: Len = %d, want 3", n)
	}
	c.Advance(time.Nanosecond)
	l.Allow("c")
	if n := l.Len(); n != 2 {
		t.Fatalf("once a is full: Len = %d, want 2 (b, c)", n)
	}
	if _, ok := l.buckets["a"]; ok {
		t.Fatal("full, idle bucket a was kept")
	}
	if _, ok := l.buckets["b"]; !ok {
		t.Fatal("bucket b, still refilling, was evicted")
	}
}

func TestMaxKeysEvictsLeastRecentlyUsed(t *testing.T) {
	c := newClock()
	l := New(1, 1, c.Now, MaxKeys(2))
	l.Allow("a")
	l.Allow("b")
	l.Allow("a") // refused, but marks a as recently used
	l.Allow("c") // full: b is the least recently used
	if n := l.Len(); n != 2 {
		t.Fatalf("Len = %d, want 2", n)
	}
	if _, ok := l.buckets["b"]; ok {
		t.Fatal("b should have been evicted")
	}
	if l.Allow("a") {
		t.Fatal("a kept its bucket and must still be empty")
	}
	for i := range 100 {
		l.Allow(fmt.Sprint("flood", i))
	}
	if n := l.Len(); n != 2 {
		t.Fatalf("after a flood of keys Len = %d, want the cap 2", n)
	}
}

func TestNewRejectsUselessLimits(t *testing.T) {
	cases := []struct {
		rate  float64
		burst int
	}{{0, 1}, {-1, 1}, {1, 0}, {math.Inf(1), 1}, {math.NaN(), 1}}
	for _, tc := range cases {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%v, %d) did not panic", tc.rate, tc.burst)
				}
			}()
			New(tc.rate, tc.burst, nil)
		}()
	}
}

// TestConcurrentAllow checks, under -race, that no token is spent twice:
// with a frozen clock exactly burst calls succeed however they interleave.
func TestConcurrentAllow(t *testing.T) {
	const burst, goroutines, calls = 100, 16, 50
	l := New(1, burst, newClock().Now)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range calls {
				if l.Allow("shared") {
					allowed.Add(1)
				}
				l.RetryAfter("shared")
			}
		})
	}
	wg.Wait()
	if got := allowed.Load(); got != burst {
		t.Fatalf("allowed %d calls, want exactly burst %d", got, burst)
	}
}

// TestConcurrentEviction floods a small cap with distinct keys from many
// goroutines while the clock moves, racing both kinds of eviction.
func TestConcurrentEviction(t *testing.T) {
	const maxKeys = 8
	c := newClock()
	l := New(10, 1, c.Now, MaxKeys(maxKeys))
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				l.Allow(fmt.Sprint(g, "-", i))
				if i%50 == 0 {
					c.Advance(time.Second)
				}
				if n := l.Len(); n > maxKeys {
					t.Errorf("Len = %d above cap %d", n, maxKeys)
					return
				}
			}
		})
	}
	wg.Wait()
	if n, m := l.Len(), l.lru.Len(); n != m || n > maxKeys {
		t.Fatalf("map holds %d keys, list %d; want equal and at most %d", n, m, maxKeys)
	}
}
