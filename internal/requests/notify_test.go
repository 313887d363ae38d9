package requests

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The helpers of the mail tests carry a "mail" prefix: other files of this
// package's tests have fixtures of their own.

// mailClock is a settable test clock.
type mailClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *mailClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *mailClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func mailQuietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// mailService is a Service over db with a mailer that holds its mail in
// the outbox (or sends it to smtpURL), real settings and a test clock.
func mailService(t *testing.T, db *dbtest.DB, smtpURL string) (*Service, *mailClock) {
	t.Helper()
	keys, err := vault.OpenKeyRing(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.New(mail.Config{SMTPURL: smtpURL, From: "Privacy Portal <privacy@localhost>",
		BaseURL: "https://privacy.example.com", Keys: keys}, mailQuietLogger())
	if err != nil {
		t.Fatal(err)
	}
	clk := &mailClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	s := &Service{DB: db.DB, Dialect: db.Dialect, Mailer: m, Settings: settings.New(db.DB, db.Dialect, settings.Options{Logger: mailQuietLogger()}),
		Secrets: keys, BaseURL: "https://privacy.example.com", Now: clk.Now, Logger: mailQuietLogger()}
	return s, clk
}

// mailUser adds an account.
func mailUser(t *testing.T, db *gorm.DB, role models.Role, email, name, locale, zone string) models.User {
	t.Helper()
	u := models.User{Email: email, Role: role, Name: name, Locale: locale, TimeZone: zone}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

// mailRequest is a request as intake would file it, not yet written.
func mailRequest(now time.Time, userID *int64, locale string) models.PrivacyRequest {
	ch := models.ChannelPublic
	if userID != nil {
		ch = models.ChannelPortal
	}
	due := now.AddDate(0, 1, 0)
	return models.PrivacyRequest{UserID: userID, Kind: models.RequestAccess, Channel: ch, Jurisdiction: models.JurisdictionGDPR,
		RequesterEmail: "zoe@example.com", RequesterName: "Zoé Martin", Locale: locale, ReceivedAt: now, FirstDueAt: due, DueAt: due}
}

// mailOutbox is every mail queued, oldest first.
func mailOutbox(t *testing.T, db *gorm.DB) []models.OutboxMessage {
	t.Helper()
	var rows []models.OutboxMessage
	if err := db.Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

func mailSetting(t *testing.T, s *Service, key string, v any) {
	t.Helper()
	if err := s.Settings.Set(context.Background(), actor.SystemActor(), key, v); err != nil {
		t.Fatal(err)
	}
}

// TestNotifyPicksTheMail: each step reaches the requester with the mail
// that explains it, in their language, with the request's number, kind,
// status, dates and link, and the reason the law asks for.
func TestNotifyPicksTheMail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, clk := mailService(t, db, "")
		staff := mailUser(t, db.DB, models.RoleStaff, "sam@example.com", "Sam", "en", "")
		customer := mailUser(t, db.DB, models.RoleCustomer, "zoe@example.com", "Zoé Martin", "fr", "")
		byStaff := actor.Actor{Kind: actor.Staff, UserID: staff.ID}
		sys := actor.SystemActor()
		ctx := context.Background()

		cases := []struct {
			name     string
			customer bool   // filed from the portal (else the public form)
			locale   string // the requester's
			from     models.RequestStatus
			a        actor.Actor
			action   Action
			change   func(r *models.PrivacyRequest) // before the step
			note     string
			quiet    bool
			template string
			want     []string
			not      []string
		}{
			{name: "public filing: receipt, confirm the address", locale: "en", a: sys, action: ActFile,
				template: MailReceived, want: []string{"Subject:We have received your privacy request #", "A copy of my data",
					"Awaiting verification", "2 March 2026", "2 April 2026", "separate mail", "/requests/status/", "asks for a code"}},
			{name: "portal filing: receipt, nothing to confirm", customer: true, locale: "fr", a: sys, action: ActFile,
				template: MailReceived, want: []string{"Subject:Nous avons bien reçu votre demande #", "Une copie de mes données", "2 avril 2026",
					"/account/requests/"}, not: []string{"e-mail séparé", "demande un code"}},
			{name: "verified", locale: "en", from: models.StatusAwaitingVerification, a: sys, action: ActVerify,
				template: MailUpdate, want: []string{"In review", "confirmed that the request is yours", "We will answer by 2 April 2026"}},
			{name: "question", locale: "en", from: models.StatusInReview, a: byStaff, action: ActAsk, note: "Which delivery address is wrong?",
				template: MailQuestion, want: []string{"Which delivery address is wrong?", "Please answer on your request"}},
			{name: "extension: new date and reason", locale: "en", from: models.StatusInReview, a: byStaff, action: ActExtend,
				change: func(r *models.PrivacyRequest) {
					r.DueAt = r.FirstDueAt.AddDate(0, 2, 0)
					r.ExtensionReason = "Twelve years of orders"
				},
				note: "Twelve years of orders", template: MailExtended, want: []string{"2 June 2026", "2 April 2026", "Twelve years of orders"}},
			{name: "denial: reason, text and rights", locale: "zh-CN", from: models.StatusInReview, a: byStaff, action: ActDeny,
				change: func(r *models.PrivacyRequest) { r.DenyCode = "excessive"; r.DenyText = "第三次相同请求" }, note: "第三次相同请求",
				template: MailDenied, want: []string{"请求明显过度或重复", "第三次相同请求", "数据保护监管机构", "司法救济"}},
			{name: "identity rejected: the reason it implies", locale: "en", from: models.StatusAwaitingVerification, a: byStaff, action: ActRejectIdentity,
				template: MailDenied, want: []string{"We could not verify your identity", "lodge a complaint"}},
			{name: "expired: closed, with the rights", locale: "en", from: models.StatusAwaitingVerification, a: sys, action: ActExpire,
				template: MailExpired, want: []string{"not completed in time", "/requests/new", "judicial remedy"}},
			{name: "completed", customer: true, locale: "en", from: models.StatusApproved, a: byStaff, action: ActComplete,
				note: "Your copy is on the page", template: MailCompleted, want: []string{"Completed", "Your copy is on the page", "2 March 2026"}},
			{name: "duplicate names the other request", locale: "en", from: models.StatusInReview, a: byStaff, action: ActMarkDuplicate,
				change:   func(r *models.PrivacyRequest) { id := r.ID - 1; r.DuplicateOfID = &id },
				template: MailUpdate, want: []string{"Duplicate", "is the same as your request #"}, not: []string{"We will answer by"}},
			{name: "a quiet step mails nobody", locale: "en", from: models.StatusInReview, a: byStaff, action: ActAssign, quiet: true},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				db.Exec("DELETE FROM outbox_messages")
				r := mailRequest(clk.Now(), nil, c.locale)
				if c.customer {
					r = mailRequest(clk.Now(), &customer.ID, c.locale)
				}
				err := s.within(ctx, func(tx *gorm.DB) error {
					if c.action != ActFile {
						r.Status = c.from
						if err := tx.Create(&r).Error; err != nil {
							return err
						}
						// The internal note is there to be left out.
						if err := tx.Create(&models.RequestNote{RequestID: r.ID, At: clk.Now(), AuthorID: staff.ID, Body: "INTERNAL: looks like fraud"}).Error; err != nil {
							return err
						}
					}
					if c.change != nil {
						c.change(&r)
					}
					return s.move(tx, c.a, &r, step{Action: c.action, Note: c.note, Quiet: c.quiet})
				})
				if err != nil {
					t.Fatal(err)
				}
				var rows []models.OutboxMessage
				for _, m := range mailOutbox(t, db.DB) {
					if m.ToAddress == "zoe@example.com" { // staff hear of a verified request too
						rows = append(rows, m)
					}
				}
				if c.quiet {
					if len(rows) != 0 {
						t.Fatalf("%d mails for a quiet step", len(rows))
					}
					return
				}
				if len(rows) != 1 {
					t.Fatalf("%d mails, want 1", len(rows))
				}
				m := rows[0]
				if m.Template != c.template || m.ToAddress != "zoe@example.com" {
					t.Errorf("mail %s to %s, want %s to the requester", m.Template, m.ToAddress, c.template)
				}
				all := "Subject:" + m.Subject + "\n" + m.TextBody
				for _, w := range append([]string{Number(r.ID)}, c.want...) {
					if !strings.Contains(all, w) {
						t.Errorf("mail lacks %q:\n%s", w, all)
					}
				}
				for _, w := range append([]string{"INTERNAL", "looks like fraud"}, c.not...) {
					if strings.Contains(all, w) || strings.Contains(m.HTMLBody, w) {
						t.Errorf("mail shows %q:\n%s", w, all)
					}
				}
			})
		}
	})
}

// TestDenialNamesTheAuthority: with the authority set, the refusal names
// and links it.
func TestDenialNamesTheAuthority(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, clk := mailService(t, db, "")
		staff := mailUser(t, db.DB, models.RoleStaff, "sam@example.com", "Sam", "en", "")
		mailSetting(t, s, settings.RequestAuthorityName.Key(), "CNIL")
		mailSetting(t, s, settings.RequestAuthorityURL.Key(), "https://www.cnil.fr")
		r := mailRequest(clk.Now(), nil, "fr")
		r.Status = models.StatusInReview
		err := s.within(context.Background(), func(tx *gorm.DB) error {
			if err := tx.Create(&r).Error; err != nil {
				return err
			}
			r.DenyCode = "legal_obligation"
			return s.move(tx, actor.Actor{Kind: actor.Staff, UserID: staff.ID}, &r, step{Action: ActDeny, Note: "Factures conservées 10 ans"})
		})
		if err != nil {
			t.Fatal(err)
		}
		rows := mailOutbox(t, db.DB)
		if len(rows) != 1 {
			t.Fatalf("%d mails", len(rows))
		}
		for _, w := range []string{"Une obligation légale", "Factures conservées 10 ans", "l’autorité de contrôle, CNIL", "https://www.cnil.fr"} {
			if !strings.Contains(rows[0].TextBody, w) {
				t.Errorf("text lacks %q:\n%s", w, rows[0].TextBody)
			}
		}
		if !strings.Contains(rows[0].HTMLBody, `href="https://www.cnil.fr"`) {
			t.Errorf("the authority is not linked:\n%s", rows[0].HTMLBody)
		}
	})
}

// TestNotifyMessageHidesTheMessage: the requester learns there is a
// message, and reads it behind the sign-in or the code.
func TestNotifyMessageHidesTheMessage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, clk := mailService(t, db, "")
		r := mailRequest(clk.Now(), nil, "en")
		r.Status = models.StatusInReview
		err := s.within(context.Background(), func(tx *gorm.DB) error {
			if err := tx.Create(&r).Error; err != nil {
				return err
			}
			if err := tx.Create(&models.RequestMessage{RequestID: r.ID, At: clk.Now(), AuthorKind: "staff", Body: "Your order 1234 ships to 12 rue X"}).Error; err != nil {
				return err
			}
			return s.notifyMessage(tx, &r)
		})
		if err != nil {
			t.Fatal(err)
		}
		rows := mailOutbox(t, db.DB)
		if len(rows) != 1 || rows[0].Template != MailMessage {
			t.Fatalf("mails = %+v", rows)
		}
		if strings.Contains(rows[0].TextBody, "rue X") || strings.Contains(rows[0].HTMLBody, "rue X") {
			t.Errorf("the mail copies the message:\n%s", rows[0].TextBody)
		}
		for _, w := range []string{Number(r.ID), "In review", "/requests/status/", "new message"} {
			if !strings.Contains(rows[0].Subject+rows[0].TextBody, w) {
				t.Errorf("mail lacks %q:\n%s", w, rows[0].TextBody)
			}
		}
	})
}
