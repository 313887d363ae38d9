package retention

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
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

var testNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

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

type env struct {
	s     *Service
	db    *dbtest.DB
	clock *clock
	set   *settings.Service
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newEnv(t *testing.T, db *dbtest.DB) *env {
	t.Helper()
	v, err := vault.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "https://portal.example.com"}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: testNow}
	set := settings.New(db.DB, db.Dialect, settings.Options{Now: c.Now, Logger: quiet()})
	s := &Service{DB: db.DB, Dialect: db.Dialect, Settings: set, Vault: v, Mailer: mailer,
		BaseURL: "https://portal.example.com", Now: c.Now, Logger: quiet()}
	return &env{s: s, db: db, clock: c, set: set}
}

func (e *env) setting(t *testing.T, key string, v any) {
	t.Helper()
	if err := e.set.Set(context.Background(), actor.SystemActor(), key, v); err != nil {
		t.Fatal(err)
	}
}

func (e *env) create(t *testing.T, rows ...any) {
	t.Helper()
	for _, r := range rows {
		if err := e.db.Create(r).Error; err != nil {
			t.Fatalf("%T: %v", r, err)
		}
	}
}

func (e *env) customer(t *testing.T, email string) models.User {
	t.Helper()
	u := models.User{Email: email, Role: models.RoleCustomer, Name: "Test Customer", Locale: "fr",
		CreatedAt: testNow.AddDate(-6, 0, 0)}
	e.create(t, &u)
	return u
}

// message is a contact message of u written age ago.
func (e *env) message(t *testing.T, u models.User, age time.Duration) models.ContactMessage {
	t.Helper()
	m := models.ContactMessage{UserID: u.ID, CreatedAt: testNow.Add(-age), Channel: "email", Direction: "in",
		Subject: "Order question", Body: "Fictional message"}
	e.create(t, &m)
	return m
}

func (e *env) count(t *testing.T, model any, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := e.db.Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) run(t *testing.T) Counts {
	t.Helper()
	c, err := e.s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr[T any](v T) *T { return &v }
