package consent

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func suppress(t *testing.T, s *Service, db *dbtest.DB, email, reason string) {
	t.Helper()
	if err := db.Transaction(func(tx *gorm.DB) error { return Suppress(tx, s.Secrets, email, reason, testNow) }); err != nil {
		t.Fatal(err)
	}
}

func isSuppressed(t *testing.T, s *Service, db *dbtest.DB, email string) bool {
	t.Helper()
	ok, err := Suppressed(db.DB, s.Secrets, email)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestSuppressionStopsAudience: the real suppression condition keeps a
// suppressed address's account out of the audience statement, before
// and after a key rotation; the list holds hashes under every version.
func TestSuppressionStopsAudience(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		news := Change{Choice: Marketing("newsletter", models.ChannelEmail), Status: models.ConsentGranted}
		for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			set(t, s, db, newUser(t, db, e), models.MethodPortal, news)
		}
		// An account that never touched its preferences has no subject:
		// the mark makes one.
		newUser(t, db, "quiet@example.com")
		suppress(t, s, db, " B@Example.com", "admin")
		suppress(t, s, db, "quiet@example.com", "admin")
		if got := audienceEmails(t, s, "newsletter", models.ChannelEmail, AudienceOptions{}); !slices.Equal(got, []string{"a@example.com", "c@example.com"}) {
			t.Errorf("with b suppressed: %q", got)
		}
		if _, err := s.Secrets.AddKey(); err != nil {
			t.Fatal(err)
		}
		if got := audienceEmails(t, s, "newsletter", models.ChannelEmail, AudienceOptions{}); slices.Contains(got, "b@example.com") {
			t.Errorf("a key rotation let b back: %q", got)
		}
		if !isSuppressed(t, s, db, "b@example.com") || isSuppressed(t, s, db, "a@example.com") {
			t.Error("Suppressed after rotation")
		}
		suppress(t, s, db, "a@example.com", "admin")
		var n int64
		db.Model(&models.Suppression{}).Where("hash IN ?", s.Secrets.MACs(SuppressionPurpose, "a@example.com")).Count(&n)
		if n != 2 {
			t.Errorf("a is listed under %d key versions, want 2", n)
		}
		if got := audienceEmails(t, s, "newsletter", models.ChannelEmail, AudienceOptions{}); !slices.Equal(got, []string{"c@example.com"}) {
			t.Errorf("with a and b suppressed: %q", got)
		}
		// Suppressing twice is harmless.
		suppress(t, s, db, "a@example.com", "admin")
		// Nothing of the address is stored in clear.
		var clear int64
		db.Model(&models.Suppression{}).Where("hash LIKE ?", "%example%").Count(&clear)
		if clear != 0 {
			t.Error("an address in clear on the list")
		}
	})
}

// TestSuppressionRefusesResubscribe: a new account at an erased address
// (the list written before a key rotation) cannot opt in on the
// preferences page, nor confirm a double opt-in asked before the
// suppression; its other choices still save.
func TestSuppressionRefusesResubscribe(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		ctx := context.Background()
		suppress(t, s, db, "erased@example.com", "erasure")
		if _, err := s.Secrets.AddKey(); err != nil {
			t.Fatal(err)
		}
		uid := newUser(t, db, "erased@example.com")
		news := Marketing("newsletter", models.ChannelEmail)
		p := Person{UserID: uid, Email: "erased@example.com"}
		err := s.Save(ctx, p, SaveForm{Ticked: map[Choice]bool{news: true}}, false, Evidence{Method: models.MethodPortal})
		if f := fault.FieldsOf(err); f[FieldName(news)] != BlockSuppressed {
			t.Fatalf("opt-in of a suppressed address: %v %v", err, f)
		}
		var events int64
		db.Model(&models.ConsentEvent{}).Count(&events)
		if events != 0 {
			t.Errorf("%d events saved by a refused save", events)
		}
		if err := s.Save(ctx, p, SaveForm{NoProfiling: true}, false, Evidence{Method: models.MethodPortal}); err != nil {
			t.Errorf("a suppressed address's other choices: %v", err)
		}

		// A double opt-in asked before the suppression is not confirmed.
		other := newUser(t, db, "pending@example.com")
		var token string
		err = db.Transaction(func(tx *gorm.DB) error {
			sub, err := s.SubjectOf(tx, other)
			if err != nil {
				return err
			}
			if err := s.RequestConfirmation(tx, sub, "pending@example.com", "newsletter", Evidence{Method: models.MethodPortal}); err != nil {
				return err
			}
			var st models.ConsentState
			if err := tx.Where("subject_id = ?", sub).Take(&st).Error; err != nil {
				return err
			}
			token = s.confirmToken(sub, "newsletter", st.EventID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		suppress(t, s, db, "pending@example.com", "admin")
		if err := s.Confirm(ctx, token, Evidence{}); !errors.Is(err, ErrSuppressed) {
			t.Fatalf("confirming a suppressed address: %v", err)
		}
		if got := audienceEmails(t, s, "newsletter", models.ChannelEmail, AudienceOptions{}); len(got) != 0 {
			t.Errorf("audience %q", got)
		}
		// Nor is a double opt-in started for it, from any form.
		err = db.Transaction(func(tx *gorm.DB) error {
			sub, err := s.SubjectOf(tx, uid)
			if err != nil {
				return err
			}
			return s.RequestConfirmation(tx, sub, "Erased@Example.com", "newsletter", Evidence{Method: models.MethodPublic})
		})
		if !errors.Is(err, ErrSuppressed) {
			t.Errorf("a double opt-in for a suppressed address: %v", err)
		}
	})
}

// TestWithdrawalHook: every withdrawal Apply appends reaches the hook in
// its transaction (the preferences page, unsubscribe-all, an
// objection), with whom and what; a failing hook fails the withdrawal.
func TestWithdrawalHook(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		var heard []Withdrawal
		var fail error
		s.Withdrawn = func(tx *gorm.DB, w Withdrawal) error {
			if tx == nil {
				t.Error("no transaction")
			}
			heard = append(heard, w)
			return fail
		}
		news, offers := Marketing("newsletter", models.ChannelEmail), Marketing("offers", models.ChannelEmail)
		uid := newUser(t, db, "hook@example.com")
		set(t, s, db, uid, models.MethodPortal, Change{Choice: news, Status: models.ConsentGranted}, Change{Choice: offers, Status: models.ConsentGranted})
		if len(heard) != 0 {
			t.Fatalf("opt-ins heard: %+v", heard)
		}
		set(t, s, db, uid, models.MethodPortal, Change{Choice: news, Status: models.ConsentWithdrawn})
		if len(heard) != 1 || heard[0].UserID != uid || heard[0].Email != "hook@example.com" || heard[0].Topic != "newsletter" ||
			heard[0].Channel != models.ChannelEmail || heard[0].Method != models.MethodPortal || !heard[0].At.Equal(testNow) {
			t.Fatalf("heard %+v", heard)
		}
		if err := db.Transaction(func(tx *gorm.DB) error { return s.WithdrawAllMarketing(tx, &uid, "hook@example.com") }); err != nil {
			t.Fatal(err)
		}
		if len(heard) < 2 || heard[1].Topic != "offers" || heard[1].Method != models.MethodObjection {
			t.Fatalf("objection heard %+v", heard)
		}
		// A signed-out opt-out is heard by its subject's stored hash.
		heard = nil
		if err := db.Transaction(func(tx *gorm.DB) error {
			sub, err := s.SubjectOfEmail(tx, "stranger@example.com")
			if err == nil {
				_, err = s.Apply(tx, sub, []Change{{Choice: SaleShare, Status: models.ConsentWithdrawn}}, Evidence{Method: models.MethodPublic})
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if len(heard) != 1 || heard[0].UserID != 0 || heard[0].SubjectHash != s.EmailHash("stranger@example.com") || heard[0].Purpose != models.PurposeSaleShare {
			t.Fatalf("signed-out heard %+v", heard)
		}
		// The journal failing fails the withdrawal: nothing committed.
		fail = errors.New("disk full")
		set2 := func() error {
			return db.Transaction(func(tx *gorm.DB) error {
				sub, err := s.SubjectOf(tx, uid)
				if err == nil {
					_, err = s.Apply(tx, sub, []Change{{Choice: SaleShare, Status: models.ConsentWithdrawn}}, Evidence{Method: models.MethodPortal})
				}
				return err
			})
		}
		if err := set2(); err == nil {
			t.Fatal("a withdrawal the journal did not hear committed")
		}
		var n int64
		db.Model(&models.ConsentState{}).Where("purpose = ? AND subject_id IN (SELECT id FROM consent_subjects WHERE user_id = ?)", models.PurposeSaleShare, uid).Count(&n)
		if n != 0 {
			t.Error("the failed withdrawal left a state")
		}
	})
}
