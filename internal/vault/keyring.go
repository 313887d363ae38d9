package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ErrUnknownKey is returned for a sealed value or MAC made with a key
// version the keys directory does not hold (a key file was removed, or
// another instance rotated and this one has not seen the file yet).
var ErrUnknownKey = errors.New("vault: sealed with an unknown key version")

// KeyRing holds the server's symmetric secrets beside the file keys, in
// files secret-<n>.key. Small values that a database backup must not give
// away (TOTP secrets, codes waiting in the outbox) are sealed with it, and
// hashes of guessable values (email codes, addresses, recovery codes) are
// keyed with it, so someone holding only the database cannot decrypt them
// or confirm a guess offline. The highest version seals and MACs; every
// version opens and verifies, so rotation keeps old values readable.
type KeyRing struct {
	dir string

	mu      sync.RWMutex
	keys    map[int]ringKey
	current int
}

type ringKey struct {
	aead   cipher.AEAD
	macKey []byte
	// macs keeps keyed HMAC states to reuse: a MAC for each recipient of
	// a million-customer audience would otherwise set the key up (two
	// hash blocks and four allocations) every time.
	macs *sync.Pool
}

const (
	secretKeyPrefix = "secret-"
	secretKeySuffix = ".key"
	secretKeyLen    = 32
)

// OpenKeyRing loads the secret-<n>.key files of keysDir, generating the
// first one if there is none.
func OpenKeyRing(keysDir string) (*KeyRing, error) {
	if err := os.MkdirAll(keysDir, 0o700); err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	r := &KeyRing{dir: keysDir}
	if err := r.Reload(); err != nil {
		return nil, err
	}
	if r.Version() == 0 {
		if _, err := r.AddKey(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Reload reads the keys directory again, e.g. after another instance
// rotated.
func (r *KeyRing) Reload() error {
	entries, err := os.ReadDir(r.dir)
	if err != nil {
		return fmt.Errorf("vault: keys: %w", err)
	}
	keys := map[int]ringKey{}
	current := 0
	for _, e := range entries {
		n, ok := secretVersion(e.Name())
		if e.IsDir() || !ok {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(r.dir, e.Name()))
		if err != nil {
			return fmt.Errorf("vault: key %s: %w", e.Name(), err)
		}
		k, err := parseRingKey(raw)
		if err != nil {
			return fmt.Errorf("vault: key %s: %w", e.Name(), err)
		}
		keys[n] = k
		current = max(current, n)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys, r.current = keys, current
	return nil
}

func secretVersion(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, secretKeyPrefix)
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, secretKeySuffix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// parseRingKey reads a key file: comment lines, then the base64 key. The
// sealing and MAC keys are derived apart (HKDF), so no key serves two
// algorithms.
func parseRingKey(raw []byte) (ringKey, error) {
	var master []byte
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(line)
		if err != nil || len(b) != secretKeyLen {
			return ringKey{}, errors.New("not a 32-byte base64 key")
		}
		master = b
		break
	}
	if master == nil {
		return ringKey{}, errors.New("no key in file")
	}
	sealKey, err := hkdf.Key(sha256.New, master, nil, "privacyportal seal", 32)
	if err != nil {
		return ringKey{}, err
	}
	macKey, err := hkdf.Key(sha256.New, master, nil, "privacyportal mac", 32)
	if err != nil {
		return ringKey{}, err
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return ringKey{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return ringKey{}, err
	}
	return ringKey{aead: aead, macKey: macKey, macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, macKey) }}}, nil
}

// AddKey writes a new key version that seals and MACs from now on; older
// versions keep opening and verifying. It returns the new version.
func (r *KeyRing) AddKey() (int, error) {
	if err := r.Reload(); err != nil {
		return 0, err
	}
	b := make([]byte, secretKeyLen)
	if _, err := rand.Read(b); err != nil {
		return 0, fmt.Errorf("vault: generate secret: %w", err)
	}
	n := r.Version() + 1
	name := secretKeyPrefix + strconv.Itoa(n) + secretKeySuffix
	content := "# privacy portal server secret v" + strconv.Itoa(n) + ", created " +
		time.Now().UTC().Format(time.RFC3339) + "; back it up with the keys directory\n" +
		base64.StdEncoding.EncodeToString(b) + "\n"
	path := filepath.Join(r.dir, name)
	if _, err := os.Stat(path); err == nil {
		return 0, fmt.Errorf("vault: %s already exists", name)
	}
	if err := writeAtomic(path, []byte(content)); err != nil {
		return 0, err
	}
	return n, r.Reload()
}

// Version is the key version that seals and MACs now.
func (r *KeyRing) Version() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.current
}

// Versions lists the loaded key versions, newest first.
func (r *KeyRing) Versions() []int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	vs := make([]int, 0, len(r.keys))
	for v := range r.keys {
		vs = append(vs, v)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(vs)))
	return vs
}

// key returns version v, reading the directory once more when it is not
// loaded: another instance may have rotated since this one started.
func (r *KeyRing) key(v int) (ringKey, error) {
	r.mu.RLock()
	k, ok := r.keys[v]
	r.mu.RUnlock()
	if ok {
		return k, nil
	}
	if err := r.Reload(); err != nil {
		return ringKey{}, err
	}
	r.mu.RLock()
	k, ok = r.keys[v]
	r.mu.RUnlock()
	if !ok {
		return ringKey{}, ErrUnknownKey
	}
	return k, nil
}

// splitVersion parses the "v<n>:" prefix of a sealed value or MAC.
func splitVersion(s string) (int, string, bool) {
	rest, ok := strings.CutPrefix(s, "v")
	if !ok {
		return 0, "", false
	}
	num, body, ok := strings.Cut(rest, ":")
	if !ok {
		return 0, "", false
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, "", false
	}
	return n, body, true
}

// SealedVersion is the key version a sealed value or MAC was made with; 0
// for a value without a version prefix (legacy clear text or hash).
func SealedVersion(s string) int {
	n, _, _ := splitVersion(s)
	return n
}

// Seal encrypts plaintext (AES-256-GCM) with the current key, bound to
// purpose, as "v<n>:" + base64url(nonce || ciphertext). Empty stays empty,
// so "no secret" keeps its meaning in a column.
func (r *KeyRing) Seal(purpose, plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	v := r.Version()
	k, err := r.key(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("vault: seal: %w", err)
	}
	out := k.aead.Seal(nonce, nonce, []byte(plaintext), []byte(purpose))
	return "v" + strconv.Itoa(v) + ":" + base64.RawURLEncoding.EncodeToString(out), nil
}

// Open decrypts a value Seal made for purpose. A value without a version
// prefix is legacy clear text from before sealing and is returned as it
// is: the caller re-seals it on its next write, and rotation re-seals
// every one.
func (r *KeyRing) Open(purpose, sealed string) (string, error) {
	v, body, ok := splitVersion(sealed)
	if !ok {
		return sealed, nil
	}
	k, err := r.key(v)
	if err != nil {
		return "", err
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || len(raw) < k.aead.NonceSize() {
		return "", errors.New("vault: open: malformed sealed value")
	}
	ns := k.aead.NonceSize()
	plain, err := k.aead.Open(nil, raw[:ns], raw[ns:], []byte(purpose))
	if err != nil {
		return "", errors.New("vault: open: sealed value does not authenticate")
	}
	return string(plain), nil
}

// MAC is HMAC-SHA256 of data for purpose with the current key, as
// "v<n>:" + hex (67 characters for versions below 10).
func (r *KeyRing) MAC(purpose, data string) string {
	v := r.Version()
	s, err := r.macWith(v, purpose, data)
	if err != nil {
		// The current version is loaded by construction.
		panic(err)
	}
	return s
}

// MACs is data's MAC under every loaded key version, newest first: the
// values to look a stored MAC up by when it may predate a rotation.
func (r *KeyRing) MACs(purpose, data string) []string {
	vs := r.Versions()
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if s, err := r.macWith(v, purpose, data); err == nil {
			out = append(out, s)
		}
	}
	return out
}

// CheckMAC reports whether stored is data's MAC for purpose, under the key
// version stored names.
func (r *KeyRing) CheckMAC(purpose, data, stored string) bool {
	v, _, ok := splitVersion(stored)
	if !ok {
		return false
	}
	want, err := r.macWith(v, purpose, data)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(want), []byte(stored))
}

func (r *KeyRing) macWith(v int, purpose, data string) (string, error) {
	k, err := r.key(v)
	if err != nil {
		return "", err
	}
	m := k.macs.Get().(hash.Hash)
	defer k.macs.Put(m)
	m.Reset()
	// A NUL between purpose and data: purposes never contain one, so no
	// two (purpose, data) pairs give the same input.
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(data))
	var sum [sha256.Size]byte
	return "v" + strconv.Itoa(v) + ":" + hex.EncodeToString(m.Sum(sum[:0])), nil
}
