package erasure

import (
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
)

// TestRunReportIsMailedThenForgotten: the run mails the report to the
// requester over a real SMTP conversation, in their language, with a
// line per category; once it is delivered, nothing in the database names
// the customer outside the retained invoices, not even the report's own
// outbox row or the erasure.
func TestRunReportIsMailedThenForgotten(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		server := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
		if err := server.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { server.Stop() })
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		m, err := mail.New(mail.Config{SMTPURL: "smtp://127.0.0.1:" + strconv.Itoa(server.PortNumber()), From: "privacy@shop.test",
			BaseURL: "https://portal.example.com"}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		if err := holdings.SeedCategories(t.Context(), db.DB); err != nil {
			t.Fatal(err)
		}
		f := seed(t, db, 2)
		f.s.Mailer = m
		// A correction passed on earlier and never acknowledged names the
		// customer in its payload; the erasure supersedes it. (The system
		// is now off, so the erasure makes no task of its own.)
		sys := models.ConnectedSystem{Name: "Print system", Kind: models.SystemManual}
		create(t, db, &sys)
		// A false bool is left to the column's default on create.
		if err := db.Model(&sys).Update("enabled", false).Error; err != nil {
			t.Fatal(err)
		}
		old := models.SystemTask{SystemID: sys.ID, Event: models.EventRectification, Status: models.TaskPending, MessageID: "msg_old",
			Payload: `{"type":"privacy.rectification","data":{"customer":{"email":"` + pEmail + `"}}}`, CreatedAt: testNow}
		create(t, db, &old)
		if err := f.s.Run(t.Context(), f.erasureID); err != nil {
			t.Fatal(err)
		}
		e := f.erasure(t)
		if e.ReportMailID == nil || e.ReportEmail != "" {
			t.Fatalf("after the run the erasure keeps %q, mail %v", e.ReportEmail, e.ReportMailID)
		}
		var row models.OutboxMessage
		if err := db.Take(&row, *e.ReportMailID).Error; err != nil {
			t.Fatal(err)
		}
		if row.ToAddress != pEmail || !row.Forget || row.Template != MailReport {
			t.Fatalf("queued report: %+v", row)
		}

		q := jobs.New(db.DB, db.Dialect, jobs.Options{Logger: quiet})
		if err := q.Install(t.Context(), m.Jobs(db.DB)); err != nil {
			t.Fatal(err)
		}
		for range 20 {
			ran, err := q.RunOnce(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				break
			}
		}
		msgs, err := server.WaitForMessages(1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		got := msgs[0]
		if rcpt := got.RcpttoRequestResponse(); len(rcpt) != 1 || !strings.Contains(rcpt[0][0], "<"+pEmail+">") {
			t.Errorf("the report went to %q", rcpt)
		}
		body := got.MsgRequest()
		for _, want := range []string{"Your data has been erased", "items removed", "kept until"} {
			if !strings.Contains(body, want) {
				t.Errorf("the report lacks %q", want)
			}
		}
		db.Take(&old, old.ID)
		if old.Status != models.TaskDone || old.Payload != "" {
			t.Errorf("the earlier task after the erasure: %s %q", old.Status, old.Payload)
		}
		for col, n := range piiHits(t, db, needles) {
			if !strings.HasPrefix(col, "retained_invoices.") {
				t.Errorf("after the report's delivery %q is still in %s", n, col)
			}
		}
	})
}
