package consent

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// clock is the injected time of the double opt-in tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func withMailer(t *testing.T, s *Service) *clock {
	t.Helper()
	m, err := mail.New(mail.Config{From: "Photo Lab <privacy@lab.example>", BaseURL: "https://privacy.lab.example", Keys: s.Secrets},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	s.Mailer, s.BaseURL = m, "https://privacy.lab.example"
	c := &clock{t: testNow}
	s.Now = c.now
	return c
}

var confirmLink = regexp.MustCompile(`https://privacy\.lab\.example/confirm/([A-Za-z0-9_.-]+)`)

// optIn starts a double opt-in and returns the subject and the mailed
// confirmation token.
func optIn(t *testing.T, s *Service, db *dbtest.DB, uid int64, topic string) (int64, string) {
	t.Helper()
	var sub int64
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if sub, err = s.SubjectOf(tx, uid); err != nil {
			return err
		}
		return s.RequestConfirmation(tx, sub, "ada@example.com", topic, Evidence{Locale: "fr"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var row models.OutboxMessage
	if err := db.Where("template = ?", "consent_confirm").Order("id DESC").Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	m := confirmLink.FindStringSubmatch(row.TextBody)
	if m == nil {
		t.Fatalf("no confirmation link in %q", row.TextBody)
	}
	return sub, m[1]
}

// TestDoubleOptIn: the opt-in is pending until the link's POST; the mail
// carries both List-Unsubscribe headers; viewing the link changes
// nothing; a second confirmation finds nothing to confirm.
func TestDoubleOptIn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		withMailer(t, s)
		ctx := context.Background()
		sub, tok := optIn(t, s, db, newUser(t, db, "ada@example.com"), "newsletter")
		news := Marketing("newsletter", models.ChannelEmail)
		st, _ := s.States(ctx, sub)
		if st[news].Status != models.ConsentPending || st[news].PendingUntil == nil || !st[news].PendingUntil.Equal(testNow.Add(7*24*time.Hour)) {
			t.Fatalf("state after the opt-in %+v, want pending for 7 days", st[news])
		}
		var row models.OutboxMessage
		db.Where("template = ?", "consent_confirm").Take(&row)
		var h map[string]string
		if err := json.Unmarshal([]byte(row.Headers), &h); err != nil || !strings.HasPrefix(h["List-Unsubscribe"], "<https://privacy.lab.example/u/") ||
			h["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
			t.Errorf("outbox headers %q (%v)", row.Headers, err)
		}
		if row.Subject != "Confirmez votre abonnement : Lettre d’information" {
			t.Errorf("subject %q", row.Subject)
		}
		// A second save of the same choice sends no second mail.
		optIn(t, s, db, newUser(t, db, "bob@example.com"), "newsletter")
		var mails int64
		db.Model(&models.OutboxMessage{}).Count(&mails)
		if err := db.Transaction(func(tx *gorm.DB) error {
			return s.RequestConfirmation(tx, sub, "ada@example.com", "newsletter", Evidence{Locale: "fr"})
		}); err != nil {
			t.Fatal(err)
		}
		var again int64
		db.Model(&models.OutboxMessage{}).Count(&again)
		if again != mails {
			t.Errorf("a repeated opt-in queued %d more mails", again-mails)
		}

		if _, err := s.ViewConfirmation(ctx, tok); err != nil {
			t.Fatalf("view: %v", err)
		}
		if st, _ := s.States(ctx, sub); st[news].Status != models.ConsentPending {
			t.Errorf("viewing the link changed the state to %s", st[news].Status)
		}
		if err := s.Confirm(ctx, s.UnsubscribeToken(sub, "newsletter"), Evidence{}); !errors.Is(err, ErrBadToken) {
			t.Errorf("an unsubscribe token confirmed: %v", err)
		}
		if err := s.Confirm(ctx, tok, Evidence{Locale: "fr"}); err != nil {
			t.Fatal(err)
		}
		evs := events(t, db, sub)
		if len(evs) != 2 || evs[1].Method != models.MethodConfirm || evs[1].Action != models.ConsentGranted {
			t.Errorf("events %+v, want pending then confirm", evs)
		}
		if err := s.Confirm(ctx, tok, Evidence{}); !errors.Is(err, ErrBadToken) {
			t.Errorf("a second confirmation: %v, want ErrBadToken", err)
		}
		var welcome models.OutboxMessage
		if err := db.Where("template = ?", "consent_welcome").Take(&welcome).Error; err != nil ||
			welcome.ToAddress != "ada@example.com" || !strings.Contains(welcome.Headers, "List-Unsubscribe=One-Click") {
			t.Errorf("welcome mail %+v, %v", welcome, err)
		}
		if err := db.Transaction(func(tx *gorm.DB) error {
			return s.RequestConfirmation(tx, sub, "ada@example.com", "newsletter", Evidence{Locale: "fr"})
		}); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.States(ctx, sub); st[news].Status != models.ConsentGranted {
			t.Errorf("opting in again while subscribed made it %s", st[news].Status)
		}
		if err := db.Transaction(func(tx *gorm.DB) error {
			return s.RequestConfirmation(tx, sub, "ada@example.com", "nope", Evidence{Locale: "fr"})
		}); !errors.Is(err, ErrUnknownChoice) {
			t.Errorf("unknown topic: %v", err)
		}
	})
}

// TestDoubleOptInExpires: an opt-in left unconfirmed past the deadline is
// withdrawn by the job (method expiry), and its link confirms nothing
// any more, even before the job has run.
func TestDoubleOptInExpires(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		clk := withMailer(t, s)
		ctx := context.Background()
		sub, tok := optIn(t, s, db, newUser(t, db, "ada@example.com"), "newsletter")
		other, otherTok := optIn(t, s, db, newUser(t, db, "bob@example.com"), "surveys")

		clk.t = testNow.Add(7*24*time.Hour - time.Minute)
		if n, err := s.ExpirePending(ctx); err != nil || n != 0 {
			t.Fatalf("a minute before the deadline: %d expired, %v", n, err)
		}
		if err := s.Confirm(ctx, otherTok, Evidence{}); err != nil {
			t.Fatalf("confirming in time: %v", err)
		}
		clk.t = testNow.Add(7 * 24 * time.Hour)
		if err := s.Confirm(ctx, tok, Evidence{}); !errors.Is(err, ErrBadToken) {
			t.Errorf("confirming at the deadline: %v, want ErrBadToken", err)
		}
		if n, err := s.ExpirePending(ctx); err != nil || n != 1 {
			t.Fatalf("at the deadline: %d expired, %v; want 1", n, err)
		}
		evs := events(t, db, sub)
		if len(evs) != 2 || evs[1].Method != models.MethodExpiry || evs[1].Action != models.ConsentWithdrawn {
			t.Errorf("events %+v, want pending then expiry", evs)
		}
		if n, _ := s.ExpirePending(ctx); n != 0 {
			t.Errorf("a rerun expired %d more", n)
		}
		if st, _ := s.States(ctx, other); st[Marketing("surveys", models.ChannelEmail)].Status != models.ConsentGranted {
			t.Errorf("the confirmed opt-in expired: %+v", st)
		}
		var specs int
		for _, sp := range s.Jobs() {
			if sp.Kind == KindExpirePending && sp.Every == time.Hour {
				specs++
			}
		}
		if specs != 1 {
			t.Error("no hourly expiry job declared")
		}
	})
}
