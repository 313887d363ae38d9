package auth

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Login history event names, stored in LoginEvent.Event.
const (
	EventSignIn                   = "signin"
	EventSignInFailed             = "signin_failed"
	EventLockout                  = "lockout"
	EventSignOut                  = "signout"
	EventPasswordChanged          = "password_changed"
	EventTOTPEnabled              = "totp_enabled"
	EventTOTPDisabled             = "totp_disabled"
	EventRecoveryCodeUsed         = "recovery_code_used"
	EventRecoveryCodesRegenerated = "recovery_codes_regenerated"
	EventEmailChanged             = "email_changed"
	EventSessionRevoked           = "session_revoked"
	EventTOTPReset                = "totp_reset" // by an admin
)

// Sign-in methods, stored in LoginEvent.Method.
const (
	MethodPassword     = "password"
	MethodEmailCode    = "email_code"
	MethodTOTP         = "totp"
	MethodRecoveryCode = "recovery_code"
)

// Events and Methods list the values above: each is shown with a label
// from the catalogs, and a test checks every one has a label.
var (
	Events = []string{EventSignIn, EventSignInFailed, EventLockout, EventSignOut, EventPasswordChanged,
		EventTOTPEnabled, EventTOTPDisabled, EventRecoveryCodeUsed, EventRecoveryCodesRegenerated,
		EventEmailChanged, EventSessionRevoked, EventTOTPReset}
	Methods = []string{MethodPassword, MethodEmailCode, MethodTOTP, MethodRecoveryCode}
)

// Column sizes of LoginEvent.
const (
	maxUserAgent = 512
	maxIP        = 64
)

// RecordEvent adds a line to the user's login history. The user agent is
// cut to the column's 512 bytes without splitting a character.
func RecordEvent(tx *gorm.DB, userID int64, event, method, ip, userAgent string, at time.Time) error {
	err := tx.Create(&models.LoginEvent{
		UserID:    userID,
		CreatedAt: at.UTC(),
		Event:     event,
		Method:    method,
		IP:        truncateUTF8(ip, maxIP),
		UserAgent: truncateUTF8(userAgent, maxUserAgent),
	}).Error
	if err != nil {
		return fmt.Errorf("auth: record event: %w", err)
	}
	return nil
}

// truncateUTF8 cuts s to at most n bytes, backing off to the start of a
// character. Invalid UTF-8 is cut the same way (it is stored as sent).
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && cut > n-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// IsNewDevice reports whether none of the user's earlier successful
// sign-ins came from the same browser family and operating system as
// userAgent. Versions are ignored, so a browser update is not a new device.
// Call it before recording the current sign-in, or it finds that one.
// A user agent Device cannot parse at all is compared as a raw string.
func IsNewDevice(ctx context.Context, db *gorm.DB, userID int64, userAgent string) (bool, error) {
	var seen []string
	err := db.WithContext(ctx).Model(&models.LoginEvent{}).
		Where("user_id = ? AND event = ?", userID, EventSignIn).
		Distinct().Pluck("user_agent", &seen).Error
	if err != nil {
		return false, fmt.Errorf("auth: is new device: %w", err)
	}
	userAgent = truncateUTF8(userAgent, maxUserAgent) // as it would be stored
	family, _, os := parseUA(userAgent)
	unparsed := family == Unknown && os == Unknown
	for _, ua := range seen {
		if unparsed {
			if ua == userAgent {
				return false, nil
			}
			continue
		}
		if f, _, o := parseUA(ua); f == family && o == os {
			return false, nil
		}
	}
	return true, nil
}
