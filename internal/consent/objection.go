package consent

import (
	"cmp"
	"fmt"
	"slices"

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
	if err := s.lockSubject(tx, subject); err != nil {
		return fmt.Errorf("consent: lock: %w", err)
	}
	current, err := states(tx, subject)
	if err != nil {
		return err
	}
	var changes []Change
	for c, st := range current {
		if c.Purpose == models.PurposeMarketing && st.Status != models.ConsentWithdrawn {
			changes = append(changes, Change{Choice: c, Status: models.ConsentWithdrawn})
		}
	}
	// The ledger's order, not the map's.
	slices.SortFunc(changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Channel, b.Channel))
	})
	changes = append(changes, Change{Choice: Profiling, Status: models.ConsentWithdrawn})
	_, err = s.Apply(tx, subject, changes, Evidence{Method: models.MethodObjection})
	return err
}
