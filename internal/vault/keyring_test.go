package vault

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyRingFirstRunAndReopen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r, err := OpenKeyRing(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version() != 1 {
		t.Fatalf("version %d, want 1 on first run", r.Version())
	}
	info, err := os.Stat(filepath.Join(dir, "secret-1.key"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", info.Mode().Perm())
	}
	sealed, err := r.Seal("totp", "JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	again, err := OpenKeyRing(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open("totp", sealed); err != nil || got != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("reopened ring: %q %v", got, err)
	}
	if again.MAC("p", "x") != r.MAC("p", "x") {
		t.Fatal("the same key gives a different MAC after reopening")
	}
}

func TestKeyRingSealOpen(t *testing.T) {
	t.Parallel()
	r, err := OpenKeyRing(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := r.Seal("totp", "JBSWY3DPEHPK3PXP")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sealed, "v1:") || strings.Contains(sealed, "JBSWY3DPEHPK3PXP") {
		t.Fatalf("sealed value %q", sealed)
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if tampered == sealed {
		tampered = sealed[:len(sealed)-2] + "BB"
	}
	cases := []struct {
		name, purpose, in, want string
		wantErr                 bool
	}{
		{"round trip", "totp", sealed, "JBSWY3DPEHPK3PXP", false},
		{"other purpose", "outbox", sealed, "", true},
		{"tampered", "totp", tampered, "", true},
		{"legacy clear text", "totp", "JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXP", false},
		{"empty", "totp", "", "", false},
		{"unknown version", "totp", "v9:" + sealed[3:], "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := r.Open(c.purpose, c.in)
			if (err != nil) != c.wantErr || got != c.want {
				t.Fatalf("Open = %q, %v; want %q, error %v", got, err, c.want, c.wantErr)
			}
		})
	}
	if _, err := r.Open("totp", "v9:"+sealed[3:]); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("unknown version: %v", err)
	}
}

func TestKeyRingRotation(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r, err := OpenKeyRing(dir)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := r.Seal("totp", "secret")
	oldMAC := r.MAC("code", "123456")
	// A second instance that started before the rotation.
	other, err := OpenKeyRing(dir)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := r.AddKey(); err != nil || v != 2 {
		t.Fatalf("AddKey = %d, %v", v, err)
	}
	fresh, _ := r.Seal("totp", "secret")
	if SealedVersion(fresh) != 2 || SealedVersion(old) != 1 {
		t.Fatalf("versions %d %d", SealedVersion(fresh), SealedVersion(old))
	}
	if got, err := r.Open("totp", old); err != nil || got != "secret" {
		t.Fatalf("old ciphertext after rotation: %q %v", got, err)
	}
	if got, err := other.Open("totp", fresh); err != nil || got != "secret" {
		t.Fatalf("instance started before rotation opens new value: %q %v", got, err)
	}
	newMAC := r.MAC("code", "123456")
	if newMAC == oldMAC || !strings.HasPrefix(newMAC, "v2:") {
		t.Fatalf("MAC after rotation %q (before %q)", newMAC, oldMAC)
	}
	for _, stored := range []string{oldMAC, newMAC} {
		if !r.CheckMAC("code", "123456", stored) {
			t.Fatalf("CheckMAC refuses %q", stored)
		}
		if r.CheckMAC("code", "654321", stored) || r.CheckMAC("other", "123456", stored) {
			t.Fatalf("CheckMAC accepts the wrong data or purpose for %q", stored)
		}
	}
	if ms := r.MACs("code", "123456"); len(ms) != 2 || ms[0] != newMAC || ms[1] != oldMAC {
		t.Fatalf("MACs = %v", ms)
	}
}

func TestKeyRingMACDependsOnKey(t *testing.T) {
	t.Parallel()
	a, _ := OpenKeyRing(t.TempDir())
	b, _ := OpenKeyRing(t.TempDir())
	if a.MAC("p", "x") == b.MAC("p", "x") {
		t.Fatal("two installations give the same MAC")
	}
	if a.MAC("p", "x") == a.MAC("q", "x") {
		t.Fatal("the purpose does not change the MAC")
	}
	if b.CheckMAC("p", "x", a.MAC("p", "x")) {
		t.Fatal("a MAC from another installation verifies")
	}
}
