package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
)

// clock is a settable time source shared by the queues of a test. It starts
// an hour ahead of the wall clock so jobs Enqueue stamps with time.Now are
// already due.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Now().UTC().Add(time.Hour).Truncate(time.Second)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newQueue(db *dbtest.DB, clk *clock, id string) *jobs.Queue {
	return jobs.New(db.DB, db.Dialect, jobs.Options{
		Workers:    1,
		Lease:      time.Minute,
		InstanceID: id,
		Now:        clk.Now,
		Logger:     quietLogger(),
	})
}

func enqueue(t *testing.T, db *dbtest.DB, kind string, payload any, opts ...jobs.EnqueueOption) int64 {
	t.Helper()
	id, err := jobs.Enqueue(db.DB, kind, payload, opts...)
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return id
}

func loadJob(t *testing.T, db *dbtest.DB, id int64) models.Job {
	t.Helper()
	var j models.Job
	if err := db.First(&j, id).Error; err != nil {
		t.Fatalf("load job %d: %v", id, err)
	}
	return j
}

func runOnce(t *testing.T, q *jobs.Queue) bool {
	t.Helper()
	ran, err := q.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return ran
}

// openInstance opens the test database again with its own connection pool,
// as a separate portal instance would.
func openInstance(t *testing.T, db *dbtest.DB) *dbtest.DB {
	t.Helper()
	g, dialect, err := models.Open(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(g) })
	return &dbtest.DB{DB: g, Dialect: dialect, URL: db.URL}
}
