package password

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
)

// cheap keeps the concurrency tests fast under -race; they test the
// semaphore, not argon2.
var cheap = argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestHashVerify(t *testing.T) {
	long := strings.Repeat("correct horse battery staple ", 7)[:199]
	cases := []struct {
		name      string
		stored    string
		attempt   string
		wantMatch bool
	}{
		{"same password", "s3cret-Passw0rd", "s3cret-Passw0rd", true},
		{"wrong password", "s3cret-Passw0rd", "s3cret-Passw0rD", false},
		{"empty attempt", "s3cret-Passw0rd", "", false},
		{"prefix only", "s3cret-Passw0rd", "s3cret-Passw0r", false},
		{"unicode", "mot de passe été 密码", "mot de passe été 密码", true},
		{"200 chars match", long + "a", long + "a", true},
		// Proves nothing truncates: bcrypt would stop at 72 bytes and accept this.
		{"200 chars, last differs", long + "a", long + "b", false},
	}
	h := New(2)
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			encoded, err := h.Hash(ctx, tc.stored)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(encoded, tc.stored) {
				t.Fatal("encoded hash contains the plain password")
			}
			got, err := h.Verify(ctx, tc.attempt, encoded)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.wantMatch {
				t.Fatalf("Verify = %v, want %v", got, tc.wantMatch)
			}
		})
	}
}

func TestHashUsesChosenParamsAndFreshSalt(t *testing.T) {
	h := New(1)
	ctx := context.Background()
	a, err := h.Hash(ctx, "same")
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.Hash(ctx, "same")
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatal("two hashes of one password are equal: salt is not random")
	}
	p, _, _, err := argon2id.DecodeHash(a)
	if err != nil {
		t.Fatal(err)
	}
	if p.Memory < 19*1024 || p.Iterations < 2 || p.Parallelism < 1 {
		t.Fatalf("params %+v are below OWASP's m=19MiB,t=2,p=1", *p)
	}
}

func TestVerifyMalformedHash(t *testing.T) {
	h := newWithParams(1, cheap)
	for _, encoded := range []string{"", "plaintext", "$2a$10$abcdefghijklmnopqrstuv", "$argon2id$v=19$m=x,t=1,p=1$AAAA$AAAA"} {
		ok, err := h.Verify(context.Background(), "pw", encoded)
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) = %v, %v; want false, ErrMalformedHash", encoded, ok, err)
		}
	}
}

// TestVerifyDummyCostsWhatVerifyCosts compares parameters, not time: the
// dummy hash must make argon2 do exactly the work a real hash does.
func TestVerifyDummyCostsWhatVerifyCosts(t *testing.T) {
	h := New(1)
	stored, err := h.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	rp, rs, rk, err := argon2id.DecodeHash(stored)
	if err != nil {
		t.Fatal(err)
	}
	dp, ds, dk, err := argon2id.DecodeHash(h.dummy)
	if err != nil {
		t.Fatalf("dummy hash does not parse: %v", err)
	}
	if *rp != *dp || len(rs) != len(ds) || len(rk) != len(dk) {
		t.Fatalf("dummy params %+v differ from real %+v", *dp, *rp)
	}
	var entered atomic.Int32
	h.trace = func(e event) {
		if e == evEntered {
			entered.Add(1)
		}
	}
	if err := h.VerifyDummy(context.Background(), "anything"); err != nil {
		t.Fatal(err)
	}
	if entered.Load() != 1 {
		t.Fatalf("VerifyDummy took %d slots, want 1 (it must queue like Verify)", entered.Load())
	}
}

// holdSlots fills every slot of h with a Hash call that stays inside until
// the returned release func is called; it returns once they are all inside.
// Any caller that gets inside beyond capacity is counted in over and let
// through without blocking, so a broken semaphore fails the test, not hangs it.
func holdSlots(t *testing.T, h *Hasher, capacity int, waiting chan struct{}) (release func() []error, over *atomic.Int32) {
	t.Helper()
	var active atomic.Int32
	over = new(atomic.Int32)
	inside := make(chan struct{}, 64)
	gate := make(chan struct{})
	h.trace = func(e event) {
		switch e {
		case evWaiting:
			waiting <- struct{}{}
		case evEntered:
			if active.Add(1) > int32(capacity) {
				over.Add(1)
				return
			}
			inside <- struct{}{}
			<-gate
		case evLeaving:
			active.Add(-1)
		}
	}
	errs := make(chan error, capacity)
	for range capacity {
		go func() {
			_, err := h.Hash(context.Background(), "holder")
			errs <- err
		}()
	}
	for range capacity {
		<-inside
		<-waiting // the holder's own wait, so the caller sees only later ones
	}
	return func() []error {
		close(gate)
		var out []error
		for range capacity {
			out = append(out, <-errs)
		}
		return out
	}, over
}

func TestSemaphoreBoundsConcurrency(t *testing.T) {
	for _, capacity := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("cap=%d", capacity), func(t *testing.T) {
			h := newWithParams(capacity, cheap)
			waiting := make(chan struct{}, 64)
			release, over := holdSlots(t, h, capacity, waiting)

			// With every slot held, more callers must queue, not enter:
			// cancelling them while queued must make each fail.
			const extra = 3
			ctx, cancel := context.WithCancel(context.Background())
			errs := make(chan error, extra)
			for range extra {
				go func() {
					_, err := h.Verify(ctx, "pw", h.dummy)
					errs <- err
				}()
			}
			for range extra {
				<-waiting
			}
			cancel()
			for range extra {
				if err := <-errs; !errors.Is(err, context.Canceled) {
					t.Errorf("queued caller returned %v, want context.Canceled", err)
				}
			}
			if n := over.Load(); n != 0 {
				t.Fatalf("%d callers got past a full semaphore of %d", n, capacity)
			}
			for _, err := range release() {
				if err != nil {
					t.Errorf("holder: %v", err)
				}
			}
			if n := len(h.slots); n != 0 {
				t.Fatalf("%d slots still taken after every caller returned", n)
			}
		})
	}
}

// TestSemaphoreUnderLoad counts holders across many real calls.
func TestSemaphoreUnderLoad(t *testing.T) {
	const capacity, callers = 3, 24
	h := newWithParams(capacity, cheap)
	var active, peak atomic.Int32
	h.trace = func(e event) {
		switch e {
		case evEntered:
			n := active.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
		case evLeaving:
			active.Add(-1)
		}
	}
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			if _, err := h.Hash(context.Background(), "pw"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if p := peak.Load(); p < 1 || p > capacity {
		t.Fatalf("peak holders = %d, want 1..%d", p, capacity)
	}
}

func TestCancelWhileWaiting(t *testing.T) {
	ops := []struct {
		name string
		call func(ctx context.Context, h *Hasher) error
	}{
		{"Hash", func(ctx context.Context, h *Hasher) error { _, err := h.Hash(ctx, "pw"); return err }},
		{"Verify", func(ctx context.Context, h *Hasher) error { _, err := h.Verify(ctx, "pw", h.dummy); return err }},
		{"VerifyDummy", func(ctx context.Context, h *Hasher) error { return h.VerifyDummy(ctx, "pw") }},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			h := newWithParams(1, cheap)
			waiting := make(chan struct{}, 8)
			release, _ := holdSlots(t, h, 1, waiting)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- op.call(ctx, h) }()
			<-waiting
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want context.Canceled", err)
			}
			release()
		})
	}
}

// BenchmarkVerify measures one sign-in's hashing cost with the production
// parameters.
func BenchmarkVerify(b *testing.B) {
	h := New(1)
	ctx := context.Background()
	encoded, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := h.Verify(ctx, "correct horse battery staple", encoded); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// TestQuietReturnsMemory: once the last hash leaves, the Hasher hands the
// hashing memory back; while any hash holds a slot it does not.
func TestQuietReturnsMemory(t *testing.T) {
	if h := New(1); h.onQuiet == nil || h.quiet <= 0 {
		t.Fatal("New's Hasher never returns its hashing memory")
	}
	h := newWithParams(2, cheap)
	quieted := make(chan struct{}, 8)
	h.onQuiet, h.quiet = func() { quieted <- struct{}{} }, 0

	// A hash still running keeps the timer unarmed when another finishes.
	waiting := make(chan struct{}, 8)
	release, _ := holdSlots(t, h, 1, waiting) // one of the two slots stays taken
	if _, err := h.Hash(context.Background(), "pw"); err != nil {
		t.Fatal(err)
	}
	h.mu.Lock()
	armed := h.timer != nil
	h.mu.Unlock()
	if armed {
		t.Fatal("quiet timer armed while a hash still holds a slot")
	}
	for _, err := range release() {
		if err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-quieted:
	case <-time.After(10 * time.Second): // a guard against hanging, not a measured time
		t.Fatal("no memory returned after the last hash left")
	}

	// A timer firing while a hash has just begun does nothing.
	h.mu.Lock()
	h.active = 1
	h.mu.Unlock()
	h.quietened()
	select {
	case <-quieted:
		t.Fatal("memory returned while a hash holds a slot")
	default:
	}
}
