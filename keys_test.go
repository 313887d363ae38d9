package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

// TestKeysRotateReencryptsTOTPSecrets: `portal keys rotate` adds a server
// secret version and re-seals every TOTP secret with it, sealed or still in
// clear, keeping the old key file so older values still open.
func TestKeysRotateReencryptsTOTPSecrets(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PORTAL_DATA_DIR", dir)
	var out, errb bytes.Buffer
	if code := run([]string{"migrate"}, &out, &errb); code != 0 {
		t.Fatalf("migrate: %s", errb.String())
	}
	keys, err := vault.OpenKeyRing(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	v1, err := keys.Seal(account.TOTPPurpose, secret)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ email, stored string }{
		{"sealed@example.com", v1},
		{"clear@example.com", secret},
	}
	db, _, err := models.Open(filepath.Join(dir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	for _, c := range cases {
		if err := db.Create(&models.User{Email: c.email, Role: models.RoleCustomer, TOTPSecret: c.stored}).Error; err != nil {
			t.Fatal(err)
		}
	}

	out.Reset()
	if code := run([]string{"keys", "rotate"}, &out, &errb); code != 0 {
		t.Fatalf("keys rotate: %s", errb.String())
	}
	if !strings.Contains(out.String(), "secret-2.key; 2 TOTP secrets re-encrypted") {
		t.Errorf("output: %q", out.String())
	}
	for _, name := range []string{"secret-1.key", "secret-2.key"} {
		if _, err := os.Stat(filepath.Join(dir, "keys", name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := keys.Reload(); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		var u models.User
		if err := db.Where("email = ?", c.email).Take(&u).Error; err != nil {
			t.Fatal(err)
		}
		if u.TOTPSecret == c.stored || !strings.HasPrefix(u.TOTPSecret, "v2:") {
			t.Errorf("%s: column %q after rotation, want a new v2 value", c.email, u.TOTPSecret)
		}
		if got, err := keys.Open(account.TOTPPurpose, u.TOTPSecret); err != nil || got != secret {
			t.Errorf("%s: opens to %q, %v", c.email, got, err)
		}
	}
}
