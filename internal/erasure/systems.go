package erasure

import (
	"net/http"

	"github.com/photolab/privacyportal/internal/jobs"
	"gorm.io/gorm"
)

// HTTPDoer sends a webhook (an *http.Client).
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// Subject is whom an event passed on to connected systems is about.
type Subject struct {
	UserID int64
	Email  string
}

// TODO(issue 13, systems): replaced by the webhook delivery jobs.
func (s *Service) systemJobs() []jobs.Spec { return nil }

// Dispatch creates, in tx, one task per enabled connected system for
// event about subj (webhook ones are queued for delivery).
func (s *Service) Dispatch(tx *gorm.DB, event string, requestID, erasureID *int64, subj Subject) error {
	return nil
}
