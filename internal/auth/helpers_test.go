package auth

import (
	"fmt"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

// clock is a settable time source for the Now fields.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }
func mustNoErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// newUser stores a customer and returns its id.
func newUser(t *testing.T, db *dbtest.DB, email string) int64 {
	t.Helper()
	u := &models.User{Email: email, Role: models.RoleCustomer}
	if err := db.Create(u).Error; err != nil {
		t.Fatal(fmt.Errorf("create user: %w", err))
	}
	return u.ID
}

// testKeys is a fresh server key ring, as a first run makes.
func testKeys(t testing.TB) *vault.KeyRing {
	t.Helper()
	k, err := vault.OpenKeyRing(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return k
}
