// Package password hashes and verifies sign-in passwords with argon2id,
// bounding how many hashes run at once so a flood of sign-in attempts
// cannot exhaust the server's memory.
package password

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
	"golang.org/x/crypto/argon2"
)

// defaultParams are the argon2id costs for new hashes. They are OWASP's first
// recommended configuration (m=19 MiB, t=2, p=1): the lowest memory of the
// OWASP set, which matters because every concurrent sign-in holds that much
// memory; the semaphore multiplies it by maxConcurrent, so a small
// self-hosted box with 4 slots peaks at ~76 MiB. p=1 keeps one sign-in on one
// core so other requests stay responsive. Raise Memory first if the host can
// afford it; old hashes keep verifying because each hash records its own
// parameters.
var defaultParams = argon2id.Params{
	Memory:      19 * 1024, // KiB
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// HashMemory is the memory, in bytes, one hash or verification with the
// default parameters holds while it runs (argon2's block matrix).
const HashMemory = int64(19 << 20)

// quietPeriod is how long no hash may run before the Hasher hands the
// hashing memory back to the operating system. Without it, a finished
// flood leaves its garbage mapped until the runtime's two-minute forced
// collections get round to it (measured: RSS stayed at 140–180 MB for
// about 4 minutes after 50 sign-ins, then fell to its idle 45 MB).
const quietPeriod = 2 * time.Second

// event marks a step of acquiring a hashing slot, for the tests' hook.
type event int

const (
	evWaiting event = iota // about to wait for a slot
	evEntered              // holds a slot
	evLeaving              // about to give the slot back (still holds it)
)

// Hasher hashes and verifies passwords, at most maxConcurrent at a time.
// It is safe for concurrent use.
type Hasher struct {
	slots  chan struct{}
	params argon2id.Params
	dummy  string
	// trace, when set by tests, observes slot use without timing.
	trace func(event)

	// onQuiet runs once hashing has been quiet for quiet; nil disables it.
	onQuiet func()
	quiet   time.Duration
	mu      sync.Mutex
	active  int // hashes holding a slot
	timer   *time.Timer
}

// New returns a Hasher running at most maxConcurrent hashes at once
// (values below 1 mean 1). After a burst, once no hash has run for
// quietPeriod, it collects and returns the freed hashing memory to the
// operating system (debug.FreeOSMemory: one collection per quiet spell,
// cheap beside the argon2 runs that caused it).
func New(maxConcurrent int) *Hasher {
	h := newWithParams(maxConcurrent, defaultParams)
	h.onQuiet, h.quiet = debug.FreeOSMemory, quietPeriod
	return h
}

func newWithParams(maxConcurrent int, p argon2id.Params) *Hasher {
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	return &Hasher{
		slots:  make(chan struct{}, maxConcurrent),
		params: p,
		dummy:  dummyHash(p),
	}
}

// dummyHash is a well-formed hash with the same costs as real ones, made
// from a fixed salt and key: verifying against it costs exactly what a real
// verification does, and no password can be known to match it.
func dummyHash(p argon2id.Params) string {
	enc := base64.RawStdEncoding
	salt := enc.EncodeToString(make([]byte, p.SaltLength))
	key := enc.EncodeToString(make([]byte, p.KeyLength))
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Iterations, p.Parallelism, salt, key)
}

// acquire waits for a hashing slot or for ctx to end. The caller must call
// release after a nil return.
func (h *Hasher) acquire(ctx context.Context) error {
	h.note(evWaiting)
	select {
	case h.slots <- struct{}{}:
		h.mu.Lock()
		h.active++
		h.mu.Unlock()
		h.note(evEntered)
		return nil
	case <-ctx.Done():
		return fmt.Errorf("password: waiting for a hashing slot: %w", ctx.Err())
	}
}

func (h *Hasher) release() {
	// Noted before the slot is freed so a test counting holders never sees
	// a newcomer enter before the leaver is counted out.
	h.note(evLeaving)
	h.mu.Lock()
	h.active--
	if h.active == 0 && h.onQuiet != nil {
		if h.timer == nil {
			h.timer = time.AfterFunc(h.quiet, h.quietened)
		} else {
			h.timer.Reset(h.quiet)
		}
	}
	h.mu.Unlock()
	<-h.slots
}

// quietened runs onQuiet unless hashing started again meanwhile; a hash
// that begins just after the check only shares the machine with one
// collection.
func (h *Hasher) quietened() {
	h.mu.Lock()
	busy := h.active > 0
	h.mu.Unlock()
	if !busy {
		h.onQuiet()
	}
}

func (h *Hasher) note(e event) {
	if h.trace != nil {
		h.trace(e)
	}
}

// Hash returns the encoded argon2id hash of plain (salt and parameters
// included). The whole password is hashed, whatever its length: argon2
// takes any length, so nothing is truncated. Callers bound input size at
// the HTTP layer (form size), not here.
func (h *Hasher) Hash(ctx context.Context, plain string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	encoded, err := argon2id.CreateHash(plain, &p)
	if err != nil {
		return "", fmt.Errorf("password: hash: %w", err)
	}
	return encoded, nil
}

// ErrMalformedHash is returned by Verify when the stored hash is not an
// argon2id hash this package can read.
var ErrMalformedHash = errors.New("password: stored hash is malformed")

// Verify reports whether plain matches the encoded hash. The comparison is
// constant-time; a malformed hash is an error, never a match.
func (h *Hasher) Verify(ctx context.Context, plain, encoded string) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	ok, err := argon2id.ComparePasswordAndHash(plain, encoded)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrMalformedHash, err)
	}
	return ok, nil
}

// VerifyDummy does the work of one Verify against a fixed dummy hash and
// throws the result away. Sign-in calls it when no account has the given
// email, so that answer takes as long as a wrong password for a real
// account and response times do not reveal which emails are registered.
func (h *Hasher) VerifyDummy(ctx context.Context, plain string) error {
	_, err := h.Verify(ctx, plain, h.dummy)
	return err
}
