package consent

import (
	"context"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func withdrawAll(t *testing.T, s *Service, db *dbtest.DB, userID *int64, email string) {
	t.Helper()
	if err := db.Transaction(func(tx *gorm.DB) error { return s.WithdrawAllMarketing(tx, userID, email) }); err != nil {
		t.Fatal(err)
	}
}

func countEvents(t *testing.T, db *dbtest.DB, subject int64) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.ConsentEvent{}).Where("subject_id = ?", subject).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWithdrawAllMarketing: an objection withdraws every topic and
// channel given or pending, and the profiling, with method objection, in
// one call; again, it appends nothing; by address it reaches the
// account's subject, or one of its own.
func TestWithdrawAllMarketing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		uid := newUser(t, db, "ada@example.com")
		granted := []Change{
			{Choice: Marketing("newsletter", models.ChannelEmail), Status: models.ConsentGranted},
			{Choice: Marketing("offers", models.ChannelSMS), Status: models.ConsentGranted},
			{Choice: Marketing("catalogues", models.ChannelPost), Status: models.ConsentPending},
			{Choice: Profiling, Status: models.ConsentGranted},
			{Choice: SaleShare, Status: models.ConsentGranted},
		}
		subject := set(t, s, db, uid, models.MethodPortal, granted...)
		before := countEvents(t, db, subject)
		withdrawAll(t, s, db, &uid, "ada@example.com")
		st, err := s.States(context.Background(), subject)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range granted[:4] {
			if st[c.Choice].Status != models.ConsentWithdrawn {
				t.Errorf("%+v still %s after the objection", c.Choice, st[c.Choice].Status)
			}
		}
		if st[SaleShare].Status != models.ConsentGranted {
			t.Error("the objection to marketing changed the sale choice")
		}
		var objected int64
		db.Model(&models.ConsentEvent{}).Where("subject_id = ? AND method = ? AND action = ?", subject, models.MethodObjection, models.ConsentWithdrawn).Count(&objected)
		if objected != 4 || countEvents(t, db, subject) != before+4 {
			t.Errorf("%d objection events, want 4 (three topics, profiling)", objected)
		}
		withdrawAll(t, s, db, &uid, "ada@example.com")
		if n := countEvents(t, db, subject); n != before+4 {
			t.Errorf("a repeated objection appended %d events", n-before-4)
		}

		// By address only: the account's subject.
		bob := newUser(t, db, "bob@example.com")
		bobSubject := set(t, s, db, bob, models.MethodPortal, Change{Choice: Marketing("newsletter", models.ChannelEmail), Status: models.ConsentGranted})
		withdrawAll(t, s, db, nil, "Bob@Example.com")
		if st, _ := s.States(context.Background(), bobSubject); st[Marketing("newsletter", models.ChannelEmail)].Status != models.ConsentWithdrawn {
			t.Error("an objection by the account's address left its newsletter on")
		}
		// A stranger: a subject by hash, the profiling objection recorded.
		withdrawAll(t, s, db, nil, "stranger@example.com")
		var sub models.ConsentSubject
		if err := db.Where("email_hash = ?", s.EmailHash("stranger@example.com")).Take(&sub).Error; err != nil {
			t.Fatal(err)
		}
		if st, _ := s.States(context.Background(), sub.ID); st[Profiling].Status != models.ConsentWithdrawn {
			t.Error("the stranger's objection not recorded")
		}
	})
}

// TestWithdrawingIsAsEasyAsGiving (Art. 7(3)): one change withdraws what
// one change granted, one call withdraws all that several granted, and
// neither asks for more than the grant did (no wording, no evidence).
func TestWithdrawingIsAsEasyAsGiving(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		uid := newUser(t, db, "ada@example.com")
		news := Marketing("newsletter", models.ChannelEmail)
		var subject int64
		apply := func(changes ...Change) int {
			t.Helper()
			var n int
			err := db.Transaction(func(tx *gorm.DB) error {
				var err error
				if subject, err = s.SubjectOf(tx, uid); err != nil {
					return err
				}
				out, err := s.Apply(tx, subject, changes, Evidence{Method: models.MethodPortal})
				n = len(out)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if apply(Change{Choice: news, Status: models.ConsentGranted}) != 1 || apply(Change{Choice: news, Status: models.ConsentWithdrawn}) != 1 {
			t.Fatal("one change did not grant, or one did not withdraw")
		}
		if st, _ := s.States(context.Background(), subject); st[news].Status != models.ConsentWithdrawn {
			t.Fatal("one change did not withdraw what one change granted")
		}
		var all []Change
		for _, topic := range []string{"newsletter", "catalogues", "surveys", "offers", "partners"} {
			all = append(all, Change{Choice: Marketing(topic, models.ChannelEmail), Status: models.ConsentGranted})
		}
		if apply(all...) != len(all) {
			t.Fatal("one call did not grant all")
		}
		withdrawAll(t, s, db, &uid, "")
		st, _ := s.States(context.Background(), subject)
		for _, c := range all {
			if st[c.Choice].Status != models.ConsentWithdrawn {
				t.Errorf("one call left %s on", c.Topic)
			}
		}
	})
}
