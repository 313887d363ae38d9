package auth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// TestStoredKeysNeedTheServerSecret: the throttle's row key and an email
// code's stored hash differ from their old unkeyed forms and from the same
// value under another installation's secret, so a database alone cannot be
// searched for a guessed address or code.
func TestStoredKeysNeedTheServerSecret(t *testing.T) {
	t.Parallel()
	keys, other := testKeys(t), testKeys(t)
	const email = "Alice@Example.test "
	unkeyed := sha256.Sum256([]byte("alice@example.test"))
	oldSaltKeyed := func(salt string) string {
		m := hmac.New(sha256.New, []byte(salt))
		m.Write([]byte(emailCodeInput("alice@example.test", models.CodeSignIn, "123456")))
		return hex.EncodeToString(m.Sum(nil))
	}
	cases := []struct {
		name, got, other string
		old              []string
	}{
		{"throttle key", ThrottleKey(keys, email), ThrottleKey(other, email), []string{hex.EncodeToString(unkeyed[:])}},
		{"email code", hashEmailCode(keys, "alice@example.test", models.CodeSignIn, "123456"),
			hashEmailCode(other, "alice@example.test", models.CodeSignIn, "123456"), []string{oldSaltKeyed("")}},
		{"recovery code", RecoveryCodeMAC(keys, "k7mq-2xbd-9pfa"), RecoveryCodeMAC(other, "k7mq-2xbd-9pfa"),
			[]string{HashRecoveryCode("k7mq-2xbd-9pfa")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.HasPrefix(c.got, "v1:") {
				t.Errorf("%q has no key version", c.got)
			}
			if c.got == c.other {
				t.Error("the same under another server secret")
			}
			for _, o := range c.old {
				if strings.Contains(c.got, o) {
					t.Errorf("contains the unkeyed form %q", o)
				}
			}
		})
	}
	if ThrottleKey(keys, email) != ThrottleKey(keys, "alice@example.test") {
		t.Error("the throttle key depends on case or spaces")
	}
}

// TestEmailCodeKeyVersions: a code issued before a rotation still verifies
// after it, a row of the pre-upgrade salted form still verifies, and a row
// keyed by another installation does not.
func TestEmailCodeKeyVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		c := newClock()
		keys := testKeys(t)
		codes := &Codes{DB: db.DB, Keys: keys, Now: c.now}
		code, err := codes.Issue(nil, "a@example.test", models.CodeSignIn, nil)
		mustNoErr(t, err)
		var stored string
		mustNoErr(t, db.Model(&models.EmailCode{}).Where("email = ?", "a@example.test").Pluck("code_hash", &stored).Error)
		if !strings.HasPrefix(stored, "v1:") || strings.Contains(stored, code) {
			t.Fatalf("stored hash %q", stored)
		}
		if _, err := keys.AddKey(); err != nil {
			t.Fatal(err)
		}
		if _, err := codes.Verify(ctx, "a@example.test", models.CodeSignIn, code); err != nil {
			t.Fatalf("code from before the rotation: %v", err)
		}

		// The pre-upgrade form: 16 hex digits of salt, 48 of salt-keyed HMAC.
		salt := "0011223344556677"
		raw, _ := hex.DecodeString(salt)
		m := hmac.New(sha256.New, raw)
		m.Write([]byte(emailCodeInput("b@example.test", models.CodeSignIn, "654321")))
		legacy := salt + hex.EncodeToString(m.Sum(nil)[:24])
		foreign := (&Codes{Keys: testKeys(t)}).Keys.MAC(emailCodePurpose, emailCodeInput("c@example.test", models.CodeSignIn, "111111"))
		for _, row := range []models.EmailCode{
			{Email: "b@example.test", Purpose: models.CodeSignIn, CodeHash: legacy, ExpiresAt: c.now().Add(EmailCodeTTL), CreatedAt: c.now()},
			{Email: "c@example.test", Purpose: models.CodeSignIn, CodeHash: foreign, ExpiresAt: c.now().Add(EmailCodeTTL), CreatedAt: c.now()},
		} {
			mustNoErr(t, db.Create(&row).Error)
		}
		if _, err := codes.Verify(ctx, "b@example.test", models.CodeSignIn, "654321"); err != nil {
			t.Errorf("legacy salted row refused: %v", err)
		}
		if _, err := codes.Verify(ctx, "c@example.test", models.CodeSignIn, "111111"); err == nil {
			t.Error("a row keyed by another installation verified")
		}
	})
}
