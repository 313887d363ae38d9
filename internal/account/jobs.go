package account

import (
	"context"
	"encoding/json"
	"time"

	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
)

// Account cleanup: expired emailed codes and quiet throttle rows. It ran
// with the session cleanup before; now each owner declares its own.
const (
	JobCleanup      = "account.cleanup"
	CleanupSchedule = "account-cleanup"
	cleanupEvery    = 15 * time.Minute
)

// Jobs declares the service's background work: sending a sign-in code and
// an email-change code (queued by their forms, so the answer does not
// depend on whether the address has an account) and the periodic Cleanup.
func (s *Service) Jobs() []jobs.Spec {
	return []jobs.Spec{
		{Kind: JobSendSignInCode, Handle: func(ctx context.Context, job *models.Job) error {
			var p sendCodePayload
			if err := json.Unmarshal([]byte(job.Payload), &p); err != nil {
				return err
			}
			return s.sendSignInCode(ctx, p.Email)
		}},
		{Kind: JobEmailChange, Handle: func(ctx context.Context, job *models.Job) error {
			var p emailChangePayload
			if err := json.Unmarshal([]byte(job.Payload), &p); err != nil {
				return err
			}
			return s.sendEmailChange(ctx, p)
		}},
		{Kind: JobCleanup, Schedule: CleanupSchedule, Every: cleanupEvery,
			Handle: func(ctx context.Context, _ *models.Job) error { return s.Cleanup(ctx) }},
	}
}
