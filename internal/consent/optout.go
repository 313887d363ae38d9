package consent

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Withdrawing: the preferences page's one-click "unsubscribe from all"
// and the signed-out opt-out of sale. Both take one step, as giving did.

// UnsubscribeAll withdraws every marketing choice given or pending, in
// one transaction: one click, as giving was.
func (s *Service) UnsubscribeAll(ctx context.Context, p Person, ev Evidence) error {
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sub, err := s.SubjectOf(tx, p.UserID)
		if err != nil {
			return err
		}
		return s.withdrawMarketing(tx, sub, ev)
	})
}

// withdrawMarketing withdraws all of a subject's marketing in tx, and
// the extra changes after it (an objection adds profiling): the one
// path of "unsubscribe from all" and of an objection.
func (s *Service) withdrawMarketing(tx *gorm.DB, subject int64, ev Evidence, extra ...Change) error {
	if err := s.lockSubject(tx, subject); err != nil {
		return fmt.Errorf("consent: lock: %w", err)
	}
	cur, err := states(tx, subject)
	if err != nil {
		return err
	}
	var changes []Change
	for c, st := range cur {
		if c.Purpose == models.PurposeMarketing && st.Status != models.ConsentWithdrawn {
			changes = append(changes, Change{Choice: c, Status: models.ConsentWithdrawn})
		}
	}
	// In a stable order: the ledger reads the same on every run.
	slices.SortFunc(changes, func(a, b Change) int {
		return strings.Compare(a.Topic+"\x00"+a.Channel, b.Topic+"\x00"+b.Channel)
	})
	_, err = s.Apply(tx, subject, append(changes, extra...), ev)
	return err
}

// ErrBadEmail is a public opt-out without a usable address.
var ErrBadEmail = fault.InvalidFields("consent: email", map[string]string{"email": "optout.error.email"})

// OptOutPublic records, for whoever owns email, that they opt out of the
// sale and sharing of their data (CCPA §7026): no account or sign-in
// needed, and the same outcome whether or not the address has one.
func (s *Service) OptOutPublic(ctx context.Context, email string, ev Evidence) error {
	email = normalize(email)
	if at := strings.LastIndex(email, "@"); at < 1 || at == len(email)-1 || len(email) > 320 || strings.ContainsAny(email, " \t\r\n") {
		return ErrBadEmail
	}
	ev.Method = models.MethodPublic
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sub, err := s.SubjectOfEmail(tx, email)
		if err != nil {
			return err
		}
		_, err = s.Apply(tx, sub, []Change{{Choice: SaleShare, Status: models.ConsentWithdrawn}}, ev)
		return err
	})
}
