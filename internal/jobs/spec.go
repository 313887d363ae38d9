package jobs

import (
	"context"
	"fmt"
	"time"
)

// Spec declares one kind of job a service runs: its handler and, for a
// periodic job, the schedule that enqueues it. Services declare their
// specs; the server only hands them to Install.
type Spec struct {
	Kind   string
	Handle Handler
	// Schedule names a periodic schedule enqueuing Kind every Every; empty
	// for a job that is only enqueued by a change (a mail to deliver).
	Schedule string
	Every    time.Duration
	// Lease overrides the queue's lease (and time limit) for this kind: a
	// job that may run long (building a download package) gets longer,
	// so it is not cut off and retried while still working.
	Lease time.Duration
}

// Provider is a service with background work.
type Provider interface {
	Jobs() []Spec
}

// Specs is a list of specs serving as a Provider, for a service whose
// handlers need an argument to be built (the mailer needs a database).
type Specs []Spec

// Jobs returns the list.
func (s Specs) Jobs() []Spec { return s }

// Install registers every provider's handlers and creates or updates
// their schedules. Every instance calls it at start; a kind declared twice
// is a wiring mistake and is refused before anything is written.
func (q *Queue) Install(ctx context.Context, providers ...Provider) error {
	var specs []Spec
	seen := map[string]bool{}
	for _, p := range providers {
		for _, s := range p.Jobs() {
			if s.Kind == "" || s.Handle == nil {
				return fmt.Errorf("jobs: install: spec %q needs a kind and a handler", s.Kind)
			}
			if seen[s.Kind] {
				return fmt.Errorf("jobs: install: kind %q declared twice", s.Kind)
			}
			seen[s.Kind] = true
			specs = append(specs, s)
		}
	}
	for _, s := range specs {
		q.Register(s.Kind, s.Handle)
		if s.Lease > 0 {
			q.mu.Lock()
			q.leases[s.Kind] = s.Lease
			q.mu.Unlock()
		}
	}
	for _, s := range specs {
		if s.Schedule == "" {
			continue
		}
		if err := q.Schedule(ctx, s.Schedule, s.Kind, s.Every); err != nil {
			return err
		}
	}
	return nil
}
