// Package auth holds the sign-in primitives: TOTP second factor, recovery
// codes, emailed one-time codes, the failed-sign-in throttle, login history
// and a small user-agent parser. It knows nothing of HTTP; handlers combine
// these pieces. Every time-dependent function takes its clock from the
// caller, so tests never sleep.
package auth
