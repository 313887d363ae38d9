package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The throttle's rules (NIST SP 800-63B asks for at most 100 consecutive
// failures per account; ASVS for a lockout that resists both guessing and
// locking users out for long):
//
//   - failures 1 to 4 cost nothing: people mistype;
//   - failure n from the 5th on makes the next attempt wait 2^(n-5) seconds
//     (1, 2, 4, 8, 16 s; never more than 60 s);
//   - the 10th consecutive failure locks the address for 15 minutes and
//     sets the count back to 5, so each later failure waits 2, 4, 8, 16 s
//     and every 5th locks again for 15 minutes;
//   - over a fixed hour starting at the first failure in it, the 100th
//     failure locks the address until that hour ends. Honouring Wait alone
//     never gets that far; the cap bounds callers that race past Wait.
//
// Only a successful sign-in clears the count.
const (
	ThrottleFreeFailures = 4
	ThrottleMaxDelay     = 60 * time.Second
	ThrottleLockAfter    = 10
	ThrottleLockFor      = 15 * time.Minute
	ThrottleHourlyCap    = 100
	throttleWindow       = time.Hour
)

// ThrottleLimits are the throttle's rules as numbers; the constants above
// are their defaults, and internal/settings lets an admin change them.
type ThrottleLimits struct {
	FreeFailures int           // failures that cost nothing
	MaxDelay     time.Duration // cap on the wait after one failure
	LockAfter    int           // consecutive failures that lock
	LockFor      time.Duration // how long a lock lasts
	HourlyCap    int           // failures in an hour that lock until it ends
}

// DefaultThrottleLimits are the rules described above.
func DefaultThrottleLimits() ThrottleLimits {
	return ThrottleLimits{FreeFailures: ThrottleFreeFailures, MaxDelay: ThrottleMaxDelay,
		LockAfter: ThrottleLockAfter, LockFor: ThrottleLockFor, HourlyCap: ThrottleHourlyCap}
}

// resetTo is the count a lock sets failures back to: the first failure that
// waits, so the rules repeat after each lock. Kept below LockAfter so a
// lock cannot be followed by a count that is already past it.
func (l ThrottleLimits) resetTo() int { return max(min(l.FreeFailures+1, l.LockAfter-1), 0) }

// Throttle counts failed sign-ins per email address in the database, so
// the limits hold across portal instances.
type Throttle struct {
	DB      *gorm.DB
	Dialect models.Dialect
	// Keys keys the row key with the server secret.
	Keys *vault.KeyRing
	Now  func() time.Time
	// Limits reads the current rules on every failure, so a change in the
	// settings applies at once; nil means DefaultThrottleLimits.
	Limits func() ThrottleLimits
}

func (t *Throttle) limits() ThrottleLimits {
	if t.Limits == nil {
		return DefaultThrottleLimits()
	}
	return t.Limits()
}

// ThrottleKey is the row key for an address: the versioned HMAC-SHA256,
// under the server secret, of the lowercased, trimmed address. A plain
// hash would let anyone holding the database confirm a guessed address
// offline; the key files stop that. Unknown addresses get a row like known
// ones, so the throttle's behaviour does not reveal which have accounts.
//
// After a key rotation the key changes: Wait reads the address's rows
// under every version, and Fail carries the newest one over to the new
// key, so a rotation neither lifts a lock nor restarts the count.
func ThrottleKey(keys *vault.KeyRing, email string) string {
	return keys.MAC(throttlePurpose, normEmail(email))
}

const throttlePurpose = "sign-in-throttle"

// throttleKeys is the address's key under every loaded version, newest
// (the current one) first.
func throttleKeys(keys *vault.KeyRing, email string) []string {
	return keys.MACs(throttlePurpose, normEmail(email))
}

// Postgres keeps microseconds; rounding here makes what is stored and what
// is computed agree on both databases.
func (t *Throttle) now() time.Time { return t.Now().UTC().Truncate(time.Microsecond) }

// Wait is how long until the next sign-in attempt for email is allowed;
// 0 means now.
func (t *Throttle) Wait(ctx context.Context, email string) (time.Duration, error) {
	var rows []models.SignInThrottle
	if err := t.DB.WithContext(ctx).Where("key_hash IN ?", throttleKeys(t.Keys, email)).Find(&rows).Error; err != nil {
		return 0, fmt.Errorf("auth: throttle wait: %w", err)
	}
	var wait time.Duration
	for i := range rows {
		wait = max(wait, waitFor(&rows[i], t.now()))
	}
	return wait, nil
}

func waitFor(row *models.SignInThrottle, now time.Time) time.Duration {
	var until time.Time
	if row.NextAllowedAt != nil {
		until = *row.NextAllowedAt
	}
	if row.LockedUntil != nil && row.LockedUntil.After(until) {
		until = *row.LockedUntil
	}
	if d := until.Sub(now); d > 0 {
		return d
	}
	return 0
}

// Fail records one failed sign-in for email and reports whether this
// failure locked the address (for a "lockout" event and mail).
func (t *Throttle) Fail(ctx context.Context, email string) (locked bool, err error) {
	keys := throttleKeys(t.Keys, email)
	key := keys[0]
	now := t.now()
	err = t.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Since a rotation, the count may still be under an older key:
		// the newest such row moves to the current key, unless the
		// current one already exists.
		if len(keys) > 1 {
			if err := tx.Exec(`UPDATE sign_in_throttles SET key_hash = ?
				WHERE key_hash = (SELECT key_hash FROM sign_in_throttles WHERE key_hash IN ? ORDER BY updated_at DESC LIMIT 1)
				AND NOT EXISTS (SELECT 1 FROM sign_in_throttles WHERE key_hash = ?)`, key, keys[1:], key).Error; err != nil {
				return err
			}
		}
		// Make sure the row exists, then lock it: two first failures
		// arriving together must not both insert, and every failure must
		// see the one before it. On SQLite the transaction itself is the
		// lock (BEGIN IMMEDIATE).
		if err := tx.Exec(`INSERT INTO sign_in_throttles (key_hash, failures, hour_start, hour_failures, updated_at)
			VALUES (?, 0, ?, 0, ?) ON CONFLICT (key_hash) DO NOTHING`, key, now, now).Error; err != nil {
			return err
		}
		q := tx.Where("key_hash = ?", key)
		if t.Dialect == models.Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var row models.SignInThrottle
		if err := q.Take(&row).Error; err != nil {
			return err
		}
		locked = recordFailure(&row, now, t.limits())
		return tx.Model(&models.SignInThrottle{}).Where("key_hash = ?", key).Updates(map[string]any{
			"failures":        row.Failures,
			"hour_start":      row.HourStart,
			"hour_failures":   row.HourFailures,
			"locked_until":    row.LockedUntil,
			"next_allowed_at": row.NextAllowedAt,
			"updated_at":      now,
		}).Error
	})
	if err != nil {
		return false, fmt.Errorf("auth: throttle fail: %w", err)
	}
	return locked, nil
}

// recordFailure applies the rules lim to row for a failure at now and
// reports whether it started a lock.
func recordFailure(row *models.SignInThrottle, now time.Time, lim ThrottleLimits) (locked bool) {
	if !now.Before(row.HourStart.Add(throttleWindow)) || row.HourFailures == 0 {
		row.HourStart = now
		row.HourFailures = 0
	}
	row.Failures++
	row.HourFailures++

	next := now.Add(lim.delay(row.Failures))
	lockUntil := time.Time{}
	if row.Failures >= lim.LockAfter {
		lockUntil = now.Add(lim.LockFor)
		row.Failures = lim.resetTo()
	}
	if row.HourFailures >= lim.HourlyCap {
		if end := row.HourStart.Add(throttleWindow); end.After(lockUntil) {
			lockUntil = end
		}
	}
	if !lockUntil.IsZero() {
		locked = row.LockedUntil == nil || lockUntil.After(*row.LockedUntil)
		if row.LockedUntil == nil || lockUntil.After(*row.LockedUntil) {
			row.LockedUntil = &lockUntil
		}
	}
	if row.LockedUntil != nil && row.LockedUntil.After(next) {
		next = *row.LockedUntil
	}
	row.NextAllowedAt = &next
	return locked
}

// delay is the wait after the n-th consecutive failure.
func (l ThrottleLimits) delay(n int) time.Duration {
	if n <= l.FreeFailures {
		return 0
	}
	shift := n - l.FreeFailures - 1
	if shift >= 30 || time.Duration(1<<shift)*time.Second >= l.MaxDelay {
		return l.MaxDelay
	}
	return time.Duration(1<<shift) * time.Second
}

// Succeed forgets email's failures after a successful sign-in.
func (t *Throttle) Succeed(ctx context.Context, email string) error {
	err := t.DB.WithContext(ctx).Where("key_hash IN ?", throttleKeys(t.Keys, email)).
		Delete(&models.SignInThrottle{}).Error
	if err != nil {
		return fmt.Errorf("auth: throttle succeed: %w", err)
	}
	return nil
}
