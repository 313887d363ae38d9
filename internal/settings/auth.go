package settings

import (
	"time"

	"github.com/photolab/privacyportal/internal/auth"
)

// Sign-in rules, with the values auth had as constants as defaults. The
// bounds keep an admin inside what the standards allow: NIST SP 800-63B
// caps consecutive failures at 100, and a code must stay guessable in no
// more than a handful of tries.
var (
	ThrottleFreeFailures = Int("auth.throttle.free_failures", auth.ThrottleFreeFailures, 1, 20)
	ThrottleMaxDelay     = Duration("auth.throttle.max_delay", auth.ThrottleMaxDelay, time.Second, 10*time.Minute)
	ThrottleLockAfter    = Int("auth.throttle.lock_after", auth.ThrottleLockAfter, 3, 100)
	ThrottleLockFor      = Duration("auth.throttle.lock_for", auth.ThrottleLockFor, time.Minute, 24*time.Hour)
	ThrottleHourlyCap    = Int("auth.throttle.hourly_cap", auth.ThrottleHourlyCap, 10, 100)

	EmailCodeTTL         = Duration("auth.email_code.ttl", auth.EmailCodeTTL, time.Minute, time.Hour)
	EmailCodeMaxAttempts = Int("auth.email_code.max_attempts", auth.EmailCodeMaxAttempts, 1, 10)

	RecoveryCodeCount = Int("auth.recovery_codes.count", auth.RecoveryCodeCount, 5, 20)
)

// ThrottleLimits are the throttle's current rules, for auth.Throttle.Limits.
func (s *Service) ThrottleLimits() auth.ThrottleLimits {
	return auth.ThrottleLimits{
		FreeFailures: ThrottleFreeFailures.Get(s),
		MaxDelay:     ThrottleMaxDelay.Get(s),
		LockAfter:    ThrottleLockAfter.Get(s),
		LockFor:      ThrottleLockFor.Get(s),
		HourlyCap:    ThrottleHourlyCap.Get(s),
	}
}

// CodeLimits are an emailed code's current rules, for auth.Codes.Limits.
func (s *Service) CodeLimits() auth.CodeLimits {
	return auth.CodeLimits{TTL: EmailCodeTTL.Get(s), MaxAttempts: EmailCodeMaxAttempts.Get(s)}
}
