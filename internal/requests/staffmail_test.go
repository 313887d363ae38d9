package requests

import (
	"context"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// mailStaffTeam is two staff members (English; French in Paris), an admin
// and a customer who must hear nothing.
type mailStaffTeam struct{ en, fr, admin, customer models.User }

func mailTeam(t *testing.T, db *gorm.DB) mailStaffTeam {
	return mailStaffTeam{
		en:       mailUser(t, db, models.RoleStaff, "sam@example.com", "Sam", "en", ""),
		fr:       mailUser(t, db, models.RoleStaff, "lea@example.com", "Léa", "fr", "Europe/Paris"),
		admin:    mailUser(t, db, models.RoleAdmin, "ada@example.com", "Ada", "zh-CN", ""),
		customer: mailUser(t, db, models.RoleCustomer, "cus@example.com", "Cus", "en", ""),
	}
}

// mailVerify files a public request and verifies it, as intake would.
func mailVerify(t *testing.T, s *Service, mutate func(*models.PrivacyRequest)) models.PrivacyRequest {
	t.Helper()
	r := mailRequest(s.now(), nil, "en")
	if mutate != nil {
		mutate(&r)
	}
	err := s.within(context.Background(), func(tx *gorm.DB) error {
		if err := s.move(tx, actor.SystemActor(), &r, step{Action: ActFile}); err != nil {
			return err
		}
		now := s.now()
		r.VerifiedAt = &now
		return s.move(tx, actor.SystemActor(), &r, step{Action: ActVerify, Quiet: true})
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mailsTo is the outbox by recipient, for one template.
func mailsTo(t *testing.T, db *gorm.DB, template string) map[string][]models.OutboxMessage {
	t.Helper()
	out := map[string][]models.OutboxMessage{}
	for _, m := range mailOutbox(t, db) {
		if m.Template == template {
			out[m.ToAddress] = append(out[m.ToAddress], m)
		}
	}
	return out
}

// TestStaffNotifyEach: a verified request reaches every staff member and
// admin in their own language and zone (or only its assignee), names no
// requester, and links to the desk.
func TestStaffNotifyEach(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := mailService(t, db, "")
		team := mailTeam(t, db.DB)
		r := mailVerify(t, s, nil)
		got := mailsTo(t, db.DB, MailStaffNew)
		if len(got) != 3 || len(got[team.customer.Email]) != 0 {
			t.Fatalf("staff mails to %v, want the two staff and the admin", mailKeys(got))
		}
		want := map[string][]string{
			team.en.Email:    {"New privacy request " + Number(r.ID), "A copy of my data", "2 April 2026, 10:00 UTC"},
			team.fr.Email:    {"Nouvelle demande " + Number(r.ID), "Une copie de mes données", "2 avril 2026 à 12:00"},
			team.admin.Email: {"新的隐私请求 " + Number(r.ID), "2026年4月2日"},
		}
		for to, ws := range want {
			m := got[to][0]
			all := m.Subject + "\n" + m.TextBody
			for _, w := range append(ws, "/staff/requests/"+strconv.FormatInt(r.ID, 10)) {
				if !strings.Contains(all, w) {
					t.Errorf("mail to %s lacks %q:\n%s", to, w, all)
				}
			}
			for _, w := range []string{"Zoé", "Martin", "zoe@example.com"} {
				if strings.Contains(all, w) || strings.Contains(m.HTMLBody, w) {
					t.Errorf("staff mail names the requester (%q):\n%s", w, all)
				}
			}
		}
		var row models.PrivacyRequest
		db.Take(&row, r.ID)
		if row.StaffNotifiedAt == nil {
			t.Error("StaffNotifiedAt not set")
		}
		if n, err := s.SendDigest(context.Background()); err != nil || n != 0 {
			t.Errorf("SendDigest in mode each = %d, %v; want 0", n, err)
		}

		db.Exec("DELETE FROM outbox_messages")
		mailVerify(t, s, func(r *models.PrivacyRequest) { r.AssigneeID = &team.fr.ID })
		if got := mailsTo(t, db.DB, MailStaffNew); len(got) != 1 || len(got[team.fr.Email]) != 1 {
			t.Errorf("an assigned request mailed %v, want only its assignee", mailKeys(got))
		}
	})
}

func mailKeys(m map[string][]models.OutboxMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestSendDigest: in digest mode verifying mails no one; the digest lists
// each request once, to each staff member.
func TestSendDigest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, clk := mailService(t, db, "")
		team := mailTeam(t, db.DB)
		mailSetting(t, s, settings.RequestStaffNotify.Key(), "digest")
		ctx := context.Background()
		a, b := mailVerify(t, s, nil), mailVerify(t, s, nil)
		if got := mailsTo(t, db.DB, MailStaffNew); len(got) != 0 {
			t.Fatalf("digest mode mailed each request to %v", mailKeys(got))
		}
		n, err := s.SendDigest(ctx)
		if err != nil || n != 3 {
			t.Fatalf("SendDigest = %d, %v; want 3 mails", n, err)
		}
		got := mailsTo(t, db.DB, MailStaffDigest)
		for _, u := range []models.User{team.en, team.fr, team.admin} {
			if len(got[u.Email]) != 1 {
				t.Fatalf("%s got %d digests", u.Email, len(got[u.Email]))
			}
			body := got[u.Email][0].TextBody
			for _, w := range []string{Number(a.ID), Number(b.ID), "/staff/requests/" + strconv.FormatInt(b.ID, 10)} {
				if !strings.Contains(body, w) {
					t.Errorf("digest to %s lacks %q:\n%s", u.Email, w, body)
				}
			}
		}
		if !strings.Contains(got[team.fr.Email][0].Subject, "Demandes vérifiées") {
			t.Errorf("French digest subject %q", got[team.fr.Email][0].Subject)
		}
		if n, err := s.SendDigest(ctx); err != nil || n != 0 {
			t.Errorf("second SendDigest = %d, %v; want nothing left", n, err)
		}

		db.Exec("DELETE FROM outbox_messages")
		clk.Add(24 * time.Hour)
		c := mailVerify(t, s, nil)
		if n, err := s.SendDigest(ctx); err != nil || n != 3 {
			t.Fatalf("next day's SendDigest = %d, %v", n, err)
		}
		body := mailsTo(t, db.DB, MailStaffDigest)[team.en.Email][0].TextBody
		if !strings.Contains(body, Number(c.ID)) || strings.Contains(body, Number(a.ID)+",") {
			t.Errorf("next digest should list only %s:\n%s", Number(c.ID), body)
		}
	})
}

// TestSendReminders: a request due within the reminder window reminds its
// assignee, or all staff, once; an overdue one warns once; closed and
// paused requests stay quiet. The clock is the service's.
func TestSendReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, clk := mailService(t, db, "")
		team := mailTeam(t, db.DB)
		ctx := context.Background()
		now := clk.Now()
		add := func(status models.RequestStatus, due time.Time, assignee *int64, paused bool) models.PrivacyRequest {
			r := mailRequest(now.AddDate(0, -1, 0), nil, "en")
			r.Status, r.DueAt, r.AssigneeID = status, due, assignee
			if paused {
				r.PausedAt = &now
			}
			if err := db.Create(&r).Error; err != nil {
				t.Fatal(err)
			}
			return r
		}
		soon := add(models.StatusInReview, now.Add(3*24*time.Hour), nil, false)
		later := add(models.StatusInReview, now.Add(10*24*time.Hour), nil, false) // outside the 7 days
		late := add(models.StatusWaitingRequester, now.Add(-26*time.Hour), &team.fr.ID, false)
		add(models.StatusCompleted, now.Add(2*24*time.Hour), nil, false)           // closed
		add(models.StatusAwaitingVerification, now.Add(2*24*time.Hour), nil, true) // clock stopped

		n, err := s.SendReminders(ctx)
		if err != nil || n != 4 {
			t.Fatalf("SendReminders = %d, %v; want 3 reminders and 1 overdue warning", n, err)
		}
		rem, over := mailsTo(t, db.DB, MailStaffReminder), mailsTo(t, db.DB, MailStaffOverdue)
		if len(rem) != 3 || len(rem[team.customer.Email]) != 0 {
			t.Errorf("reminders to %v, want all staff", mailKeys(rem))
		}
		if len(over) != 1 || len(over[team.fr.Email]) != 1 {
			t.Fatalf("overdue warnings to %v, want the assignee", mailKeys(over))
		}
		if m := over[team.fr.Email][0]; !strings.Contains(m.Subject, Number(late.ID)) || !strings.Contains(m.TextBody, "Elle vous est attribuée") {
			t.Errorf("overdue mail:\n%s\n%s", m.Subject, m.TextBody)
		}
		if m := rem[team.en.Email][0]; !strings.Contains(m.TextBody, Number(soon.ID)) || !strings.Contains(m.TextBody, "Nobody is assigned") {
			t.Errorf("reminder:\n%s", m.TextBody)
		}
		var row models.PrivacyRequest
		db.Take(&row, soon.ID)
		if row.ReminderSentAt == nil || !row.ReminderSentAt.Equal(now) || row.OverdueSentAt != nil {
			t.Errorf("soon: reminder %v overdue %v", row.ReminderSentAt, row.OverdueSentAt)
		}

		if n, err := s.SendReminders(ctx); err != nil || n != 0 {
			t.Errorf("second run = %d, %v; want nothing sent twice", n, err)
		}
		// Four days on, the first request is overdue (one warning, to all)
		// and the later one enters the reminder window.
		db.Exec("DELETE FROM outbox_messages")
		clk.Add(4 * 24 * time.Hour)
		if n, err := s.SendReminders(ctx); err != nil || n != 6 {
			t.Errorf("run after the due date = %d, %v; want 3 overdue warnings and 3 reminders", n, err)
		}
		if got := mailsTo(t, db.DB, MailStaffOverdue); len(got) != 3 || !strings.Contains(got[team.en.Email][0].Subject, Number(soon.ID)) {
			t.Errorf("overdue warnings %v", mailKeys(got))
		}
		if got := mailsTo(t, db.DB, MailStaffReminder); len(got) != 3 || !strings.Contains(got[team.en.Email][0].Subject, Number(later.ID)) {
			t.Errorf("reminders %v", mailKeys(got))
		}

		// Extended, the later request is reminded again before its new date.
		db.Exec("DELETE FROM outbox_messages")
		clk.Add(time.Hour)
		ext := clk.Now()
		db.Model(&models.PrivacyRequest{}).Where("id = ?", later.ID).Updates(map[string]any{"extended_at": ext, "due_at": ext.Add(30 * 24 * time.Hour)})
		if n, err := s.SendReminders(ctx); err != nil || n != 0 {
			t.Errorf("run after the extension = %d, %v; the new date is far", n, err)
		}
		clk.Add(25 * 24 * time.Hour)
		if n, err := s.SendReminders(ctx); err != nil || n != 3 {
			t.Errorf("run before the new date = %d, %v; want 3 reminders", n, err)
		}
	})
}

// TestRequestMailOverSMTP: a request's receipt leaves the outbox through
// the delivery job and a real SMTP conversation.
func TestRequestMailOverSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		server := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
		if err := server.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { server.Stop() })
		s, _ := mailService(t, db, "smtp://127.0.0.1:"+strconv.Itoa(server.PortNumber()))
		// The queue's clock runs ahead of the jobs enqueued at the wall
		// clock, so they are due.
		q := jobs.New(db.DB, db.Dialect, jobs.Options{InstanceID: "test", Logger: mailQuietLogger(),
			Now: func() time.Time { return time.Now().Add(time.Hour) }})
		if err := q.Install(context.Background(), s.Mailer.Jobs(db.DB)); err != nil {
			t.Fatal(err)
		}
		r := mailRequest(s.now(), nil, "en")
		if err := s.within(context.Background(), func(tx *gorm.DB) error {
			return s.move(tx, actor.SystemActor(), &r, step{Action: ActFile})
		}); err != nil {
			t.Fatal(err)
		}
		ran, err := q.RunOnce(context.Background())
		if err != nil || !ran {
			t.Fatalf("RunOnce = %v, %v", ran, err)
		}
		// Waits for the server to file the message; not a timing assertion.
		if _, err := server.WaitForMessages(1, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		msgs := server.Messages()
		if len(msgs) != 1 {
			t.Fatalf("server received %d messages", len(msgs))
		}
		rcpt := msgs[0].RcpttoRequestResponse()
		if len(rcpt) != 1 || !strings.Contains(rcpt[0][0], "<zoe@example.com>") {
			t.Errorf("RCPT = %q", rcpt)
		}
		parsed, err := mail.ReadMessage(strings.NewReader(msgs[0].MsgRequest()))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := parsed.Header.Get("Subject"), "We have received your privacy request "+Number(r.ID); got != want {
			t.Errorf("Subject = %q, want %q", got, want)
		}
		// Soft line breaks of quoted-printable aside, the link is there.
		raw := strings.ReplaceAll(strings.ReplaceAll(msgs[0].MsgRequest(), "=\r\n", ""), "=3D", "=")
		if !strings.Contains(raw, "https://privacy.example.com/requests/status/"+strconv.FormatInt(r.ID, 10)) {
			t.Errorf("message lacks the status link:\n%s", msgs[0].MsgRequest())
		}
		var row models.OutboxMessage
		db.Take(&row, "template = ?", MailReceived)
		if row.Status != models.OutboxSent {
			t.Errorf("outbox row %s, want sent", row.Status)
		}
	})
}
