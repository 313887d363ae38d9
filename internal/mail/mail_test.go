package mail

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

const recipient = "alice@example.com"

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newMailer(t *testing.T, smtpURL string) *Mailer {
	t.Helper()
	keys, err := vault.OpenKeyRing(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{SMTPURL: smtpURL, From: "Privacy Portal <privacy@localhost>", BaseURL: "http://localhost:8080/", Keys: keys}, quietLogger())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return m
}

// clock lets a test move the job queue past a retry's backoff.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newQueue(db *dbtest.DB, m *Mailer) (*jobs.Queue, *clock) {
	clk := &clock{t: time.Now().UTC().Add(time.Hour)}
	q := jobs.New(db.DB, db.Dialect, jobs.Options{InstanceID: "test", Now: clk.Now, Logger: quietLogger()})
	if err := q.Install(context.Background(), m.Jobs(db.DB)); err != nil {
		panic(err)
	}
	return q, clk
}

func count(t *testing.T, db *dbtest.DB, model any) int64 {
	t.Helper()
	var n int64
	if err := db.Model(model).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func runOnce(t *testing.T, q *jobs.Queue) bool {
	t.Helper()
	ran, err := q.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return ran
}

func TestQueueWithoutSMTPHoldsMail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		m := newMailer(t, "")
		id, err := m.Queue(db.DB, Message{To: "Alice <" + recipient + ">", Template: "test", Locale: "fr-FR"})
		if err != nil {
			t.Fatal(err)
		}
		row, err := Get(context.Background(), db.DB, id)
		if err != nil {
			t.Fatal(err)
		}
		if row.Status != models.OutboxHeld || row.ToAddress != recipient || row.Locale != "fr" ||
			!strings.Contains(row.TextBody, "Ceci est un message de test") {
			t.Errorf("held row = %+v", row)
		}
		if n := count(t, db, &models.Job{}); n != 0 {
			t.Errorf("%d jobs enqueued without SMTP, want 0", n)
		}
		if _, err := Get(context.Background(), db.DB, id+1000); err != ErrNotFound {
			t.Errorf("Get(unknown) = %v, want ErrNotFound", err)
		}
	})
}

func TestQueueWithSMTPFollowsTransaction(t *testing.T) {
	cases := []struct {
		name   string
		commit bool
		want   int64
	}{
		{"committed", true, 1},
		{"rolled back", false, 0},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		// Nothing listens there; Queue only writes rows.
		m := newMailer(t, "smtp://127.0.0.1:1")
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				db.Exec("DELETE FROM jobs")
				db.Exec("DELETE FROM outbox_messages")
				tx := db.Begin()
				id, err := m.Queue(tx, Message{To: recipient, Template: "test", Locale: "en"})
				if err != nil {
					tx.Rollback()
					t.Fatal(err)
				}
				if c.commit {
					tx.Commit()
				} else {
					tx.Rollback()
				}
				if rows, jobsN := count(t, db, &models.OutboxMessage{}), count(t, db, &models.Job{}); rows != c.want || jobsN != c.want {
					t.Fatalf("%d outbox rows and %d jobs, want %d of each", rows, jobsN, c.want)
				}
				if !c.commit {
					return
				}
				var job models.Job
				db.First(&job)
				var p deliverPayload
				if err := json.Unmarshal([]byte(job.Payload), &p); err != nil || job.Kind != DeliverKind || p.OutboxID != id {
					t.Errorf("job %s %s, want %s for outbox %d", job.Kind, job.Payload, DeliverKind, id)
				}
				if row, _ := Get(context.Background(), db.DB, id); row.Status != models.OutboxPending {
					t.Errorf("row status %s, want pending", row.Status)
				}
			})
		}
	})
}

func TestDeliverOverSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		server := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
		if err := server.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { server.Stop() })
		m := newMailer(t, "smtp://127.0.0.1:"+strconv.Itoa(server.PortNumber()))
		q, _ := newQueue(db, m)

		id, err := m.Queue(db.DB, Message{To: recipient, Template: "test", Locale: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if !runOnce(t, q) {
			t.Fatal("the delivery job did not run")
		}
		// Waits for the server to file the message; not a timing assertion.
		if _, err := server.WaitForMessages(1, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		row, _ := Get(context.Background(), db.DB, id)
		if row.Status != models.OutboxSent || row.SentAt == nil || row.Attempts != 1 || row.LastError != "" {
			t.Errorf("row after delivery = %+v", row)
		}

		// A re-run of the same delivery (e.g. after an expired lease) must
		// not send twice.
		if runOnce(t, q) {
			t.Error("a second RunOnce found work")
		}
		if _, err := jobs.Enqueue(db.DB, DeliverKind, deliverPayload{OutboxID: id}); err != nil {
			t.Fatal(err)
		}
		if !runOnce(t, q) {
			t.Error("the duplicate delivery job did not run")
		}
		msgs := server.Messages()
		if len(msgs) != 1 {
			t.Fatalf("server received %d messages, want 1", len(msgs))
		}
		got := msgs[0]
		rcpt := got.RcpttoRequestResponse()
		if len(rcpt) != 1 || !strings.Contains(rcpt[0][0], "<"+recipient+">") {
			t.Errorf("RCPT = %q, want one to %s", rcpt, recipient)
		}
		if !strings.Contains(got.MsgRequest(), "Subject: Test message from your privacy portal") {
			t.Errorf("message lacks the subject:\n%s", got.MsgRequest())
		}
		if !strings.Contains(got.MsgRequest(), "text/html") || !strings.Contains(got.MsgRequest(), "text/plain") {
			t.Errorf("message is not multipart text+HTML:\n%s", got.MsgRequest())
		}
	})
}

func TestDeliverRetriesWhenServerDown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		// A port that was just free: nothing accepts connections there.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		m := newMailer(t, "smtp://"+addr)
		q, clk := newQueue(db, m)

		id, err := m.Queue(db.DB, Message{To: recipient, Template: "test", Locale: "en"})
		if err != nil {
			t.Fatal(err)
		}
		// Two attempts are enough to see both a retry and the last failure.
		db.Model(&models.Job{}).Where("kind = ?", DeliverKind).Update("max_attempts", 2)
		steps := []struct {
			wantJob models.JobStatus
			wantRow models.OutboxStatus
		}{
			{models.JobQueued, models.OutboxPending},
			{models.JobDead, models.OutboxFailed},
		}
		for i, s := range steps {
			if !runOnce(t, q) {
				t.Fatalf("attempt %d did not run", i+1)
			}
			var job models.Job
			db.Where("kind = ?", DeliverKind).First(&job)
			row, _ := Get(context.Background(), db.DB, id)
			if job.Status != s.wantJob || job.LastError == "" || job.Attempts != i+1 {
				t.Errorf("attempt %d: job %s attempts %d last_error %q", i+1, job.Status, job.Attempts, job.LastError)
			}
			if row.Status != s.wantRow || row.Attempts != i+1 || row.LastError == "" || row.SentAt != nil {
				t.Errorf("attempt %d: row %s attempts %d last_error %q", i+1, row.Status, row.Attempts, row.LastError)
			}
			if strings.Contains(job.LastError+row.LastError, recipient) {
				t.Errorf("attempt %d: error text holds the recipient address", i+1)
			}
			clk.Add(time.Hour)
		}
	})
}

func TestList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		m := newMailer(t, "")
		var ids []int64
		for range 3 {
			id, err := m.Queue(db.DB, Message{To: recipient, Template: "test"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		cases := []struct {
			limit, offset int
			wantIDs       []int64
		}{
			{10, 0, []int64{ids[2], ids[1], ids[0]}},
			{1, 1, []int64{ids[1]}},
			{10, 5, nil},
		}
		for _, c := range cases {
			rows, total, err := List(context.Background(), db.DB, c.limit, c.offset)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range rows {
				got = append(got, r.ID)
			}
			if total != 3 || len(got) != len(c.wantIDs) || (len(got) > 0 && got[0] != c.wantIDs[0]) {
				t.Errorf("List(%d, %d) = %v of %d, want %v of 3", c.limit, c.offset, got, total, c.wantIDs)
			}
		}
	})
}

// A mail marked Forget (an erasure's report) reaches its recipient, then
// its row keeps nothing of them: no address, no bodies.
func TestDeliverForgetsTheRecipient(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		server := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
		if err := server.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { server.Stop() })
		m := newMailer(t, "smtp://127.0.0.1:"+strconv.Itoa(server.PortNumber()))
		q, _ := newQueue(db, m)
		kept, err := m.Queue(db.DB, Message{To: recipient, Template: "test", Locale: "en"})
		if err != nil {
			t.Fatal(err)
		}
		forgot, err := m.Queue(db.DB, Message{To: recipient, Template: "test", Locale: "en", Forget: true})
		if err != nil {
			t.Fatal(err)
		}
		before, _ := Get(context.Background(), db.DB, forgot)
		if before.ToAddress != recipient || before.TextBody == "" {
			t.Fatalf("a queued mail must keep its address until delivered: %+v", before)
		}
		for runOnce(t, q) {
		}
		if _, err := server.WaitForMessages(2, 5*time.Second); err != nil {
			t.Fatal(err)
		}
		row, _ := Get(context.Background(), db.DB, forgot)
		if row.Status != models.OutboxSent || row.ToAddress != "" || row.TextBody != "" || row.HTMLBody != "" {
			t.Errorf("delivered Forget mail kept %+v", row)
		}
		if other, _ := Get(context.Background(), db.DB, kept); other.ToAddress != recipient || other.TextBody == "" {
			t.Errorf("an ordinary mail lost its address: %+v", other)
		}
	})
}
