package export

import (
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// notifyReady mails "your data is ready" with the link and the expiry,
// in the package's language: to the account's email, or for a request
// without an account to the requester, with the request's status link.
// TODO(helper): mail templates export_ready in en/fr/zh-CN.
func (s *Service) notifyReady(tx *gorm.DB, e *models.Export) error {
	return nil
}
