// Package jobs is the portal's background work: a queue kept in the jobs
// table, so work survives restarts and is shared by every instance that uses
// the same database. A worker leases a job; if it dies, the lease expires
// and another worker runs the job again, so handlers must be idempotent.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/photolab/privacyportal/models"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"gorm.io/gorm"
)

// Handler does one job. job.Payload is the JSON text given to Enqueue. A
// returned error (or a panic) makes the job run again later, until its
// attempts run out.
type Handler func(ctx context.Context, job *models.Job) error

// Options tune a Queue. Zero values take the defaults.
type Options struct {
	// Workers is how many jobs this instance runs at once in Run.
	Workers int
	// Lease is how long a claimed job belongs to its worker; it is also the
	// handler's time limit, so a slow handler stops before another
	// instance takes its job over. Default 1m.
	Lease time.Duration
	// Poll is how long an idle worker waits before looking again. Default 1s.
	Poll time.Duration
	// InstanceID names this process in jobs.locked_by. Default
	// hostname-pid-random.
	InstanceID string
	// Now is the clock; tests inject one. Default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Queue runs the jobs of the kinds registered with it.
type Queue struct {
	db       *gorm.DB
	dialect  models.Dialect
	opts     Options
	log      *slog.Logger
	mu       sync.RWMutex
	handlers map[string]Handler
	leases   map[string]time.Duration // per kind, from Spec.Lease
}

// Outcomes counted in portal_jobs_run_total.
const (
	outcomeDone  = "done"
	outcomeRetry = "retry"
	outcomeDead  = "dead"
)

var (
	jobsRun = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "portal_jobs_run_total",
		Help: "Jobs run by this instance, by kind and outcome (done, retry, dead).",
	}, []string{"kind", "outcome"})
	jobDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "portal_job_duration_seconds",
		Help:    "How long job handlers ran, by kind.",
		Buckets: prometheus.DefBuckets,
	}, []string{"kind"})
)

// New makes a Queue over db. Nothing runs until Run or RunOnce.
func New(db *gorm.DB, dialect models.Dialect, opts Options) *Queue {
	if opts.Lease <= 0 {
		opts.Lease = time.Minute
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.InstanceID == "" {
		opts.InstanceID = defaultInstanceID()
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Queue{
		db:       db,
		dialect:  dialect,
		opts:     opts,
		log:      log.With("component", "jobs", "instance", opts.InstanceID),
		handlers: map[string]Handler{},
		leases:   map[string]time.Duration{},
	}
}

func defaultInstanceID() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	id := fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	if len(id) > 100 { // jobs.locked_by is VARCHAR(100)
		id = id[len(id)-100:]
	}
	return id
}

// Register sets the handler for a kind of job. Register before Run.
func (q *Queue) Register(kind string, h Handler) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.handlers[kind] = h
}

// lease is how long a job of kind belongs to its worker.
func (q *Queue) lease(kind string) time.Duration {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if d, ok := q.leases[kind]; ok {
		return d
	}
	return q.opts.Lease
}

// Kinds lists the registered kinds, sorted: what the admin page can show,
// so a test can check each has a label.
func (q *Queue) Kinds() []string {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return slices.Sorted(maps.Keys(q.handlers))
}

// DB is the database the queue works on: handlers registered through a
// package's Register(q) load their rows from it.
func (q *Queue) DB() *gorm.DB { return q.db }

func (q *Queue) handler(kind string) Handler {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.handlers[kind]
}

// now is the injected clock in UTC: SQLite stores times as text, and only
// one zone keeps their order right.
func (q *Queue) now() time.Time { return q.opts.Now().UTC() }

// RunOnce enqueues the periodic jobs that are due, then claims one due job
// and runs it. ran is false when there was nothing to do.
func (q *Queue) RunOnce(ctx context.Context) (bool, error) {
	if err := q.enqueueDueSchedules(ctx); err != nil {
		return false, err
	}
	job, err := q.claim(ctx)
	if err != nil || job == nil {
		return false, err
	}
	return true, q.run(ctx, job)
}

// Run starts Options.Workers loops and returns once ctx is done and the jobs
// they were running have finished. With no workers it returns at once.
func (q *Queue) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i := 0; i < q.opts.Workers; i++ {
		wg.Go(func() { q.loop(ctx) })
	}
	wg.Wait()
}

func (q *Queue) loop(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		ran, err := q.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			q.log.Error("jobs: worker", "err", err)
		}
		// Right after a job there may be more; otherwise wait a poll.
		if ran && err == nil {
			timer.Reset(0)
		} else {
			timer.Reset(q.opts.Poll)
		}
	}
}

// run calls the handler and records the result. The handler's context is
// not cancelled by shutdown (Run waits for it instead, so a mail is not cut
// off halfway) but is bounded by the lease.
func (q *Queue) run(ctx context.Context, job *models.Job) error {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), q.lease(job.Kind))
	defer cancel()
	start := time.Now()
	herr := q.call(hctx, job)
	jobDuration.WithLabelValues(job.Kind).Observe(time.Since(start).Seconds())
	outcome, err := q.finish(ctx, job, herr)
	if err != nil {
		return err
	}
	jobsRun.WithLabelValues(job.Kind, outcome).Inc()
	switch outcome {
	case outcomeDone:
		q.log.Debug("jobs: done", "job", job.ID, "kind", job.Kind)
	case outcomeRetry:
		q.log.Warn("jobs: failed, will retry", "job", job.ID, "kind", job.Kind, "attempt", job.Attempts, "err", herr)
	case outcomeDead:
		q.log.Error("jobs: failed for good", "job", job.ID, "kind", job.Kind, "attempt", job.Attempts, "err", herr)
	}
	return nil
}

// call runs the handler, turning a missing handler or a panic into an error
// so they count as a failed attempt instead of killing the worker.
func (q *Queue) call(ctx context.Context, job *models.Job) (err error) {
	h := q.handler(job.Kind)
	if h == nil {
		// Another instance, newer or older, may know this kind: retry.
		return fmt.Errorf("jobs: no handler for kind %q in this instance", job.Kind)
	}
	defer func() {
		if r := recover(); r != nil {
			q.log.Error("jobs: handler panicked", "job", job.ID, "kind", job.Kind, "stack", string(debug.Stack()))
			err = fmt.Errorf("jobs: handler panicked: %v", r)
		}
	}()
	return h(ctx, job)
}
