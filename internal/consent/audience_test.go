package consent

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// set applies changes for customer uid in one transaction and returns
// their subject.
func set(t testing.TB, s *Service, db *dbtest.DB, uid int64, method string, changes ...Change) int64 {
	t.Helper()
	var subject int64
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if subject, err = s.SubjectOf(tx, uid); err != nil {
			return err
		}
		_, err = s.Apply(tx, subject, changes, Evidence{Method: method, Locale: "en", IP: "203.0.113.9", UserAgent: "Firefox"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return subject
}

func audienceEmails(t *testing.T, s *Service, topic, channel string, opts AudienceOptions) []string {
	t.Helper()
	var out []string
	err := s.AudienceWith(context.Background(), topic, channel, opts, func(r Recipient) error {
		out = append(out, r.Email)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAudienceExclusions: only confirmed opt-ins of that topic and
// channel, minus each kind of exclusion; withdrawn profiling is no
// exclusion; the order is stable (by subject).
func TestAudienceExclusions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		news := Marketing("newsletter", models.ChannelEmail)
		grant := Change{Choice: news, Status: models.ConsentGranted}
		in := func(email string, more ...Change) int64 {
			uid := newUser(t, db, email)
			set(t, s, db, uid, models.MethodPortal, append([]Change{grant}, more...)...)
			return uid
		}
		in("ok@example.com")
		in("noprofiling@example.com", Change{Choice: Profiling, Status: models.ConsentWithdrawn})
		adult := in("adult@example.com")
		db.Create(&models.Profile{UserID: adult, BirthDate: "2000-01-01", PreferredLanguage: "fr"})
		justOf := in("sixteen-today@example.com")
		db.Create(&models.Profile{UserID: justOf, BirthDate: "2010-03-10"})

		minor := in("minor@example.com")
		db.Create(&models.Profile{UserID: minor, BirthDate: "2010-03-11"}) // 16 tomorrow
		byUser := in("objected-account@example.com")
		db.Create(&models.MarketingObjection{UserID: &byUser, Email: "old-address@example.com", RecordedAt: testNow})
		in("objected-address@example.com")
		db.Create(&models.MarketingObjection{Email: "objected-address@example.com", RecordedAt: testNow})
		restricted := in("restricted@example.com")
		db.Create(&models.Restriction{UserID: restricted, Category: "", Ground: "request", PlacedAt: testNow})
		lifted := in("lifted@example.com")
		db.Create(&models.Restriction{UserID: lifted, Ground: "request", PlacedAt: testNow, LiftedAt: &testNow})
		// A restriction of a category marketing does not use keeps them in.
		ordersOnly := in("orders-restricted@example.com")
		db.Create(&models.Restriction{UserID: ordersOnly, Category: "orders", Ground: "request", PlacedAt: testNow})
		profileOnly := in("profile-restricted@example.com")
		db.Create(&models.Restriction{UserID: profileOnly, Category: "profile", Ground: "request", PlacedAt: testNow})

		pending := newUser(t, db, "pending@example.com")
		set(t, s, db, pending, models.MethodPortal, Change{Choice: news, Status: models.ConsentPending})
		withdrawn := in("withdrawn@example.com")
		set(t, s, db, withdrawn, models.MethodPortal, Change{Choice: news, Status: models.ConsentWithdrawn})
		other := newUser(t, db, "other-topic@example.com")
		set(t, s, db, other, models.MethodPortal, Change{Choice: Marketing("offers", models.ChannelEmail), Status: models.ConsentGranted},
			Change{Choice: Marketing("newsletter", models.ChannelSMS), Status: models.ConsentGranted})
		newUser(t, db, "never@example.com")
		// A signed-out opt-out subject has no address: never in.
		db.Transaction(func(tx *gorm.DB) error {
			sub, err := s.SubjectOfEmail(tx, "stranger@example.com")
			if err == nil {
				_, err = s.Apply(tx, sub, []Change{{Choice: SaleShare, Status: models.ConsentWithdrawn}}, Evidence{Method: models.MethodPublic})
			}
			return err
		})

		want := []string{"ok@example.com", "noprofiling@example.com", "adult@example.com", "sixteen-today@example.com", "lifted@example.com",
			"orders-restricted@example.com"}
		if got := audienceEmails(t, s, "newsletter", models.ChannelEmail, AudienceOptions{}); !slices.Equal(got, want) {
			t.Errorf("audience %q\nwant     %q", got, want)
		}
		if got := audienceEmails(t, s, "offers", models.ChannelEmail, AudienceOptions{}); !slices.Equal(got, []string{"other-topic@example.com"}) {
			t.Errorf("offers audience %q", got)
		}
		if got := audienceEmails(t, s, "newsletter", models.ChannelSMS, AudienceOptions{}); !slices.Equal(got, []string{"other-topic@example.com"}) {
			t.Errorf("newsletter by SMS audience %q", got)
		}

		// A day later the minor is 16: in.
		s.Now = func() time.Time { return testNow.AddDate(0, 0, 1) }
		got := audienceEmails(t, s, "newsletter", models.ChannelEmail, AudienceOptions{})
		if !slices.Contains(got, "minor@example.com") {
			t.Errorf("the customer turned 16 is still out: %q", got)
		}

		// Recipients carry the name, locale and the unsubscribe values.
		var first Recipient
		stop := errors.New("stop")
		err := s.AudienceWith(context.Background(), "newsletter", models.ChannelEmail, AudienceOptions{
			Links: func(subject int64, topic string) (string, string, string) {
				return "https://portal.example/u/" + topic, "<https://portal.example/u/" + topic + ">", "List-Unsubscribe=One-Click"
			}}, func(r Recipient) error {
			if r.Email == "adult@example.com" {
				first = r
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) {
			t.Errorf("fn's error not returned: %v", err)
		}
		if first.Name != "Ada Lovelace" || first.Locale != "fr" || first.SubjectID == 0 ||
			first.UnsubscribeURL != "https://portal.example/u/newsletter" || first.ListUnsubscribe != "<https://portal.example/u/newsletter>" ||
			first.ListUnsubscribePost != "List-Unsubscribe=One-Click" {
			t.Errorf("recipient %+v", first)
		}
	})
}

// TestAudienceSuppression: the suppression hook's condition excludes in
// the same statement (an injected list, until the erasure issue's).
func TestAudienceSuppression(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		for _, e := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			set(t, s, db, newUser(t, db, e), models.MethodPortal, Change{Choice: Marketing("newsletter", models.ChannelEmail), Status: models.ConsentGranted})
		}
		list := []string{"b@example.com", "nobody@example.com"}
		got := audienceEmails(t, s, "newsletter", models.ChannelEmail, AudienceOptions{
			Suppression: func() (string, []any) { return "u.email IN ?", []any{list} },
		})
		if !slices.Equal(got, []string{"a@example.com", "c@example.com"}) {
			t.Errorf("with b suppressed: %q", got)
		}
		if got := audienceEmails(t, s, "newsletter", models.ChannelEmail, AudienceOptions{}); len(got) != 3 {
			t.Errorf("no suppression yet, yet %q", got)
		}
	})
}
