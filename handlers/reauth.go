package handlers

import (
	"net/http"
	"time"
)

// Session keys. Values are JSON, so times are Unix seconds.
const (
	keyAuthAt        = "auth_at"        // last full sign-in or confirmation
	keyAuthMethod    = "auth_method"    // first factor of that sign-in
	keyPendingUser   = "pending_uid"    // passed the first factor, awaiting TOTP
	keyPendingMethod = "pending_method" // which first factor
	keyPendingAt     = "pending_at"
	keyCodeEmail     = "code_email" // address a sign-in code was requested for
	keyNewEmail      = "new_email"  // address an email change waits to confirm
)

// pendingLifetime bounds the gap between the first and second factor.
const pendingLifetime = 10 * time.Minute

func sessionInt(r *http.Request, key string) int64 {
	switch v := Session(r).Values[key].(type) {
	case float64:
		return int64(v)
	case int64:
		return v
	case int:
		return int64(v)
	}
	return 0
}

func sessionString(r *http.Request, key string) string {
	s, _ := Session(r).Values[key].(string)
	return s
}

// markAuthenticated notes a fresh proof of identity in the session.
func markAuthenticated(r *http.Request, method string, now time.Time) {
	v := Session(r).Values
	v[keyAuthAt] = now.Unix()
	v[keyAuthMethod] = method
}

// RecentlyAuthenticated reports whether the session proved its owner
// within the re-authentication window.
func (h *Handler) RecentlyAuthenticated(r *http.Request, now time.Time) bool {
	at := sessionInt(r, keyAuthAt)
	return at != 0 && now.Sub(time.Unix(at, 0)) < h.Accounts.ReauthWindow()
}
