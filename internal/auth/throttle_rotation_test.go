package auth

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

// TestThrottleSurvivesKeyRotation: rotating the server secret neither
// lifts a lock nor restarts the count, on an instance that rotated and on
// one that only reloaded its keys.
func TestThrottleSurvivesKeyRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		dir := t.TempDir()
		open := func() *vault.KeyRing {
			k, err := vault.OpenKeyRing(dir)
			if err != nil {
				t.Fatal(err)
			}
			return k
		}
		a, b := open(), open()
		now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		ta := &Throttle{DB: db.DB, Dialect: db.Dialect, Keys: a, Now: clock}
		tb := &Throttle{DB: db.DB, Dialect: db.Dialect, Keys: b, Now: clock}
		ctx := context.Background()
		const email = "ada@example.com"
		for range ThrottleLockAfter {
			if _, err := ta.Fail(ctx, email); err != nil {
				t.Fatal(err)
			}
		}
		if w, _ := ta.Wait(ctx, email); w != ThrottleLockFor {
			t.Fatalf("before rotation: wait %v, want the lock", w)
		}
		if _, err := b.AddKey(); err != nil {
			t.Fatal(err)
		}
		if err := a.Reload(); err != nil {
			t.Fatal(err)
		}
		if a.Version() != b.Version() || a.Version() < 2 {
			t.Fatalf("reloaded ring at v%d, rotated one at v%d", a.Version(), b.Version())
		}
		for name, th := range map[string]*Throttle{"rotated": tb, "reloaded": ta} {
			if w, _ := th.Wait(ctx, email); w != ThrottleLockFor {
				t.Errorf("%s instance after rotation: wait %v, want the lock kept", name, w)
			}
		}
		// The next failure carries the count over to the new key: one row.
		now = now.Add(ThrottleLockFor)
		if _, err := tb.Fail(ctx, email); err != nil {
			t.Fatal(err)
		}
		var rows []models.SignInThrottle
		db.Find(&rows)
		if len(rows) != 1 || rows[0].KeyHash != ThrottleKey(b, email) || rows[0].Failures <= 1 {
			t.Fatalf("after rotation: rows %+v, want one under the new key with the old count", rows)
		}
		if err := tb.Succeed(ctx, email); err != nil {
			t.Fatal(err)
		}
		if w, _ := ta.Wait(ctx, email); w != 0 {
			t.Fatalf("after success: wait %v", w)
		}
	})
}
