package erasure

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var adminActor = actor.Actor{Kind: actor.Admin, UserID: 1, IP: "192.0.2.1"}

// systemsEnv is an erasure service on a fresh database, its clock, its
// queue (on the same clock) and its settings.
type systemsEnv struct {
	t     *testing.T
	db    *dbtest.DB
	s     *Service
	clock *testClock
	queue *jobs.Queue
	set   *settings.Service
	ctx   context.Context
}

func newSystemsEnv(t *testing.T, db *dbtest.DB, allowPrivate bool) *systemsEnv {
	t.Helper()
	ring, err := vault.OpenKeyRing(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// The wall clock's time: jobs are enqueued due now by the wall clock.
	clk := &testClock{t: time.Now().UTC().Truncate(time.Second)}
	set := settings.New(db.DB, db.Dialect, settings.Options{Now: clk.Now})
	ctx := context.Background()
	if allowPrivate {
		if err := set.Set(ctx, actor.SystemActor(), settings.ErasurePrivateWebhooks.Key(), true); err != nil {
			t.Fatal(err)
		}
	}
	reqs := &requests.Service{DB: db.DB, Dialect: db.Dialect, Settings: set, Secrets: ring, Now: clk.Now}
	s := &Service{DB: db.DB, Dialect: db.Dialect, Settings: set, Secrets: ring, Requests: reqs,
		BaseURL: "https://portal.example", Now: clk.Now}
	q := jobs.New(db.DB, db.Dialect, jobs.Options{Now: clk.Now})
	if err := q.Install(ctx, jobs.Specs(s.systemJobs())); err != nil {
		t.Fatal(err)
	}
	return &systemsEnv{t: t, db: db, s: s, clock: clk, queue: q, set: set, ctx: ctx}
}

func (e *systemsEnv) setPrivate(allow bool) {
	e.t.Helper()
	if err := e.set.Set(e.ctx, actor.SystemActor(), settings.ErasurePrivateWebhooks.Key(), allow); err != nil {
		e.t.Fatal(err)
	}
}

// runDue runs every job due now and returns how many ran.
func (e *systemsEnv) runDue() int {
	e.t.Helper()
	n := 0
	for {
		ran, err := e.queue.RunOnce(e.ctx)
		if err != nil {
			e.t.Fatal(err)
		}
		if !ran {
			return n
		}
		n++
	}
}

func (e *systemsEnv) webhook(name, url string) (models.ConnectedSystem, *Credentials) {
	e.t.Helper()
	sys, creds, err := e.s.CreateSystem(e.ctx, adminActor, SystemInput{Name: name, Kind: models.SystemWebhook, URL: url, Enabled: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return sys, creds
}

func (e *systemsEnv) manual(name string) models.ConnectedSystem {
	e.t.Helper()
	sys, _, err := e.s.CreateSystem(e.ctx, adminActor, SystemInput{Name: name, Kind: models.SystemManual,
		Instructions: "Delete the customer in the print system.", Enabled: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return sys
}

// waitingErasure is a customer whose erasure request is waiting for
// its fulfilment and whose erasure has finished its categories.
func (e *systemsEnv) waitingErasure(email string) (models.User, models.PrivacyRequest, models.Erasure) {
	e.t.Helper()
	now := e.clock.Now()
	u := models.User{Email: email, Role: models.RoleCustomer, Name: "Test Customer"}
	must(e.t, e.db.Create(&u).Error)
	r := models.PrivacyRequest{UserID: &u.ID, Kind: models.RequestErasure, Status: models.StatusWaitingFulfilment,
		Channel: "portal", Jurisdiction: "gdpr", RequesterEmail: email, ReceivedAt: now, FirstDueAt: now.AddDate(0, 1, 0),
		DueAt: now.AddDate(0, 1, 0)}
	must(e.t, e.db.Create(&r).Error)
	er := models.Erasure{RequestID: &r.ID, UserID: &u.ID, Status: models.ErasureWaiting, CoolOffUntil: now, CreatedAt: now}
	must(e.t, e.db.Create(&er).Error)
	return u, r, er
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (e *systemsEnv) task(id int64) models.SystemTask {
	e.t.Helper()
	var t models.SystemTask
	must(e.t, e.db.Take(&t, "id = ?", id).Error)
	return t
}

func (e *systemsEnv) tasksOf(requestID int64) []models.SystemTask {
	e.t.Helper()
	var ts []models.SystemTask
	must(e.t, e.db.Where("request_id = ?", requestID).Order("id").Find(&ts).Error)
	return ts
}

// receiver is a connected system for tests: it verifies each webhook's
// signature with its secret, refuses a timestamp outside the tolerance
// and a message id it has already processed (replays), and answers 500
// to the first Fail deliveries.
type receiver struct {
	t         *testing.T
	secret    string
	now       func() time.Time
	tolerance time.Duration

	mu       sync.Mutex
	Fail     int
	seen     map[string]bool
	Got      []receivedHook
	Refused  []string // why each refused request was refused
	requests int
}

type receivedHook struct {
	ID      string
	Payload TaskPayload
}

func newReceiver(t *testing.T, now func() time.Time) (*receiver, *httptest.Server) {
	rc := &receiver{t: t, now: now, tolerance: 5 * time.Minute, seen: map[string]bool{}}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	return rc, srv
}

func (rc *receiver) refuse(w http.ResponseWriter, code int, why string) {
	rc.Refused = append(rc.Refused, why)
	http.Error(w, why, code)
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests++
	body, _ := io.ReadAll(r.Body)
	id, ts, sigs := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		rc.refuse(w, http.StatusBadRequest, "missing header")
		return
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		rc.refuse(w, http.StatusBadRequest, "bad timestamp")
		return
	}
	if d := rc.now().Sub(time.Unix(sec, 0)); d > rc.tolerance || d < -rc.tolerance {
		rc.refuse(w, http.StatusBadRequest, "timestamp outside tolerance")
		return
	}
	want, err := sign(rc.secret, id, sec, body)
	if err != nil {
		rc.t.Error(err)
	}
	ok := false
	for _, s := range strings.Fields(sigs) {
		ok = ok || hmac.Equal([]byte(s), []byte(want))
	}
	if !ok {
		rc.refuse(w, http.StatusUnauthorized, "bad signature")
		return
	}
	if rc.seen[id] {
		rc.refuse(w, http.StatusConflict, "replayed message id")
		return
	}
	if rc.Fail > 0 {
		rc.Fail--
		http.Error(w, "try later", http.StatusInternalServerError)
		return
	}
	rc.seen[id] = true
	var p TaskPayload
	if err := json.Unmarshal(body, &p); err != nil {
		rc.t.Errorf("receiver: body: %v", err)
	}
	rc.Got = append(rc.Got, receivedHook{ID: id, Payload: p})
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.requests
}
