package erasure

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The Standard Webhooks specification's published test vector (the
// reference libraries' TestWebhookSign).
func TestSignatureVector(t *testing.T) {
	t.Parallel()
	got, err := sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
		[]byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("sign = %s, want %s", got, want)
	}
	// Any change to the id, the time or the body changes the signature.
	for _, c := range []struct {
		id   string
		ts   int64
		body string
	}{{"msg_p5jXN8AQM9LWM0D4loKWxJel", 1614265330, `{"test": 2432232314}`},
		{"msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331, `{"test": 2432232314}`},
		{"msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, `{"test": 2432232315}`}} {
		if other, _ := sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", c.id, c.ts, []byte(c.body)); other == got {
			t.Errorf("signature unchanged for %+v", c)
		}
	}
	if _, err := sign("whsec_not base64!", "msg", 1, nil); err == nil {
		t.Error("a malformed secret signed")
	}
	secret, err := newSigningSecret()
	if err != nil {
		t.Fatal(err)
	}
	if key, err := signingKey(secret); err != nil || len(key) != secretBytes || !strings.HasPrefix(secret, "whsec_") {
		t.Errorf("new secret %q: key %d bytes, %v", secret, len(key), err)
	}
}

// The receiver of these tests really refuses what it should: a replayed
// message id, a stale timestamp, a wrong signature.
func TestReceiverRefusesReplays(t *testing.T) {
	t.Parallel()
	now := time.Now()
	rc, srv := newReceiver(t, func() time.Time { return now })
	rc.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	post := func(id string, ts time.Time, body string, secret string) int {
		sig, _ := sign(secret, id, ts.Unix(), []byte(body))
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		req.Header.Set("webhook-id", id)
		req.Header.Set("webhook-timestamp", itoa(ts.Unix()))
		req.Header.Set("webhook-signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	body := `{"type":"privacy.erasure"}`
	if c := post("msg_1", now, body, rc.secret); c != http.StatusNoContent {
		t.Fatalf("first delivery: %d", c)
	}
	if c := post("msg_1", now, body, rc.secret); c != http.StatusConflict {
		t.Errorf("replay: %d, want 409", c)
	}
	if c := post("msg_2", now.Add(-6*time.Minute), body, rc.secret); c != http.StatusBadRequest {
		t.Errorf("stale timestamp: %d, want 400", c)
	}
	if c := post("msg_3", now, body, "whsec_"+strings.Repeat("A", 44)); c != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", c)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A receiver failing twice gets the webhook on the third attempt, each
// attempt after the queue's backoff and logged; the task then waits for
// the acknowledgement, which completes the erasure and its request.
func TestDeliveryRetriesThenAck(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newSystemsEnv(t, db, true)
		rc, srv := newReceiver(t, e.clock.Now)
		sys, creds := e.webhook("Web shop", srv.URL+"/hooks/privacy")
		rc.secret = creds.Secret
		rc.Fail = 2
		u, r, er := e.waitingErasure("ada@example.test")
		must(t, db.Transaction(func(tx *gorm.DB) error {
			return e.s.Dispatch(tx, models.EventErasure, &r.ID, &er.ID, Subject{UserID: u.ID, Email: u.Email})
		}))
		ts := e.tasksOf(r.ID)
		if len(ts) != 1 || ts[0].SystemID != sys.ID || !strings.HasPrefix(ts[0].MessageID, "msg_") {
			t.Fatalf("tasks = %+v", ts)
		}
		id := ts[0].ID
		if n := e.runDue(); n != 1 {
			t.Fatalf("first round ran %d jobs", n)
		}
		// The retry waits for its backoff: nothing is due at the same instant.
		if n := e.runDue(); n != 0 {
			t.Fatalf("retry ran before its backoff (%d)", n)
		}
		for range 2 {
			e.clock.Advance(time.Hour)
			e.runDue()
		}
		got := e.task(id)
		if got.Attempts != 3 || got.Status != models.TaskPending || got.LastError != "" {
			t.Fatalf("after delivery: attempts %d status %s error %q", got.Attempts, got.Status, got.LastError)
		}
		var logs []models.WebhookDelivery
		must(t, db.Where("task_id = ?", id).Order("attempt").Find(&logs).Error)
		if len(logs) != 3 || logs[0].StatusCode != 500 || logs[1].StatusCode != 500 || logs[2].StatusCode != 204 {
			t.Fatalf("delivery log = %+v", logs)
		}
		if len(rc.Got) != 1 || rc.Got[0].ID != got.MessageID {
			t.Fatalf("receiver got %+v", rc.Got)
		}
		p := rc.Got[0].Payload
		if p.Type != "privacy.erasure" || p.Data.TaskID != id || p.Data.Customer.Email != u.Email ||
			p.Data.Customer.ID != u.ID || p.Data.Request != "#"+itoa(r.ID) || !strings.HasSuffix(p.Data.AckURL, "/api/v1/tasks/"+itoa(id)+"/ack") {
			t.Errorf("payload = %+v", p)
		}
		// Delivered is not done: the erasure waits for the acknowledgement.
		var cur models.Erasure
		must(t, db.Take(&cur, "id = ?", er.ID).Error)
		if cur.Status != models.ErasureWaiting {
			t.Fatalf("erasure %s before the acknowledgement", cur.Status)
		}
		// Delivered but not acknowledged: the same message again after
		// the backoff (the receiver refuses the replay of an id it has).
		e.clock.Advance(time.Hour)
		if n := e.runDue(); n != 1 {
			t.Fatalf("no new delivery of an unacknowledged task (%d jobs)", n)
		}
		if got = e.task(id); got.Attempts != 4 || got.Status != models.TaskPending {
			t.Fatalf("after a second delivery: attempts %d status %s", got.Attempts, got.Status)
		}
		if _, err := e.s.Acknowledge(e.ctx, creds.Token, id); err != nil {
			t.Fatal(err)
		}
		got = e.task(id)
		if got.Status != models.TaskDone || got.Payload != "" || got.DoneByKind != "api" || got.DoneAt == nil {
			t.Errorf("after ack: %+v", got)
		}
		// Acknowledged: the retry that was queued sends nothing more.
		e.clock.Advance(24 * time.Hour)
		e.runDue()
		var sent int64
		must(t, db.Model(&models.WebhookDelivery{}).Where("task_id = ?", id).Count(&sent).Error)
		if sent != 4 {
			t.Errorf("%d deliveries after the acknowledgement, want the 4 before it", sent)
		}
		must(t, db.Take(&cur, "id = ?", er.ID).Error)
		var req models.PrivacyRequest
		must(t, db.Take(&req, "id = ?", r.ID).Error)
		if cur.Status != models.ErasureCompleted || req.Status != models.StatusCompleted {
			t.Errorf("erasure %s, request %s after the last task", cur.Status, req.Status)
		}
	})
}

// A receiver that never answers 2xx exhausts the attempts: the task is
// failed (not swallowed), and staff can retry it.
func TestDeliveryExhaustedFailsTask(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newSystemsEnv(t, db, true)
		rc, srv := newReceiver(t, e.clock.Now)
		_, creds := e.webhook("Mailing tool", srv.URL)
		rc.secret = creds.Secret
		rc.Fail = 1000
		u, r, er := e.waitingErasure("bea@example.test")
		must(t, db.Transaction(func(tx *gorm.DB) error {
			return e.s.Dispatch(tx, models.EventErasure, &r.ID, &er.ID, Subject{UserID: u.ID, Email: u.Email})
		}))
		id := e.tasksOf(r.ID)[0].ID
		for range webhookAttempts + 2 {
			e.runDue()
			e.clock.Advance(2 * time.Hour)
		}
		got := e.task(id)
		if got.Status != models.TaskFailed || got.Attempts != webhookAttempts || !strings.Contains(got.LastError, "500") {
			t.Fatalf("exhausted task: status %s attempts %d error %q", got.Status, got.Attempts, got.LastError)
		}
		if rc.count() != webhookAttempts {
			t.Errorf("receiver saw %d requests, want %d", rc.count(), webhookAttempts)
		}
		staff := adminActor
		if err := e.s.RetryTask(e.ctx, staff, r.ID+1000, id); !fault.Is(err, fault.NotFound) {
			t.Errorf("retry through another request: %v", err)
		}
		rc.mu.Lock()
		rc.Fail = 0
		rc.mu.Unlock()
		must(t, e.s.RetryTask(e.ctx, staff, r.ID, id))
		if err := e.s.RetryTask(e.ctx, staff, r.ID, id); !fault.Is(err, fault.Conflict) {
			t.Errorf("retry of a pending task: %v", err)
		}
		e.runDue()
		if got := e.task(id); got.Status != models.TaskPending || got.Attempts != webhookAttempts+1 || got.LastError != "" {
			t.Errorf("after retry: %+v", got)
		}
	})
}

// With the private-webhooks setting off, the dialer refuses a loopback
// address at connect time, even for a URL saved while it was allowed (or
// a name that resolved elsewhere when saved); an http URL is refused too.
func TestDeliveryRefusesPrivateAddressAtConnect(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newSystemsEnv(t, db, true)
		rc, plain := newReceiver(t, e.clock.Now)
		tlsSrv := httptest.NewTLSServer(rc)
		t.Cleanup(tlsSrv.Close)
		_, creds := e.webhook("Web shop", strings.Replace(tlsSrv.URL, "127.0.0.1", "localhost", 1))
		rc.secret = creds.Secret
		_, _ = e.webhook("Mailing tool", plain.URL)
		u, r, er := e.waitingErasure("cy@example.test")
		must(t, db.Transaction(func(tx *gorm.DB) error {
			return e.s.Dispatch(tx, models.EventErasure, &r.ID, &er.ID, Subject{UserID: u.ID, Email: u.Email})
		}))
		e.setPrivate(false)
		e.runDue()
		ts := e.tasksOf(r.ID)
		if rc.count() != 0 || !strings.Contains(ts[0].LastError, errPrivateAddress.Error()) {
			t.Fatalf("receiver saw %d requests; last error %q", rc.count(), ts[0].LastError)
		}
		if !strings.Contains(ts[1].LastError, "https") {
			t.Errorf("http webhook with the setting off: %q", ts[1].LastError)
		}
		// Allowed again, the dial goes through (the test server's
		// certificate is then what stops the https one).
		e.setPrivate(true)
		e.clock.Advance(time.Hour)
		e.runDue()
		ts = e.tasksOf(r.ID)
		if strings.Contains(ts[0].LastError, errPrivateAddress.Error()) || !strings.Contains(ts[0].LastError, "certificate") {
			t.Errorf("allowed again: %q", ts[0].LastError)
		}
		// (The receiver knows the shop's secret only: it refuses the mailing
		// tool's signature, which proves the request reached it.)
		if rc.count() != 1 || ts[1].LastError != "answered 401" {
			t.Errorf("allowed again: receiver saw %d requests; http error %q", rc.count(), ts[1].LastError)
		}
	})
}

func TestWebhookURLRules(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	strict := newSystemsEnv(t, db, false)
	cases := []struct {
		url          string
		strict, open string // the message id with the setting off / on
	}{
		{"https://93.184.215.14/hooks", "", ""},
		{"http://93.184.215.14/hooks", urlScheme, ""},
		{"ftp://93.184.215.14/hooks", urlScheme, urlScheme},
		{"https://127.0.0.1:8443/hooks", urlPrivate, ""},
		{"https://localhost/hooks", urlPrivate, ""},
		{"https://10.1.2.3/hooks", urlPrivate, ""},
		{"https://192.168.0.10/hooks", urlPrivate, ""},
		{"https://169.254.169.254/latest/meta-data", urlPrivate, ""},
		{"https://[::1]/hooks", urlPrivate, ""},
		{"https://[fe80::1]/hooks", urlPrivate, ""},
		{"https://0.0.0.0/hooks", urlPrivate, ""},
		{"https://[::ffff:127.0.0.1]/hooks", urlPrivate, ""},
		{"https://shop.invalid/hooks", urlUnresolvable, ""},
		{"https://user:pw@93.184.215.14/", urlInvalid, urlInvalid},
		{"not a url", urlInvalid, urlInvalid},
	}
	for _, c := range cases {
		if got := strict.s.checkWebhookURL(strict.ctx, c.url); got != c.strict {
			t.Errorf("strict %s: %q, want %q", c.url, got, c.strict)
		}
	}
	open := newSystemsEnv(t, dbtest.SQLite(t), true)
	for _, c := range cases {
		if got := open.s.checkWebhookURL(open.ctx, c.url); got != c.open {
			t.Errorf("allowed %s: %q, want %q", c.url, got, c.open)
		}
	}
	// Saving goes through the same rule, with the error beside the field.
	_, _, err := strict.s.CreateSystem(strict.ctx, adminActor, SystemInput{Name: "Shop", Kind: models.SystemWebhook,
		URL: "https://127.0.0.1/hooks", Enabled: true})
	if f := fault.FieldsOf(err); f["url"] != urlPrivate {
		t.Errorf("create with a loopback URL: %v", err)
	}
	if err := strict.s.dialControl("tcp", "127.0.0.1:443", nil); !errors.Is(err, errPrivateAddress) {
		t.Errorf("dial 127.0.0.1: %v", err)
	}
	if err := strict.s.dialControl("tcp", "93.184.215.14:443", nil); err != nil {
		t.Errorf("dial a public address: %v", err)
	}
}
