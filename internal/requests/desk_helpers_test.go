package requests

import (
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
)

// deskClock is an injected clock the desk's tests move by hand.
type deskClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *deskClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *deskClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// deskFixture is a service on a fresh database with a staff member, an
// admin and two customers.
type deskFixture struct {
	s                   *Service
	db                  *dbtest.DB
	clock               *deskClock
	staff, admin        models.User
	customer, customer2 models.User
}

var deskEpoch = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) // a Monday

func newDeskFixture(t *testing.T, db *dbtest.DB) *deskFixture {
	t.Helper()
	m, err := mail.New(mail.Config{From: "Portal <privacy@example.com>", BaseURL: "http://portal.test"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	clk := &deskClock{t: deskEpoch}
	f := &deskFixture{db: db, clock: clk,
		s: &Service{DB: db.DB, Dialect: db.Dialect, Mailer: m, BaseURL: "http://portal.test", Now: clk.Now}}
	f.staff = deskUser(t, db, models.RoleStaff, "Sam Staff", "sam@shop.test")
	f.admin = deskUser(t, db, models.RoleAdmin, "Alex Admin", "alex@shop.test")
	f.customer = deskUser(t, db, models.RoleCustomer, "Ada Lovelace", "ada@example.com")
	f.customer2 = deskUser(t, db, models.RoleCustomer, "Grace Hopper", "grace@example.com")
	return f
}

func deskUser(t *testing.T, db *dbtest.DB, role models.Role, name, email string) models.User {
	t.Helper()
	u := models.User{Email: email, Role: role, Name: name, Locale: "en"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *deskFixture) staffActor() actor.Actor {
	return actor.Actor{Kind: actor.Staff, UserID: f.staff.ID, IP: "192.0.2.1"}
}

func (f *deskFixture) customerActor() actor.Actor {
	return actor.Actor{Kind: actor.Customer, UserID: f.customer.ID}
}

// request inserts a request of customer in status, received now, then
// lets edit change it before it is written.
func (f *deskFixture) request(t *testing.T, user models.User, kind models.RequestKind, status models.RequestStatus, edit ...func(*models.PrivacyRequest)) models.PrivacyRequest {
	t.Helper()
	now := f.clock.Now()
	uid := user.ID
	r := models.PrivacyRequest{UserID: &uid, Kind: kind, Status: status, Channel: models.ChannelPortal,
		Jurisdiction: models.JurisdictionGDPR, RequesterEmail: user.Email, RequesterName: user.Name, Locale: "en",
		ReceivedAt: now, FirstDueAt: FirstDue(models.JurisdictionGDPR, now), DueAt: FirstDue(models.JurisdictionGDPR, now)}
	if !status.Open() {
		r.ClosedAt = &now
	}
	for _, e := range edit {
		e(&r)
	}
	if err := f.db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *deskFixture) reload(t *testing.T, id int64) models.PrivacyRequest {
	t.Helper()
	r, err := load(f.db.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// outboxText is every queued mail's subject and bodies, joined.
func (f *deskFixture) outboxText(t *testing.T) string {
	t.Helper()
	var rows []models.OutboxMessage
	if err := f.db.Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.Subject + "\n" + r.TextBody + "\n" + r.HTMLBody + "\n")
	}
	return b.String()
}

func (f *deskFixture) outboxCount(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := f.db.Model(&models.OutboxMessage{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *deskFixture) auditCount(t *testing.T, action string) int64 {
	t.Helper()
	var n int64
	if err := f.db.Model(&models.AuditEntry{}).Where("action = ?", action).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
