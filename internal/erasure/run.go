package erasure

import (
	"context"
	"gorm.io/gorm"

	"github.com/photolab/privacyportal/internal/jobs"
)

// TODO(issue 13, engine): replaced by the run over the categories.
func (s *Service) runJobs() []jobs.Spec { return nil }

// Run erases erasure id's categories (resuming a killed run), then
// finishes it (finish).
func (s *Service) Run(ctx context.Context, id int64) error { return nil }

// kick queues a run of the due erasures now, in tx (a waived cool-off,
// a dormant account), instead of at the next scheduled sweep.
func (s *Service) kick(tx *gorm.DB) error { return nil }
