package account

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"github.com/pquerna/otp/totp"
)

// testKeys is a fresh server key ring, as a first run makes.
func testKeys(t testing.TB) *vault.KeyRing {
	t.Helper()
	k, err := vault.OpenKeyRing(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// rawTOTP reads the TOTP columns as a database backup holds them.
func rawTOTP(t *testing.T, db *dbtest.DB, id int64) (secret, pending string) {
	t.Helper()
	row := struct{ TOTPSecret, TOTPPendingSecret string }{}
	if err := db.Raw("SELECT totp_secret AS totp_secret, totp_pending_secret AS totp_pending_secret FROM users WHERE id = ?", id).
		Row().Scan(&row.TOTPSecret, &row.TOTPPendingSecret); err != nil {
		t.Fatal(err)
	}
	return row.TOTPSecret, row.TOTPPendingSecret
}

// TestTOTPSecretsSealedAtRestAndRotated: neither the pending nor the
// enrolled secret is in the database in clear, a code still signs in, and
// after a rotation the column holds a new-version value that still works.
func TestTOTPSecretsSealedAtRestAndRotated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
		mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "http://localhost"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		keys := testKeys(t)
		s := NewService(db.DB, db.Dialect, password.New(1), mailer, keys, "Test", "http://localhost", func() time.Time { return now })
		u := &models.User{Email: "ada@example.com", Role: models.RoleCustomer, Name: "Ada"}
		if err := db.Create(u).Error; err != nil {
			t.Fatal(err)
		}
		reload := func() *models.User {
			t.Helper()
			var fresh models.User
			if err := db.Take(&fresh, u.ID).Error; err != nil {
				t.Fatal(err)
			}
			return &fresh
		}
		signIn := func(step string) {
			t.Helper()
			now = now.Add(30 * time.Second) // a new step: no replay
			code, err := totp.GenerateCode(secretOf(t, keys, reload()), now)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := s.acceptTOTP(ctx, reload(), code); err != nil || !ok {
				t.Fatalf("%s: a current code was refused: %v", step, err)
			}
		}

		setup, err := s.BeginTOTP(ctx, actor.Of(u, actor.Evidence{}), u)
		if err != nil {
			t.Fatal(err)
		}
		secret := strings.ReplaceAll(setup.Secret, " ", "")
		_, pending := rawTOTP(t, db, u.ID)
		assertSealed(t, "pending", pending, secret, "v1:")

		code, _ := totp.GenerateCode(secret, now)
		if _, err := s.ConfirmTOTP(ctx, actor.Of(u, actor.Evidence{}), reload(), code, 0); err != nil {
			t.Fatal(err)
		}
		enrolled, pending := rawTOTP(t, db, u.ID)
		assertSealed(t, "enrolled", enrolled, secret, "v1:")
		if pending != "" {
			t.Errorf("pending secret left after confirmation: %q", pending)
		}
		signIn("after enrolment")

		if _, err := keys.AddKey(); err != nil {
			t.Fatal(err)
		}
		if n, err := ResealTOTP(ctx, db.DB, keys); err != nil || n != 1 {
			t.Fatalf("ResealTOTP = %d, %v; want 1 user", n, err)
		}
		rotated, _ := rawTOTP(t, db, u.ID)
		if rotated == enrolled {
			t.Error("the column did not change on rotation")
		}
		assertSealed(t, "rotated", rotated, secret, "v2:")
		signIn("after rotation")
		if n, err := ResealTOTP(ctx, db.DB, keys); err != nil || n != 0 {
			t.Errorf("a second ResealTOTP = %d, %v; want 0", n, err)
		}
	})
}

// TestLegacyClearTOTPSecrets: secrets stored in clear before sealing still
// sign in, and rotation seals them.
func TestLegacyClearTOTPSecrets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
		keys := testKeys(t)
		s := NewService(db.DB, db.Dialect, password.New(1), nil, keys, "Test", "http://localhost", func() time.Time { return now })
		const legacy, legacyPending = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
		users := []*models.User{
			{Email: "old@example.com", Role: models.RoleCustomer, TOTPSecret: legacy, TOTPEnabledAt: &now},
			{Email: "enrolling@example.com", Role: models.RoleCustomer, TOTPPendingSecret: legacyPending},
			{Email: "none@example.com", Role: models.RoleCustomer},
		}
		for _, u := range users {
			if err := db.Create(u).Error; err != nil {
				t.Fatal(err)
			}
		}
		code, _ := totp.GenerateCode(legacy, now)
		if ok, err := s.acceptTOTP(ctx, users[0], code); err != nil || !ok {
			t.Fatalf("a legacy clear secret no longer signs in: %v", err)
		}
		if n, err := ResealTOTP(ctx, db.DB, keys); err != nil || n != 2 {
			t.Fatalf("ResealTOTP = %d, %v; want 2 users", n, err)
		}
		secret, _ := rawTOTP(t, db, users[0].ID)
		assertSealed(t, "legacy enrolled", secret, legacy, "v1:")
		_, pending := rawTOTP(t, db, users[1].ID)
		assertSealed(t, "legacy pending", pending, legacyPending, "v1:")
		if secret, pending := rawTOTP(t, db, users[2].ID); secret != "" || pending != "" {
			t.Errorf("a user without TOTP got %q / %q", secret, pending)
		}
	})
}

func assertSealed(t *testing.T, what, raw, secret, prefix string) {
	t.Helper()
	if raw == "" || strings.Contains(raw, secret) || !strings.HasPrefix(raw, prefix) {
		t.Errorf("%s column %q: want the secret sealed under %s", what, raw, prefix)
	}
}

func secretOf(t *testing.T, keys *vault.KeyRing, u *models.User) string {
	t.Helper()
	s, err := keys.Open(TOTPPurpose, u.TOTPSecret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
