package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// TestThrottleReadsLimits proves the throttle applies the rules its Limits
// func returns (the settings service) rather than the constants.
func TestThrottleReadsLimits(t *testing.T) {
	lim := ThrottleLimits{FreeFailures: 1, MaxDelay: 3 * time.Second, LockAfter: 3, LockFor: time.Minute, HourlyCap: 100}
	tests := []struct {
		failures   int
		wantLocked bool
		wantWait   time.Duration
	}{
		{1, false, 0},
		{2, false, time.Second},
		{3, true, time.Minute},
	}
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		for _, tc := range tests {
			c := newClock()
			th := &Throttle{DB: db.DB, Dialect: db.Dialect, Keys: testKeys(t), Now: c.now, Limits: func() ThrottleLimits { return lim }}
			email := "limits" + string(rune('a'+tc.failures)) + "@example.test"
			var locked bool
			for range tc.failures {
				var err error
				locked, err = th.Fail(ctx, email)
				mustNoErr(t, err)
			}
			w, err := th.Wait(ctx, email)
			mustNoErr(t, err)
			if locked != tc.wantLocked || w != tc.wantWait {
				t.Errorf("%d failures: locked %v wait %v, want %v %v", tc.failures, locked, w, tc.wantLocked, tc.wantWait)
			}
		}
	})
}

func TestLimitsDelayCap(t *testing.T) {
	lim := ThrottleLimits{FreeFailures: 0, MaxDelay: 5 * time.Second, LockAfter: 100}
	tests := []struct {
		n    int
		want time.Duration
	}{{0, 0}, {1, time.Second}, {3, 4 * time.Second}, {4, 5 * time.Second}, {80, 5 * time.Second}}
	for _, tc := range tests {
		if got := lim.delay(tc.n); got != tc.want {
			t.Errorf("delay(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
	if got := (ThrottleLimits{FreeFailures: 9, LockAfter: 3}).resetTo(); got != 2 {
		t.Errorf("resetTo = %d, want 2 (below LockAfter)", got)
	}
}

// TestCodesReadLimits: a code issued under a 1-minute lifetime and one
// attempt follows those rules.
func TestCodesReadLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		c := newClock()
		codes := &Codes{DB: db.DB, Keys: testKeys(t), Now: c.now, Limits: func() CodeLimits { return CodeLimits{TTL: time.Minute, MaxAttempts: 1} }}
		code, err := codes.Issue(nil, "ttl@example.test", models.CodeSignIn, nil)
		mustNoErr(t, err)
		c.advance(time.Minute)
		if _, err := codes.Verify(ctx, "ttl@example.test", models.CodeSignIn, code); !errors.Is(err, ErrCodeInvalid) {
			t.Errorf("code after its 1-minute lifetime: err = %v, want ErrCodeInvalid", err)
		}
		code, err = codes.Issue(nil, "tries@example.test", models.CodeSignIn, nil)
		mustNoErr(t, err)
		if _, err := codes.Verify(ctx, "tries@example.test", models.CodeSignIn, wrongCode(code)); !errors.Is(err, ErrCodeInvalid) {
			t.Fatalf("wrong code: err = %v", err)
		}
		if _, err := codes.Verify(ctx, "tries@example.test", models.CodeSignIn, code); !errors.Is(err, ErrCodeInvalid) {
			t.Errorf("right code after the single attempt: err = %v, want ErrCodeInvalid", err)
		}
	})
}
