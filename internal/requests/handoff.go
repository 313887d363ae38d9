package requests

import (
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Handoff starts the fulfilment of an approved request that a later
// service answers (the export for access and portability), inside the
// approval's transaction: if it fails, the approval does not happen.
type Handoff func(tx *gorm.DB, r *models.PrivacyRequest) error

// handOff runs the hook wired for r's kind, if any.
func (s *Service) handOff(tx *gorm.DB, r *models.PrivacyRequest) error {
	if h := s.Handoffs[r.Kind]; h != nil {
		return h(tx, r)
	}
	return nil
}

// CompleteFulfilled completes request id, waiting for fulfilment, once
// the service it was handed to has done its part (the package is ready
// until until), in that service's transaction. Quiet: the service's own
// mail ("your data is ready") tells the requester, with the link. A
// request no longer waiting (withdrawn meanwhile, completed by staff) is
// left as it is.
func (s *Service) CompleteFulfilled(tx *gorm.DB, id int64, until time.Time) error {
	r, err := s.lockForUpdate(tx, id)
	if err != nil {
		return err
	}
	if r.Status != models.StatusWaitingFulfilment {
		return nil
	}
	return s.move(tx, actor.SystemActor(), &r, step{Action: ActComplete, Quiet: true,
		Audit: map[string]string{"until": until.UTC().Format(time.RFC3339)}})
}

// StopErasure cancels erasure request id in tx during its cool-off, for
// its requester or for staff (the requester asked them, say by phone or
// by replying): internal/erasure calls it in the transaction that
// cancels the run, having checked the run has not started.
func (s *Service) StopErasure(tx *gorm.DB, a actor.Actor, id int64) error {
	var r models.PrivacyRequest
	var err error
	if a.IsStaff() {
		r, err = load(tx, id)
	} else {
		r, err = loadMine(tx, a, id)
	}
	if err != nil {
		return err
	}
	if r.Kind != models.RequestErasure {
		return ErrWrongState
	}
	if r, err = s.lockForUpdate(tx, id); err != nil {
		return err
	}
	return s.move(tx, a, &r, step{Action: ActStopErasure})
}
