package requests

import (
	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// fulfil carries out, inside the approval's transaction, the kinds
// answered here: a rectification's corrections, a restriction, an
// objection. handled is false for the kinds handed off to later services
// (access, portability, erasure), which then wait for fulfilment.
func (s *Service) fulfil(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) (handled bool, err error) {
	return false, nil
}

// afterVerified runs when a request has just entered review: an
// objection to direct marketing is applied at once, without review (Art.
// 21(3)); processing objected to on legitimate interests is restricted
// while staff weigh it (Art. 18(1)(d)).
func (s *Service) afterVerified(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) error {
	return nil
}

// checkCorrections validates a rectification's corrections for customer
// userID before they are filed: each names a field its category declares
// correctable, on a record of that customer, with a valid proposed value;
// CurrentValue is filled in from what is stored. Field errors are keyed
// "corrections.<i>.proposed" and the like.
func (s *Service) checkCorrections(tx *gorm.DB, userID int64, cs []models.RequestCorrection) error {
	return nil
}

// afterDenied runs in a denial's transaction: an objection on legitimate
// interests that staff reject (compelling grounds) lifts the restriction
// placed while it was weighed, with the notice Art. 18(3) asks for.
func (s *Service) afterDenied(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) error {
	return nil
}
