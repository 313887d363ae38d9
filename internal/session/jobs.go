package session

import (
	"context"
	"time"

	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
)

// Cleanup job: the kind and schedule name predate Jobs (web declared
// them), so rows already in job_schedules keep working.
const (
	JobCleanup      = "session.cleanup"
	CleanupSchedule = "session-cleanup"
	cleanupEvery    = 15 * time.Minute
)

// Jobs declares the store's periodic purge of expired sessions.
func (s *Store) Jobs() []jobs.Spec {
	return []jobs.Spec{{Kind: JobCleanup, Schedule: CleanupSchedule, Every: cleanupEvery,
		Handle: func(ctx context.Context, _ *models.Job) error {
			_, err := s.DeleteExpired(ctx)
			return err
		}}}
}
