package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
)

// CodeRequestForm asks for the address to email a sign-in code to.
type CodeRequestForm struct {
	Email  string
	Errors FieldErrors // key "email"
}

// CodeEnterForm takes the emailed code. The page reads the same whether or
// not an account exists for Email, so it cannot be used to probe addresses.
type CodeEnterForm struct {
	Email  string
	Errors FieldErrors // key "code", and "form" for a general error
}

// SecondFactorForm takes a TOTP or recovery code after the first factor.
type SecondFactorForm struct {
	Errors FieldErrors // key "code", and "form"
}

// LoginEventView is one row of the sign-in history.
type LoginEventView struct {
	At          time.Time
	Event       string // shown through "event.<Event>"
	Method      string // shown through "method.<Method>"; may be empty
	IP          string
	Browser, OS string
}

// SecurityOverview feeds the security page's cards and its history.
type SecurityOverview struct {
	Email string
	// Customer offers closing the account (staff accounts are the admins').
	Customer          bool
	HasPassword       bool
	PasswordChangedAt *time.Time
	TOTPEnabled       bool
	TOTPEnabledAt     *time.Time
	RecoveryCodesLeft int64
	SessionCount      int64
	Events            []LoginEventView
	EventsPagination  Pagination
}

// ConfirmForm asks for a fresh proof of identity before a sensitive change.
type ConfirmForm struct {
	Next        string
	HasPassword bool
	HasTOTP     bool
	Errors      FieldErrors // keys "password", "code", and "form"
}

// PasswordForm never carries a password: none is ever echoed back.
type PasswordForm struct {
	// HasPassword picks the words: "Change your password" for an account
	// that has one (even when a fresh emailed code spares the current
	// one), "Set a password" for one that never had one.
	HasPassword  bool
	NeedsCurrent bool
	Errors       FieldErrors // keys "current", "new", "confirm", and "form"
}

// TOTPStatus is the two-factor page's state.
type TOTPStatus struct {
	Enabled           bool
	EnabledAt         *time.Time
	RecoveryCodesLeft int64
	Mandatory         bool // staff and admins may not turn it off
}

// TOTPSetup is the pending secret being confirmed.
type TOTPSetup struct {
	Secret    string      // already grouped for reading
	QRDataURI string      // data:image/png;base64,...
	Errors    FieldErrors // key "code"
}

// EmailChangeForm asks for the new address.
type EmailChangeForm struct {
	Current  string
	NewEmail string
	Errors   FieldErrors // key "email", and "form"
}

// EmailConfirmForm takes the code sent to the new address.
type EmailConfirmForm struct {
	NewEmail string
	Errors   FieldErrors // key "code", and "form"
}

// SessionView is one signed-in device.
type SessionView struct {
	ID                    int64
	Browser, OS, IP       string
	CreatedAt, LastSeenAt time.Time
	Current               bool
}

// StaffMember is one row of the staff accounts table.
type StaffMember struct {
	ID                int64
	Name, Email, Role string
	TOTPEnabled       bool
	CreatedAt         time.Time
	// Self is the admin looking at the list: their own second factor is
	// changed on their Security page, not reset here.
	Self bool
}

// StaffForm is the "add a staff member" form as last submitted.
type StaffForm struct {
	Email, Name, Role string
	Errors            FieldErrors // keys "email", "name", "role", and "form"
}

// staffRoles are the roles an admin may give a new member, in menu order.
var staffRoles = []string{"staff", "admin"}

// eventLabel spells out each id literally so the catalog test sees them; an
// event the views do not know yet is shown as its code rather than hidden.
func eventLabel(ctx context.Context, event string) string {
	return Label(ctx, FamilyLoginEvent, event)
}

// eventAlerts marks the events a reader should notice in their history.
func eventAlerts(event string) bool {
	return event == "signin_failed" || event == "lockout"
}

func methodLabel(ctx context.Context, method string) string {
	return Label(ctx, FamilyLoginMethod, method)
}

// deviceLabel reads "Firefox on Linux", or whichever half is known.
func deviceLabel(ctx context.Context, browser, os string) string {
	browser, os = strings.TrimSpace(browser), strings.TrimSpace(os)
	switch {
	case browser == "" && os == "":
		return i18n.T(ctx, "security.device_unknown")
	case os == "":
		return browser
	case browser == "":
		return os
	}
	return i18n.T(ctx, "security.device", "Browser", browser, "OS", os)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func sessionRevokeURL(id int64) string {
	return "/security/sessions/" + strconv.FormatInt(id, 10) + "/revoke"
}

func staffResetURL(id int64) string {
	return "/admin/staff/" + strconv.FormatInt(id, 10) + "/reset-2fa"
}

// otherSessions counts the sessions a "sign out all others" would end.
func otherSessions(sessions []SessionView) int {
	n := 0
	for _, s := range sessions {
		if !s.Current {
			n++
		}
	}
	return n
}

// recoveryCodesURL is the codes as a downloadable text file, one per line.
// templ refuses data: URLs in href, rightly for anything a user supplies;
// this one is built here from codes the portal generated, percent-encoded
// whole, so it can only ever be plain text.
func recoveryCodesURL(codes []string) templ.SafeURL {
	var b strings.Builder
	for _, c := range codes {
		b.WriteString(c)
		b.WriteString("\n")
	}
	return templ.SafeURL("data:text/plain;charset=utf-8," + strings.ReplaceAll(url.QueryEscape(b.String()), "+", "%20"))
}

// qrImageSrc keeps only a PNG data URI, so the src can never point away.
func qrImageSrc(uri string) string {
	if strings.HasPrefix(uri, "data:image/png;base64,") {
		return uri
	}
	return ""
}

// codeValidMinutes is how long an emailed sign-in code lasts, as the
// code-entry page tells the reader; it must match the auth service's TTL.
const codeValidMinutes = 15

func roleOptions(ctx context.Context) []option {
	out := make([]option, 0, len(staffRoles))
	for _, r := range staffRoles {
		out = append(out, option{Value: r, Label: roleLabel(ctx, r)})
	}
	return out
}
