package requests

import (
	"context"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

// Filing is what a signed-in customer asks for.
type Filing struct {
	Kind    models.RequestKind
	Details string
	// Categories names registry keys for a restriction, an objection or
	// an erasure; empty means all.
	Categories      []string
	ObjectionGround string // models.ObjectMarketing or models.ObjectLegitimate, for an objection
	// Corrections are a rectification's structured changes (checked by
	// checkCorrections, stored with the request).
	Corrections []models.RequestCorrection
}

// FileAsCustomer files a request of the signed-in customer userID.
func (s *Service) FileAsCustomer(ctx context.Context, a actor.Actor, userID int64, f Filing) (models.PrivacyRequest, error) {
	return models.PrivacyRequest{}, fault.New(fault.Internal, "requests: intake is not built yet")
}
