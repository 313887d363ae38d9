package erasure

import (
	"github.com/photolab/privacyportal/internal/consent"
	"gorm.io/gorm"
)

// Suppress adds email's keyed hash to the suppression list, in tx, under
// every key version (consent.Suppress): no marketing to the address
// again, and no re-import of it. reason is "erasure" or "admin".
func (s *Service) Suppress(tx *gorm.DB, email, reason string) error {
	return consent.Suppress(tx, s.Secrets, email, reason, s.now())
}
