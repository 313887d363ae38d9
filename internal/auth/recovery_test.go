package auth

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
)

func TestNewRecoveryCodes(t *testing.T) {
	keys := testKeys(t)
	plain, hashes, err := NewRecoveryCodes(keys, RecoveryCodeCount)
	mustNoErr(t, err)
	if len(plain) != 10 || len(hashes) != 10 {
		t.Fatalf("got %d codes, %d hashes; want 10, 10", len(plain), len(hashes))
	}
	shape := regexp.MustCompile(`^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$`)
	seen := map[string]bool{}
	for i, c := range plain {
		if !shape.MatchString(c) {
			t.Errorf("code %q does not look like xxxx-xxxx-xxxx from the alphabet", c)
		}
		if seen[c] {
			t.Errorf("duplicate code %q", c)
		}
		seen[c] = true
		if hashes[i] != RecoveryCodeMAC(keys, c) || !strings.HasPrefix(hashes[i], "v1:") {
			t.Errorf("hash %d = %q, want the keyed v1 MAC of %q", i, hashes[i], c)
		}
		if hashes[i] == HashRecoveryCode(c) {
			t.Errorf("hash %d is the unkeyed SHA-256", i)
		}
	}
}

func TestNormalizeRecoveryCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"k7mq-2xbd-9pfa", "k7mq2xbd9pfa"},
		{" K7MQ 2XBD 9PFA ", "k7mq2xbd9pfa"},
		{"o0il-1L", "001111"},
	}
	for _, tc := range tests {
		if got := NormalizeRecoveryCode(tc.in); got != tc.want {
			t.Errorf("NormalizeRecoveryCode(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUseRecoveryCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		c := newClock()
		keys := testKeys(t)
		alice := newUser(t, db, "alice@example.test")
		bob := newUser(t, db, "bob@example.test")
		plain, hashes, err := NewRecoveryCodes(keys, RecoveryCodeCount)
		mustNoErr(t, err)
		mustNoErr(t, ReplaceRecoveryCodes(db.DB, alice, hashes))
		bobPlain, bobHashes, err := NewRecoveryCodes(keys, RecoveryCodeCount)
		mustNoErr(t, err)
		mustNoErr(t, ReplaceRecoveryCodes(db.DB, bob, bobHashes))

		use := func(user int64, code string) bool {
			t.Helper()
			ok, err := UseRecoveryCode(db.DB, keys, user, code, c.now())
			mustNoErr(t, err)
			return ok
		}
		if !use(alice, strings.ToUpper(strings.ReplaceAll(plain[0], "-", " "))) {
			t.Fatal("a fresh code typed in capitals with spaces was refused")
		}
		if use(alice, plain[0]) {
			t.Error("a used code worked a second time")
		}
		if use(alice, bobPlain[0]) {
			t.Error("another user's code worked")
		}
		if use(alice, "not-a-code") {
			t.Error("garbage worked")
		}
		if n, _ := RecoveryCodesLeft(ctx, db.DB, alice); n != 9 {
			t.Errorf("codes left = %d, want 9", n)
		}

		newPlain, newHashes, err := NewRecoveryCodes(keys, RecoveryCodeCount)
		mustNoErr(t, err)
		mustNoErr(t, ReplaceRecoveryCodes(db.DB, alice, newHashes))
		if use(alice, plain[1]) {
			t.Error("a code from before regeneration still worked")
		}
		if n, _ := RecoveryCodesLeft(ctx, db.DB, alice); n != 10 {
			t.Errorf("codes left after regeneration = %d, want 10", n)
		}
		if !use(alice, newPlain[1]) {
			t.Error("a regenerated code was refused")
		}
		if n, _ := RecoveryCodesLeft(ctx, db.DB, bob); n != 10 {
			t.Errorf("bob's codes left = %d, want 10 (alice's changes touched them)", n)
		}
	})
}

func TestUseRecoveryCodeConcurrently(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		c := newClock()
		keys := testKeys(t)
		user := newUser(t, db, "alice@example.test")
		plain, hashes, err := NewRecoveryCodes(keys, RecoveryCodeCount)
		mustNoErr(t, err)
		mustNoErr(t, ReplaceRecoveryCodes(db.DB, user, hashes))

		const n = 8
		var wg sync.WaitGroup
		results := make(chan bool, n)
		errs := make(chan error, n)
		start := make(chan struct{})
		for range n {
			wg.Go(func() {
				<-start
				ok, err := UseRecoveryCode(db.DB, keys, user, plain[3], c.now())
				if err != nil {
					errs <- err
				}
				results <- ok
			})
		}
		close(start)
		wg.Wait()
		close(results)
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		wins := 0
		for ok := range results {
			if ok {
				wins++
			}
		}
		if wins != 1 {
			t.Errorf("%d of %d concurrent uses succeeded, want exactly 1", wins, n)
		}
	})
}

// TestRecoveryCodeLegacyAndRotatedHashes: codes stored before the server
// secret (plain SHA-256) and codes stored under an older key version keep
// working, once each.
func TestRecoveryCodeLegacyAndRotatedHashes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		c := newClock()
		keys := testKeys(t)
		user := newUser(t, db, "alice@example.test")
		const legacy, rotated, other = "k7mq-2xbd-9pfa", "a1b2-c3d4-e5f6", "zzzz-yyyy-xxxx"
		v1 := RecoveryCodeMAC(keys, rotated)
		mustNoErr(t, ReplaceRecoveryCodes(db.DB, user, []string{HashRecoveryCode(legacy), v1}))
		if _, err := keys.AddKey(); err != nil {
			t.Fatal(err)
		}
		if RecoveryCodeMAC(keys, rotated) == v1 {
			t.Fatal("rotation did not change the MAC")
		}
		cases := []struct {
			name, code string
			want       bool
		}{
			{"legacy hash accepted", legacy, true},
			{"legacy hash spent", legacy, false},
			{"older key version accepted", rotated, true},
			{"older key version spent", rotated, false},
			{"unknown code", other, false},
		}
		for _, tc := range cases {
			ok, err := UseRecoveryCode(db.DB, keys, user, tc.code, c.now())
			mustNoErr(t, err)
			if ok != tc.want {
				t.Errorf("%s: UseRecoveryCode = %v, want %v", tc.name, ok, tc.want)
			}
		}
		// The same code under another installation's key is not this one's.
		mustNoErr(t, ReplaceRecoveryCodes(db.DB, user, []string{RecoveryCodeMAC(testKeys(t), other)}))
		if ok, _ := UseRecoveryCode(db.DB, keys, user, other, c.now()); ok {
			t.Error("a code keyed by another server secret was accepted")
		}
	})
}
