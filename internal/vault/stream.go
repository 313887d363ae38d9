package vault

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"
)

// Large files (export packages, photos read into one) go through the
// vault as streams: age encrypts in 64 KiB chunks, so memory stays flat
// however large the file.

// NewKey returns a fresh random key for Create.
func NewKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("vault: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Writer encrypts a file being written. Nothing is visible under its key
// until Commit; Abort (or a crash) leaves only a hidden temporary file,
// which CleanTemp removes.
type Writer struct {
	tmp   *os.File
	enc   io.WriteCloser
	path  string
	n     int64
	done  bool
	vault *Vault
}

// Create starts writing the file stored under key, replacing any file
// already there when committed.
func (v *Vault) Create(key string) (*Writer, error) {
	path, err := v.path(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	v.mu.RLock()
	recipient := v.recipient
	v.mu.RUnlock()
	enc, err := age.Encrypt(tmp, recipient)
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("vault: encrypt: %w", err)
	}
	return &Writer{tmp: tmp, enc: enc, path: path, vault: v}, nil
}

// Write encrypts p into the file.
func (w *Writer) Write(p []byte) (int, error) {
	n, err := w.enc.Write(p)
	w.n += int64(n)
	return n, err
}

// Size is how many plaintext bytes were written.
func (w *Writer) Size() int64 { return w.n }

// Commit finishes the encryption, syncs the file and puts it under its
// key in one rename.
func (w *Writer) Commit() error {
	if w.done {
		return errors.New("vault: writer already closed")
	}
	w.done = true
	name := w.tmp.Name()
	defer os.Remove(name) // a no-op after the rename
	if err := w.enc.Close(); err != nil {
		w.tmp.Close()
		return fmt.Errorf("vault: encrypt: %w", err)
	}
	if err := w.tmp.Sync(); err != nil {
		w.tmp.Close()
		return fmt.Errorf("vault: %w", err)
	}
	if err := w.tmp.Close(); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if err := os.Chmod(name, 0o600); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if err := os.Rename(name, w.path); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	return nil
}

// Abort drops what was written; the key keeps whatever it held before.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.tmp.Close()
	os.Remove(w.tmp.Name())
}

// Open decrypts the file stored under key as a stream. Each chunk is
// authenticated as it is read: a tampered file fails with an error
// rather than yielding altered bytes.
func (v *Vault) Open(key string) (io.ReadCloser, error) {
	path, err := v.path(key)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	v.mu.RLock()
	ids := v.identities
	v.mu.RUnlock()
	r, err := age.Decrypt(file, ids...)
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("vault: decrypt: %w", err)
	}
	return struct {
		io.Reader
		io.Closer
	}{r, file}, nil
}

// Exists reports whether a file is stored under key.
func (v *Vault) Exists(key string) bool {
	path, err := v.path(key)
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

// CleanTemp removes temporary files older than age, left by writes that
// a crash interrupted. It returns how many it removed.
func (v *Vault) CleanTemp(age time.Duration) (int, error) {
	cutoff := time.Now().Add(-age)
	n := 0
	err := filepath.WalkDir(v.filesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), ".tmp-") {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		if info.ModTime().Before(cutoff) {
			if err := os.Remove(path); err == nil {
				n++
			}
		}
		return nil
	})
	return n, err
}
