// Package ratelimit limits how often each key (an IP, an email hash, an API
// token) may do something, with one token bucket per key held in memory.
//
// Buckets live in one process: with several portal instances each enforces
// its own limit, so the effective limit is at most instances × rate. That
// is enough to blunt password guessing and mail flooding, which is what the
// portal uses it for.
package ratelimit

import (
	"container/list"
	"math"
	"sync"
	"time"
)

// DefaultMaxKeys caps how many keys a Limiter remembers. A bucket costs
// about 150 bytes plus its key, so the default stays under ~2 MiB however many distinct
// keys an attacker sends.
const DefaultMaxKeys = 10_000

// Option adjusts a Limiter made by New.
type Option func(*Limiter)

// MaxKeys sets how many keys the Limiter remembers (at least 1). When full,
// the least recently used key is forgotten, which hands it a fresh burst:
// size the cap above the number of distinct keys expected to be active
// within the time a bucket takes to refill (burst/rate).
func MaxKeys(n int) Option {
	return func(l *Limiter) { l.maxKeys = max(n, 1) }
}

// Limiter is a set of token buckets, one per key. Each bucket holds up to
// burst tokens and gains rate tokens per second; an allowed event spends
// one. It is safe for concurrent use.
//
// A bucket is kept as the GCRA "theoretical arrival time" (when the bucket
// would be full again) rather than a float token count: the arithmetic is
// then exact integer nanoseconds, so many small refills never add up to
// slightly less than a token.
type Limiter struct {
	interval  time.Duration // time to earn one token
	tolerance time.Duration // how far ahead of now tat may run: burst-1 tokens
	now       func() time.Time
	maxKeys   int

	mu      sync.Mutex
	buckets map[string]*list.Element // values are *bucket
	// lru orders buckets by last use, most recent at the front, so idle
	// and least-recently-used buckets are both found at the back in O(1).
	lru *list.List
}

type bucket struct {
	key string
	// tat is when the bucket is full again; at or before now it is full
	// and the bucket is the same as a fresh one.
	tat time.Time
}

// New returns a Limiter allowing rate events per second per key on
// average, with bursts of up to burst events. now is the clock (nil means
// time.Now); tests inject their own. It panics if rate is not positive and
// finite or burst is below 1, since such a limiter is a programming error.
func New(rate float64, burst int, now func() time.Time, opts ...Option) *Limiter {
	if !(rate > 0) || math.IsInf(rate, 0) || burst < 1 {
		panic("ratelimit: rate must be positive and finite, burst at least 1")
	}
	if now == nil {
		now = time.Now
	}
	interval := max(time.Duration(math.Round(float64(time.Second)/rate)), 1)
	l := &Limiter{
		interval:  interval,
		tolerance: time.Duration(burst-1) * interval,
		now:       now,
		maxKeys:   DefaultMaxKeys,
		buckets:   make(map[string]*list.Element),
		lru:       list.New(),
	}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Allow spends one token from key's bucket and reports whether there was
// one. A refused call spends nothing, so hammering does not push the
// retry time further out.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.evictIdle(now)
	b := l.touch(key, now)
	tat := latest(b.tat, now)
	if tat.Sub(now) > l.tolerance {
		return false
	}
	b.tat = tat.Add(l.interval)
	return true
}

// RetryAfter says how long until key's next call to Allow can succeed; zero
// means it can now. It spends nothing, for a Retry-After header.
func (l *Limiter) RetryAfter(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.buckets[key]
	if !ok {
		return 0
	}
	now := l.now()
	return max(latest(e.Value.(*bucket).tat, now).Sub(now)-l.tolerance, 0)
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// touch returns key's bucket, creating it full if new, and marks it most
// recently used.
func (l *Limiter) touch(key string, now time.Time) *bucket {
	if e, ok := l.buckets[key]; ok {
		l.lru.MoveToFront(e)
		return e.Value.(*bucket)
	}
	for len(l.buckets) >= l.maxKeys {
		l.remove(l.lru.Back())
	}
	b := &bucket{key: key, tat: now}
	l.buckets[key] = l.lru.PushFront(b)
	return b
}

// evictIdle forgets full buckets from the back of lru, stopping at the
// first one still refilling: a cheap, partial sweep on every call, which
// is enough because keys untouched longest are the ones at the back.
func (l *Limiter) evictIdle(now time.Time) {
	for e := l.lru.Back(); e != nil; e = l.lru.Back() {
		if e.Value.(*bucket).tat.After(now) {
			return
		}
		l.remove(e)
	}
}

func (l *Limiter) remove(e *list.Element) {
	delete(l.buckets, e.Value.(*bucket).key)
	l.lru.Remove(e)
}

// Len is how many keys the Limiter currently remembers, for metrics.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
