package consent

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

var testNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

func newTestService(t testing.TB, db *dbtest.DB) *Service {
	t.Helper()
	ring, err := vault.OpenKeyRing(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := SeedTopics(context.Background(), db.DB); err != nil {
		t.Fatal(err)
	}
	return &Service{DB: db.DB, Dialect: db.Dialect, Secrets: ring, Now: func() time.Time { return testNow }}
}

func newUser(t testing.TB, db *dbtest.DB, email string) int64 {
	t.Helper()
	u := models.User{Email: email, Role: models.RoleCustomer, Name: "Ada Lovelace"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestApplyAppendsOnlyChanges: a change appends one event, its evidence
// (IP truncated) and the state; the same change again appends nothing.
func TestApplyAppendsOnlyChanges(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		uid := newUser(t, db, "ada@example.com")
		ev := Evidence{Method: models.MethodPortal, Locale: "fr", Wording: "Newsletter: news from the lab", IP: "203.0.113.77", UserAgent: "Firefox"}
		var subject int64
		apply := func(changes ...Change) []models.ConsentEvent {
			t.Helper()
			var out []models.ConsentEvent
			err := db.Transaction(func(tx *gorm.DB) error {
				var err error
				if subject, err = s.SubjectOf(tx, uid); err != nil {
					return err
				}
				out, err = s.Apply(tx, subject, changes, ev)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		news := Marketing("newsletter", models.ChannelEmail)
		if got := apply(Change{Choice: news, Status: models.ConsentWithdrawn}); len(got) != 0 {
			t.Errorf("withdrawing what was never given appended %d events", len(got))
		}
		got := apply(Change{Choice: news, Status: models.ConsentGranted})
		if len(got) != 1 || got[0].Action != models.ConsentGranted || got[0].WordingHash != WordingHash(ev.Wording) || got[0].Locale != "fr" {
			t.Fatalf("grant: %+v", got)
		}
		if again := apply(Change{Choice: news, Status: models.ConsentGranted}); len(again) != 0 {
			t.Errorf("the same grant again appended %d events", len(again))
		}
		apply(Change{Choice: news, Status: models.ConsentWithdrawn}, Change{Choice: SaleShare, Status: models.ConsentWithdrawn})
		var evidence models.ConsentEvidence
		if err := db.Where("event_id = ?", got[0].ID).Take(&evidence).Error; err != nil || evidence.IP != "203.0.113.0" {
			t.Errorf("evidence %+v, %v: want the IP truncated to its /24", evidence, err)
		}
		st, err := s.States(context.Background(), subject)
		if err != nil || st[news].Status != models.ConsentWithdrawn || st[SaleShare].Status != models.ConsentWithdrawn {
			t.Errorf("states %+v, %v", st, err)
		}
		var n int64
		db.Model(&models.ConsentEvent{}).Where("subject_id = ?", subject).Count(&n)
		if n != 3 {
			t.Errorf("%d events, want grant, withdraw, opt-out", n)
		}
	})
}

// TestLedgerIsAppendOnly: the database refuses to edit or delete a
// ledger event, whoever asks.
func TestLedgerIsAppendOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		uid := newUser(t, db, "ada@example.com")
		err := db.Transaction(func(tx *gorm.DB) error {
			sub, err := s.SubjectOf(tx, uid)
			if err != nil {
				return err
			}
			_, err = s.Apply(tx, sub, []Change{{Choice: Marketing("offers", models.ChannelSMS), Status: models.ConsentGranted}}, Evidence{Method: models.MethodPortal})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE consent_events SET action = 'withdrawn'").Error; err == nil {
			t.Error("an UPDATE of the ledger succeeded")
		}
		if err := db.Exec("DELETE FROM consent_events").Error; err == nil {
			t.Error("a DELETE from the ledger succeeded")
		}
		var n int64
		db.Model(&models.ConsentEvent{}).Where("action = ?", models.ConsentGranted).Count(&n)
		if n != 1 {
			t.Errorf("the ledger changed: %d granted events", n)
		}
	})
}

func TestTruncateIP(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"203.0.113.77": "203.0.113.0", "2001:db8:abcd:12::1": "2001:db8:abcd::", "nonsense": "", "": ""} {
		if got := TruncateIP(in); got != want {
			t.Errorf("TruncateIP(%q) = %q, want %q", in, got, want)
		}
	}
}
