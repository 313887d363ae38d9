package requests

import (
	"context"
	"time"

	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
)

// Job kinds the requests service runs on the queue.
const (
	KindExpire    = "requests.expire"    // close public requests never verified
	KindSweep     = "requests.sweep"     // destroy ID documents past their decision
	KindLift      = "requests.lift"      // lift restrictions whose notice has run
	KindReminders = "requests.reminders" // remind staff of due and overdue requests
	KindDigest    = "requests.digest"    // the daily digest of new requests, when chosen
)

// Jobs declares the service's periodic work. Each handler is idempotent:
// a rerun after a crash finds nothing left to do.
func (s *Service) Jobs() []jobs.Spec {
	run := func(f func(context.Context) (int, error)) jobs.Handler {
		return func(ctx context.Context, _ *models.Job) error {
			_, err := f(ctx)
			return err
		}
	}
	return []jobs.Spec{
		{Kind: KindExpire, Handle: run(s.ExpireUnverified), Schedule: KindExpire, Every: time.Hour},
		{Kind: KindSweep, Handle: run(s.SweepDocuments), Schedule: KindSweep, Every: 15 * time.Minute},
		{Kind: KindLift, Handle: run(s.LiftDue), Schedule: KindLift, Every: 15 * time.Minute},
		{Kind: KindReminders, Handle: run(s.SendReminders), Schedule: KindReminders, Every: time.Hour},
		{Kind: KindDigest, Handle: run(s.SendDigest), Schedule: KindDigest, Every: 24 * time.Hour},
	}
}
