package requests

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

// intakeClock is a settable clock for the intake tests.
type intakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *intakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *intakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type intakeEnv struct {
	s     *Service
	db    *dbtest.DB
	keys  *vault.KeyRing
	clock *intakeClock
	set   *settings.Service
}

func newIntakeEnv(t *testing.T, db *dbtest.DB) *intakeEnv {
	t.Helper()
	keys, err := vault.OpenKeyRing(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "http://portal.test", Keys: keys}, nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := &intakeClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	set := settings.New(db.DB, db.Dialect, settings.Options{Now: clock.now})
	s := &Service{DB: db.DB, Dialect: db.Dialect, Mailer: mailer, Settings: set, Secrets: keys,
		BaseURL: "http://portal.test", Now: clock.now}
	return &intakeEnv{s: s, db: db, keys: keys, clock: clock, set: set}
}

func (e *intakeEnv) setting(t *testing.T, key string, v any) {
	t.Helper()
	if err := e.set.Set(context.Background(), actor.SystemActor(), key, v); err != nil {
		t.Fatal(err)
	}
}

// customer makes a customer with a profile, addresses, an order and a
// payment to be recognised by.
func (e *intakeEnv) customer(t *testing.T, email string) models.User {
	t.Helper()
	u := models.User{Email: email, Role: models.RoleCustomer, Name: "Zoé Martin", Locale: "fr"}
	if err := e.db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	rows := []any{
		&models.Profile{UserID: u.ID, FirstName: "Zoé", LastName: "Martin", Phone: "+33612345678", BirthDate: "1990-04-01"},
		&models.Address{UserID: u.ID, Kind: models.AddressDelivery, Line1: "1 rue A", PostalCode: "75011", City: "Paris", Country: "FR"},
		&models.Address{UserID: u.ID, Kind: models.AddressBilling, Line1: "1 rue A", PostalCode: "75011", City: "Paris", Country: "FR"},
		&models.Order{UserID: u.ID, Number: "PL-" + email[:3], PlacedAt: e.clock.now(), Status: models.OrderDelivered, Currency: "EUR"},
	}
	for _, r := range rows {
		if err := e.db.Create(r).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := e.db.Create(&models.Payment{UserID: u.ID, Provider: "stripe", Last4: "4242", AmountCents: 100, Currency: "EUR", PaidAt: e.clock.now()}).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func customerActor(u models.User) actor.Actor {
	return actor.Actor{Kind: actor.Customer, UserID: u.ID, Locale: "fr"}
}

var visitor = actor.Actor{Kind: actor.Requester, IP: "203.0.113.9", Locale: "en"}

func (e *intakeEnv) reload(t *testing.T, id int64) models.PrivacyRequest {
	t.Helper()
	var r models.PrivacyRequest
	if err := e.db.Take(&r, "id = ?", id).Error; err != nil {
		t.Fatal(err)
	}
	return r
}

// lastCode reads the newest code mailed to to, as the recipient would.
func (e *intakeEnv) lastCode(t *testing.T, to string) string {
	t.Helper()
	var row models.OutboxMessage
	if err := e.db.Where("to_address = ? AND template = ?", to, "request_code").Order("id DESC").Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	code, err := mail.Code(e.keys, row)
	if err != nil || len(code) != 6 {
		t.Fatalf("code %q: %v", code, err)
	}
	return code
}

func TestFileAsCustomer(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newIntakeEnv(t, db)
		ctx := context.Background()
		zoe, other := e.customer(t, "zoe@example.com"), e.customer(t, "max@example.com")

		if _, err := e.s.FileAsCustomer(ctx, customerActor(other), zoe.ID, Filing{Kind: models.RequestAccess}); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("filing for someone else: %v", err)
		}
		if _, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestObjection}); fault.FieldsOf(err)["objection_ground"] == "" {
			t.Fatalf("objection without ground: %v", err)
		}

		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestAccess, Details: "Everything, please"})
		if err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, r.ID)
		if got.Status != models.StatusInReview || got.VerificationMethod != "session" || got.VerifiedAt == nil ||
			got.RequesterEmail != "zoe@example.com" || got.RequesterName != "Zoé Martin" || got.Locale != "fr" ||
			got.Jurisdiction != "gdpr" || got.Channel != models.ChannelPortal || !got.DueAt.Equal(FirstDue("gdpr", e.clock.now())) {
			t.Fatalf("filed: %+v", got)
		}
		var events []models.RequestEvent
		db.Where("request_id = ?", r.ID).Order("id").Find(&events)
		if len(events) != 2 || events[0].Action != "file" || events[1].Action != "verify" {
			t.Fatalf("events: %+v", events)
		}

		// A second open access request is a duplicate of the first.
		dup, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestAccess})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, dup.ID); got.Status != models.StatusDuplicate || got.DuplicateOfID == nil || *got.DuplicateOfID != r.ID {
			t.Fatalf("duplicate: %+v", got)
		}

		// Once the first is closed, a new one inside 12 months is a repeat
		// (GDPR), flagged but open.
		db.Model(&models.PrivacyRequest{}).Where("id = ?", r.ID).Update("status", models.StatusCompleted)
		e.clock.advance(60 * 24 * time.Hour)
		rep, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestPortability})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, rep.ID); got.Status != models.StatusInReview || got.RepeatOfID == nil || *got.RepeatOfID != r.ID {
			t.Fatalf("repeat: %+v", got)
		}

		// A rule asking for a document leaves it waiting, clock paused.
		e.setting(t, "requests.verify.portal.erasure", settings.VerifyDocument)
		er, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestErasure, Categories: []string{"photos"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, er.ID); got.Status != models.StatusAwaitingVerification || !got.DocumentRequired || got.PausedAt == nil || got.Categories != "photos" {
			t.Fatalf("document rule: %+v", got)
		}
	})
}

func TestCustomerReadsAndActsOnlyOnOwnRequests(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newIntakeEnv(t, db)
		ctx := context.Background()
		zoe, max := e.customer(t, "zoe@example.com"), e.customer(t, "max@example.com")
		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestErasure})
		if err != nil {
			t.Fatal(err)
		}
		db.Create(&models.RequestNote{RequestID: r.ID, At: e.clock.now(), AuthorID: 1, Body: "internal"})
		for _, id := range []int64{r.ID, r.ID + 1, r.ID - 1} {
			if _, err := e.s.MineOne(ctx, customerActor(max), id); !errors.Is(err, ErrNotFound) {
				t.Errorf("another's MineOne %d: %v", id, err)
			}
			if err := e.s.Cancel(ctx, customerActor(max), id); !errors.Is(err, ErrNotFound) {
				t.Errorf("another's Cancel %d: %v", id, err)
			}
			if err := e.s.Reply(ctx, customerActor(max), id, "hi"); !errors.Is(err, ErrNotFound) {
				t.Errorf("another's Reply %d: %v", id, err)
			}
		}
		if list, n, _ := e.s.Mine(ctx, max.ID, 10, 0); n != 0 || len(list) != 0 {
			t.Errorf("max sees %d", n)
		}
		if list, n, _ := e.s.Mine(ctx, zoe.ID, 10, 0); n != 1 || list[0].ID != r.ID {
			t.Errorf("zoe sees %d", n)
		}
		if err := e.s.Reply(ctx, customerActor(zoe), r.ID, "  "); fault.FieldsOf(err)["body"] == "" {
			t.Errorf("empty reply: %v", err)
		}
		// Waiting for the requester: the reply answers.
		db.Model(&models.PrivacyRequest{}).Where("id = ?", r.ID).Update("status", models.StatusWaitingRequester)
		if err := e.s.Reply(ctx, customerActor(zoe), r.ID, "Here is the answer"); err != nil {
			t.Fatal(err)
		}
		d, err := e.s.MineOne(ctx, customerActor(zoe), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Request.Status != models.StatusInReview || len(d.Messages) != 1 || d.Notes != nil {
			t.Fatalf("after reply: status %s, %d messages, notes %v", d.Request.Status, len(d.Messages), d.Notes)
		}
		if err := e.s.Cancel(ctx, customerActor(zoe), r.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, r.ID); got.Status != models.StatusCancelled || got.ClosedAt == nil {
			t.Fatalf("cancelled: %+v", got)
		}
		if err := e.s.Cancel(ctx, customerActor(zoe), r.ID); !errors.Is(err, ErrWrongState) {
			t.Errorf("cancel twice: %v", err)
		}
		if err := e.s.Reply(ctx, customerActor(zoe), r.ID, "late"); !errors.Is(err, ErrWrongState) {
			t.Errorf("reply when closed: %v", err)
		}
	})
}

// TestDuplicateNoteNamesTheFirst: the duplicate's timeline note, which
// the mail carries too, names the open request in the requester's
// language.
func TestDuplicateNoteNamesTheFirst(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	e := newIntakeEnv(t, db)
	ctx := context.Background()
	zoe := e.customer(t, "zoe@example.com")
	first, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestRestriction})
	if err != nil {
		t.Fatal(err)
	}
	dup, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestRestriction})
	if err != nil {
		t.Fatal(err)
	}
	var ev models.RequestEvent
	if err := db.Where("request_id = ? AND action = ?", dup.ID, "mark_duplicate").Take(&ev).Error; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ev.Note, Number(first.ID)) || !strings.Contains(ev.Note, "identique") {
		t.Errorf("note = %q", ev.Note)
	}
}
