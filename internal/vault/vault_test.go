package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRoundTripAndAtRestEncryption(t *testing.T) {
	dir := t.TempDir()
	v, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("passport number X1234567 of a fictional person")
	key, err := v.Put(secret)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Get(key)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("round trip: %q %v", got, err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "files", key[:2], key))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("X1234567")) || !bytes.HasPrefix(raw, []byte("age-encryption.org/v1")) {
		t.Fatal("file is not encrypted at rest")
	}
	info, _ := os.Stat(filepath.Join(dir, "files", key[:2], key))
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v", info.Mode().Perm())
	}
}

func TestKeyIsKeptAcrossOpens(t *testing.T) {
	dir := t.TempDir()
	v1, _ := Open(dir)
	key, _ := v1.Put([]byte("hello"))
	v2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v2.Get(key); err != nil || string(got) != "hello" {
		t.Fatalf("reopened vault cannot read: %v", err)
	}
	names, _ := v2.keyFiles()
	if len(names) != 1 {
		t.Fatalf("reopening generated another key: %v", names)
	}
}

func TestRotation(t *testing.T) {
	dir := t.TempDir()
	v, _ := Open(dir)
	old, _ := v.Put([]byte("before rotation"))
	oldKeys, _ := v.keyFiles()
	if _, err := v.AddKey(); err != nil {
		t.Fatal(err)
	}
	fresh, _ := v.Put([]byte("after rotation"))
	for _, k := range []string{old, fresh} {
		if _, err := v.Get(k); err != nil {
			t.Fatalf("both keys must decrypt: %v", err)
		}
	}
	n, err := v.Reencrypt()
	if err != nil || n != 2 {
		t.Fatalf("reencrypt: %d %v", n, err)
	}
	// Retire the old key: everything still reads.
	if err := os.Remove(filepath.Join(dir, "keys", oldKeys[0])); err != nil {
		t.Fatal(err)
	}
	v2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{old, fresh} {
		if _, err := v2.Get(k); err != nil {
			t.Fatalf("after retiring the old key: %v", err)
		}
	}
}

func TestBadKeysAreNotFound(t *testing.T) {
	v, _ := Open(t.TempDir())
	for _, k := range []string{"", "../../etc/passwd", strings.Repeat("z", 32), strings.Repeat("a", 31), strings.Repeat("ab", 16)} {
		if _, err := v.Get(k); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q) = %v, want ErrNotFound", k, err)
		}
	}
	key, _ := v.Put([]byte("x"))
	if err := v.Delete(key); err != nil {
		t.Fatal(err)
	}
	if err := v.Delete(key); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := v.Get(key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted file still readable: %v", err)
	}
}
