package requests

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

var testNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newService(t *testing.T, db *dbtest.DB) (*Service, *clock) {
	t.Helper()
	c := &clock{t: testNow}
	mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "https://portal.example.com"}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &Service{DB: db.DB, Dialect: db.Dialect, Mailer: mailer, BaseURL: "https://portal.example.com", Now: c.Now,
		Profiles: &profile.Service{DB: db.DB, Dialect: db.Dialect, Now: c.Now}}, c
}

func newCustomer(t *testing.T, db *dbtest.DB, email string) int64 {
	t.Helper()
	u := models.User{Email: email, Role: models.RoleCustomer, Name: "Ada Lovelace", Locale: "en"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func newStaff(t *testing.T, db *dbtest.DB) actor.Actor {
	t.Helper()
	u := models.User{Email: "staff@example.com", Role: models.RoleStaff, Name: "Sam", Locale: "en"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return actor.Actor{Kind: actor.Staff, UserID: u.ID}
}

// withProfile saves a full profile for userID as the customer.
func withProfile(t *testing.T, s *Service, userID int64) {
	t.Helper()
	in := profile.Input{FirstName: "Ada", LastName: "Lovelace", Phone: "+33612345678", BirthDate: "1990-05-17",
		Gender: profile.GenderFemale, Billing: profile.AddressInput{Line1: "1 rue de Rivoli", PostalCode: "75001", City: "Paris", Country: "FR"},
		Delivery: profile.AddressInput{Line1: "2 rue du Bac", PostalCode: "75007", City: "Paris", Country: "FR"}}
	if _, err := s.Profiles.Update(context.Background(), actor.Actor{Kind: actor.Customer, UserID: userID}, userID, in); err != nil {
		t.Fatal(err)
	}
}

// fileRequest stores a request of userID in status, as intake would.
func fileRequest(t *testing.T, s *Service, userID int64, kind models.RequestKind, status models.RequestStatus, edit func(*models.PrivacyRequest)) models.PrivacyRequest {
	t.Helper()
	uid := userID
	r := models.PrivacyRequest{UserID: &uid, Kind: kind, Status: status, Channel: models.ChannelPortal,
		Jurisdiction: models.JurisdictionGDPR, RequesterEmail: "ada@example.com", RequesterName: "Ada", Locale: "en",
		ReceivedAt: testNow, FirstDueAt: testNow.AddDate(0, 1, 0), DueAt: testNow.AddDate(0, 1, 0)}
	if edit != nil {
		edit(&r)
	}
	if err := s.DB.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	return r
}

// tx runs fn in a transaction of s.
func tx(t *testing.T, s *Service, fn func(tx *gorm.DB) error) error {
	t.Helper()
	return s.within(context.Background(), fn)
}

func auditCount(t *testing.T, db *dbtest.DB, action string) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.AuditEntry{}).Where("action = ?", action).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
