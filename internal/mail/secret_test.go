package mail

import (
	"context"
	"io/fs"
	"strconv"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

const testCode = "482913"

func queueCode(t *testing.T, db *dbtest.DB, m *Mailer) int64 {
	t.Helper()
	id, err := m.Queue(db.DB, Message{To: recipient, Template: "email_code", Locale: "en",
		Data: map[string]any{CodeKey: testCode, "Minutes": 15}})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// rawRow reads the outbox row as a database backup holds it.
func rawRow(t *testing.T, db *dbtest.DB, id int64) models.OutboxMessage {
	t.Helper()
	var row models.OutboxMessage
	if err := db.Take(&row, "id = ?", id).Error; err != nil {
		t.Fatal(err)
	}
	return row
}

func assertMasked(t *testing.T, what string, row models.OutboxMessage) {
	t.Helper()
	for part, body := range map[string]string{"subject": row.Subject, "text": row.TextBody, "html": row.HTMLBody} {
		if strings.Contains(body, testCode) {
			t.Errorf("%s: the %s holds the code", what, part)
		}
	}
	if !strings.Contains(row.TextBody, CodeMask) || !strings.Contains(row.HTMLBody, CodeMask) {
		t.Errorf("%s: the bodies lack the mask", what)
	}
}

// TestDeliveredCodeIsMasked: the outbox never holds a code in clear, the
// recipient still gets the real one, and once delivered the sealed code is
// gone too.
func TestDeliveredCodeIsMasked(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		server := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
		if err := server.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { server.Stop() })
		m := newMailer(t, "smtp://127.0.0.1:"+strconv.Itoa(server.PortNumber()))
		q, _ := newQueue(db, m)
		id := queueCode(t, db, m)

		queued := rawRow(t, db, id)
		assertMasked(t, "queued", queued)
		if queued.SealedCode == "" || strings.Contains(queued.SealedCode, testCode) {
			t.Fatalf("sealed code %q: want the code sealed", queued.SealedCode)
		}

		if !runOnce(t, q) {
			t.Fatal("the delivery job did not run")
		}
		// Waits for the server to file the message; not a timing assertion.
		msgs, err := server.WaitForMessages(1, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if sent := msgs[0].MsgRequest(); !strings.Contains(sent, testCode) || strings.Contains(sent, CodeMask) {
			t.Errorf("the recipient did not get the real code:\n%s", sent)
		}
		delivered := rawRow(t, db, id)
		if delivered.Status != models.OutboxSent {
			t.Fatalf("status %s, want sent", delivered.Status)
		}
		assertMasked(t, "delivered", delivered)
		if delivered.SealedCode != "" {
			t.Errorf("sealed code kept after delivery: %q", delivered.SealedCode)
		}
		if shown, err := m.Readable(context.Background(), db.DB, delivered); err != nil || strings.Contains(shown.TextBody, testCode) {
			t.Errorf("a delivered code is readable: %v", err)
		}
	})
}

// TestOutboxShowsCodesOnlyOnADemoWithoutSMTP: an undelivered code is
// masked for admins on a production installation, with or without SMTP,
// and shown only on a demo installation without SMTP.
func TestOutboxShowsCodesOnlyOnADemoWithoutSMTP(t *testing.T) {
	cases := []struct {
		name     string
		demo     bool
		smtp     string
		wantCode bool
	}{
		{"production without SMTP", false, "", false},
		{"production with SMTP", false, "smtp://127.0.0.1:1", false},
		{"demo with SMTP", true, "smtp://127.0.0.1:1", false},
		{"demo without SMTP", true, "", true},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				db.Exec("DELETE FROM installations")
				if c.demo {
					if err := models.MarkDemo(ctx, db.DB); err != nil {
						t.Fatal(err)
					}
				}
				m := newMailer(t, c.smtp)
				row, err := Get(ctx, db.DB, queueCode(t, db, m))
				if err != nil {
					t.Fatal(err)
				}
				assertMasked(t, "stored", row)
				shown, err := m.Readable(ctx, db.DB, row)
				if err != nil {
					t.Fatal(err)
				}
				if got := strings.Contains(shown.TextBody, testCode) && strings.Contains(shown.HTMLBody, testCode); got != c.wantCode {
					t.Errorf("code shown = %v, want %v", got, c.wantCode)
				}
				if !c.wantCode {
					assertMasked(t, "shown", shown)
				}
			})
		}
	})
}

// TestCodeMailNeedsKeys: without a key ring a code is refused rather than
// stored in clear.
func TestCodeMailNeedsKeys(t *testing.T) {
	db := dbtest.SQLite(t)
	m, err := New(Config{From: "p@localhost", BaseURL: "http://localhost"}, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Queue(db.DB, Message{To: recipient, Template: "email_code", Data: map[string]any{CodeKey: testCode}}); err == nil {
		t.Fatal("a code mail was queued without a key ring")
	}
	if n := count(t, db, &models.OutboxMessage{}); n != 0 {
		t.Fatalf("%d outbox rows written", n)
	}
}

// TestTemplatesNeverContainTheMask: delivery replaces every mask with the
// code, so a template must not hold one of its own.
func TestTemplatesNeverContainTheMask(t *testing.T) {
	t.Parallel()
	n := 0
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		n++
		if strings.Contains(string(raw), CodeMask) {
			t.Errorf("%s contains the code mask", path)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walked %d templates: %v", n, err)
	}
}
