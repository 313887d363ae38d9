// Package vault stores files (photos, ID documents, exports) encrypted at
// rest with age (X25519). Keys live in a directory of identity files; the
// newest encrypts, every one decrypts, so keys can be rotated: add a key,
// re-encrypt, then retire the old one.
package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"filippo.io/age"
)

// ErrNotFound is returned for a key with no file.
var ErrNotFound = errors.New("vault: no such file")

// Vault is an encrypted file store in a directory.
type Vault struct {
	filesDir string
	keysDir  string

	mu         sync.RWMutex
	identities []age.Identity
	recipient  age.Recipient
}

// Open uses dir/files for data and dir/keys for keys.
func Open(dir string) (*Vault, error) {
	return OpenDirs(filepath.Join(dir, "files"), filepath.Join(dir, "keys"))
}

// OpenDirs opens a vault whose files and keys live apart (files on shared
// storage for several instances, keys wherever secrets belong). A first
// key is generated if the key directory has none.
func OpenDirs(filesDir, keysDir string) (*Vault, error) {
	if err := os.MkdirAll(filesDir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	if err := os.MkdirAll(keysDir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	v := &Vault{filesDir: filesDir, keysDir: keysDir}
	if err := v.loadKeys(); err != nil {
		return nil, err
	}
	if len(v.identities) == 0 {
		if _, err := v.AddKey(); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// keyFiles lists identity files oldest first (their names sort by time).
func (v *Vault) keyFiles() ([]string, error) {
	entries, err := os.ReadDir(v.keysDir)
	if err != nil {
		return nil, fmt.Errorf("vault: keys: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".age-key") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

func (v *Vault) loadKeys() error {
	names, err := v.keyFiles()
	if err != nil {
		return err
	}
	var ids []age.Identity
	var newest *age.X25519Identity
	for _, n := range names {
		raw, err := os.ReadFile(filepath.Join(v.keysDir, n))
		if err != nil {
			return fmt.Errorf("vault: key %s: %w", n, err)
		}
		parsed, err := age.ParseIdentities(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("vault: key %s: %w", n, err)
		}
		for _, id := range parsed {
			ids = append(ids, id)
			if x, ok := id.(*age.X25519Identity); ok {
				newest = x
			}
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.identities = ids
	if newest != nil {
		v.recipient = newest.Recipient()
	}
	return nil
}

// AddKey generates a new key that encrypts from now on; older keys keep
// decrypting. It returns the key file's name.
func (v *Vault) AddKey() (string, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", fmt.Errorf("vault: generate key: %w", err)
	}
	name := time.Now().UTC().Format("20060102T150405.000000000") + ".age-key"
	content := "# privacy portal file key, created " + time.Now().UTC().Format(time.RFC3339) + "\n" + id.String() + "\n"
	if err := writeAtomic(filepath.Join(v.keysDir, name), []byte(content)); err != nil {
		return "", err
	}
	return name, v.loadKeys()
}

// Put encrypts data to the newest key and returns the key to fetch it by.
func (v *Vault) Put(data []byte) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("vault: %w", err)
	}
	key := hex.EncodeToString(b)
	if err := v.write(key, data); err != nil {
		return "", err
	}
	return key, nil
}

func (v *Vault) write(key string, data []byte) error {
	v.mu.RLock()
	recipient := v.recipient
	v.mu.RUnlock()
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, recipient)
	if err != nil {
		return fmt.Errorf("vault: encrypt: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("vault: encrypt: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("vault: encrypt: %w", err)
	}
	path, err := v.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	return writeAtomic(path, buf.Bytes())
}

// Get decrypts the file stored under key, whole (small files: ID
// documents, photos; a package is read with Open).
func (v *Vault) Get(key string) ([]byte, error) {
	r, err := v.Open(key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("vault: decrypt: %w", err)
	}
	return data, nil
}

// Delete removes the file stored under key; a missing file is not an error
// (erasure must be repeatable).
func (v *Vault) Delete(key string) error {
	path, err := v.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("vault: %w", err)
	}
	return nil
}

// Reencrypt rewrites every file to the newest key, after which older keys
// can be retired. It returns how many files it rewrote. Each file is
// streamed (a download package is hundreds of megabytes) and replaced in
// one rename, so a crash mid-way leaves every file readable.
func (v *Vault) Reencrypt() (int, error) {
	n := 0
	err := filepath.WalkDir(v.filesDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		if err := v.reencrypt(d.Name()); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

func (v *Vault) reencrypt(key string) error {
	r, err := v.Open(key)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := v.Create(key)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Abort()
		return fmt.Errorf("vault: re-encrypt %s: %w", key, err)
	}
	return w.Commit()
}

// path maps a key to its file, refusing anything that is not a key this
// vault made (so a key from a request cannot walk the file system).
func (v *Vault) path(key string) (string, error) {
	if len(key) != 32 {
		return "", ErrNotFound
	}
	if _, err := hex.DecodeString(key); err != nil {
		return "", ErrNotFound
	}
	return filepath.Join(v.filesDir, key[:2], key), nil
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("vault: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("vault: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	return nil
}
