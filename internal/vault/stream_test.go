package vault

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStreamRoundTrip(t *testing.T) {
	t.Parallel()
	v, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("0123456789abcdef"), 50_000) // 800 KB: several age chunks
	w, err := v.Create(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if v.Exists(key) {
		t.Fatal("the file is visible before Commit")
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if w.Size() != int64(len(data)) {
		t.Errorf("size %d, want %d", w.Size(), len(data))
	}
	r, err := v.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes, err %v", len(got), err)
	}
	// Stored encrypted: the plaintext is nowhere in the file.
	raw, err := os.ReadFile(filepath.Join(v.filesDir, key[:2], key))
	if err != nil || bytes.Contains(raw, []byte("0123456789abcdef")) {
		t.Fatalf("stored file is not encrypted (err %v)", err)
	}
	if _, err := v.Open("../../etc/passwd"); err != ErrNotFound {
		t.Errorf("a path as key: %v, want ErrNotFound", err)
	}
}

func TestAbortAndCleanTemp(t *testing.T) {
	t.Parallel()
	v, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key, _ := NewKey()
	w, err := v.Create(key)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("half a file"))
	w.Abort()
	if v.Exists(key) {
		t.Fatal("an aborted file exists")
	}
	// A crash leaves the temporary file: CleanTemp removes old ones only.
	crashed, err := v.Create(key)
	if err != nil {
		t.Fatal(err)
	}
	crashed.Write([]byte("interrupted"))
	crashed.enc.Close()
	crashed.tmp.Close()
	if n, _ := v.CleanTemp(time.Hour); n != 0 {
		t.Errorf("a fresh temp file was removed")
	}
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(crashed.tmp.Name(), old, old)
	if n, err := v.CleanTemp(time.Hour); err != nil || n != 1 {
		t.Errorf("CleanTemp removed %d (err %v), want 1", n, err)
	}
	if _, err := os.Stat(crashed.tmp.Name()); !os.IsNotExist(err) || !strings.Contains(crashed.tmp.Name(), ".tmp-") {
		t.Errorf("temp file left: %v", err)
	}
}
