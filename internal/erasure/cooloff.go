package erasure

import (
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Schedule starts the cool-off of an approved erasure request, in the
// approval's transaction (requests.Handoff). TODO(issue 13, cool-off).
func (s *Service) Schedule(tx *gorm.DB, r *models.PrivacyRequest) error { return nil }

// mailReport queues the erasure report to e.ReportEmail in its locale, in
// the run's final transaction (TODO(issue 13, cool-off)).
func (s *Service) mailReport(tx *gorm.DB, e *models.Erasure) error { return nil }
