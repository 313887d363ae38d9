package consent

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TestSignedOutOptOutFollowsTheAddress: an address that opted out of
// sale before it had an account keeps that choice once the account
// exists: the account's subject is the same pseudonym.
func TestSignedOutOptOutFollowsTheAddress(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s := newTestService(t, db)
		if err := s.OptOutPublic(ctx, "Grace@Example.com", Evidence{Method: models.MethodPublic}); err != nil {
			t.Fatal(err)
		}
		uid := newUser(t, db, "grace@example.com")
		var sub int64
		if err := db.Transaction(func(tx *gorm.DB) error {
			var err error
			sub, err = s.SubjectOf(tx, uid)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		st, err := s.States(ctx, sub)
		if err != nil || st[SaleShare].Status != models.ConsentWithdrawn {
			t.Errorf("the account's sale choice: %+v, %v; want the opt-out made before it existed", st, err)
		}
		var n int64
		db.Model(&models.ConsentSubject{}).Count(&n)
		if n != 1 {
			t.Errorf("%d subjects for one address, want 1", n)
		}
	})
}

// TestLedgerRefusesTruncate: on PostgreSQL, TRUNCATE (which fires no row
// trigger) is refused as well.
func TestLedgerRefusesTruncate(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		if db.Dialect != models.Postgres {
			t.Skip("SQLite has no TRUNCATE: DELETE is refused by the row trigger")
		}
		if err := db.Exec("TRUNCATE consent_events CASCADE").Error; err == nil {
			t.Error("TRUNCATE of the ledger succeeded")
		}
	})
}

func TestMailtoAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"unsubscribe@shop.example":             "unsubscribe@shop.example",
		" unsubscribe@shop.example ":           "unsubscribe@shop.example",
		"a@b>, <https://evil.example":          "",
		"Shop <unsubscribe@shop.example>":      "",
		"unsubscribe@shop.example?cc=x@y.test": "",
		"":                                     "",
	} {
		if got := mailtoAddress(in); got != want {
			t.Errorf("mailtoAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAudienceLinksOnlyByEmail: SMS and post recipients get no email
// unsubscribe link (the token stops the email channel only).
func TestAudienceLinksOnlyByEmail(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s := newTestService(t, db)
		uid := newUser(t, db, "sms@example.com")
		if err := db.Transaction(func(tx *gorm.DB) error {
			sub, err := s.SubjectOf(tx, uid)
			if err == nil {
				_, err = s.Apply(tx, sub, []Change{{Choice: Marketing("offers", models.ChannelSMS), Status: models.ConsentGranted},
					{Choice: Marketing("offers", models.ChannelEmail), Status: models.ConsentGranted}}, Evidence{Method: models.MethodPortal})
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var sms, email []Recipient
		if err := s.Audience(ctx, "offers", models.ChannelSMS, func(r Recipient) error { sms = append(sms, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := s.Audience(ctx, "offers", models.ChannelEmail, func(r Recipient) error { email = append(email, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(sms) != 1 || sms[0].UnsubscribeURL != "" || sms[0].ListUnsubscribe != "" {
			t.Errorf("SMS audience %+v: want one recipient without email links", sms)
		}
		if len(email) != 1 || !strings.Contains(email[0].UnsubscribeURL, "/u/") {
			t.Errorf("email audience %+v: want the one-click link", email)
		}
	})
}

// TestConfirmHoldsTheRules: a restriction placed while the confirmation
// mail waited keeps the opt-in from becoming a consent.
func TestConfirmHoldsTheRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		withMailer(t, s)
		uid := newUser(t, db, "ada@example.com")
		sub, tok := optIn(t, s, db, uid, "newsletter")
		if err := db.Create(&models.Restriction{UserID: uid, Category: "", Ground: "request", PlacedAt: testNow}).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.Confirm(context.Background(), tok, Evidence{}); !errors.Is(err, ErrConfirmBlocked) {
			t.Errorf("confirming while restricted: %v, want ErrConfirmBlocked", err)
		}
		st, _ := s.States(context.Background(), sub)
		if got := st[Marketing("newsletter", models.ChannelEmail)].Status; got != models.ConsentPending {
			t.Errorf("after the refused confirmation: %q, want still pending (it expires)", got)
		}
	})
}
