package requests

import (
	"context"
	"io"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// AttachDocument checks and stores an uploaded document (an ID document,
// or an agent's signed permission) for request id.
func (s *Service) AttachDocument(ctx context.Context, a actor.Actor, id int64, purpose string, body io.Reader) (models.RequestDocument, error) {
	return models.RequestDocument{}, fault.New(fault.Internal, "requests: documents are not built yet")
}

// decideDocuments is called in the transaction of an identity decision:
// the request's identity documents are then due for destruction.
func (s *Service) decideDocuments(tx *gorm.DB, r *models.PrivacyRequest) error {
	return nil
}

// SweepDocuments destroys every document whose destruction is due: the
// backstop behind the destruction at the identity decision.
func (s *Service) SweepDocuments(ctx context.Context) (int, error) {
	return 0, nil
}
