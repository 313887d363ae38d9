package consent

import (
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// WithdrawAllMarketing records an objection to direct marketing (Art.
// 21(2)–(3)) in the ledger, in tx: every marketing topic and channel
// given or pending is withdrawn, and the profiling for marketing too
// (the objection covers profiling related to direct marketing), all with
// method objection, in one call. The subject is the account's when
// userID is set, else the address's. Repeating it appends nothing.
func (s *Service) WithdrawAllMarketing(tx *gorm.DB, userID *int64, email string) error {
	var subject int64
	var err error
	if userID != nil {
		subject, err = s.SubjectOf(tx, *userID)
	} else {
		subject, err = s.SubjectOfEmail(tx, email)
	}
	if err != nil {
		return err
	}
	return s.withdrawMarketing(tx, subject, Evidence{Method: models.MethodObjection},
		Change{Choice: Profiling, Status: models.ConsentWithdrawn})
}
