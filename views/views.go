// Package views renders the portal's pages with templ. Components take typed
// parameters; every visible text goes through i18n.T so a page is whole in
// each supported language. Pages carry no inline style or script, because
// the CSP is default-src 'self'.
package views

import (
	"github.com/photolab/privacyportal/models"
)

// PageUser is the signed-in user as the layout shows them.
type PageUser struct {
	Name, Email string
	Role        string // "customer" | "staff" | "admin"
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind    string // "success" | "error" | "info"
	Message string // already translated
}

// Page is what the layout needs on every page.
type Page struct {
	Title   string // already translated
	Locale  string // should equal i18n.Locale(ctx), which the texts follow
	User    *PageUser
	Flashes []Flash
	Path    string // current request path and query, where the language switcher returns
	// SetupRequired is a staff member or admin who has not enrolled
	// two-factor authentication yet: every route but the set-up sends
	// them back to it, so the page offers no link elsewhere.
	SetupRequired bool
	// LanguageOffer, when set, asks whether mails should follow the
	// language just chosen in the header.
	LanguageOffer *LanguageOffer
	// Refresh reloads the page every so many seconds when JavaScript is
	// off (a <noscript> meta refresh); 0: never. Script is an asset that
	// enhances the page where it is on (its "js/…" name).
	Refresh int
	Script  string
}

// LanguageOffer is the one-time notice after the header's language choice
// differs from the account's preferred language (the one mails use).
type LanguageOffer struct {
	Code       string // the language the pages are now in, offered for mails
	PagesName  string // that language, named in itself
	MailsName  string // the preferred language, named in itself
	ReturnPath string
}

// FieldErrors maps a form field name to its translated message.
type FieldErrors map[string]string

// SignInForm is what the sign-in page shows back after a failed attempt.
// It has no password field on purpose: a password is never echoed.
type SignInForm struct {
	Email  string
	Next   string
	Errors FieldErrors // keys "email", "password", and "form" for a general error
}

// Pagination describes one page of a longer list.
type Pagination struct {
	Page, PerPage int
	Total         int64
	BaseURL       string // links add ?page=N, or &page=N if BaseURL has a query
}

// OutboxList is one page of the admin outbox.
type OutboxList struct {
	Items          []models.OutboxMessage
	Pagination     Pagination
	SMTPConfigured bool
	Form           OutboxForm // the test-mail form, shown back after a bad address
}

// OutboxForm is the "send a test message" form as last submitted.
type OutboxForm struct {
	To     string
	Errors FieldErrors // key "to"
}

// AuditList is one page of the audit log with the result of the chain check.
type AuditList struct {
	Items []models.AuditEntry
	// Names are the display names of the users the page mentions; an id
	// missing from it is a deleted account.
	Names       map[int64]string
	Pagination  Pagination
	Filter      AuditFilter
	Staff       []AuditPerson // the actor filter's choices
	ChainIntact bool
	BrokenID    int64 // first entry whose hash does not match, when !ChainIntact
	Checked     int64 // entries verified
	// Verified is false until an admin asks for the check: it reads the
	// whole log, so it is not done on every view.
	Verified bool
}

// AdminStats feeds the admin home page's cards.
type AdminStats struct {
	Users      map[string]int64 // by role
	OutboxHeld int64
	JobsDead   int64
}

// setupPath is where staff and admins without two-factor are sent.
const setupPath = "/security/2fa"

// homeOf is where the brand and "go home" links lead: the set-up while it
// is required (the home would only send the person back to it).
func homeOf(p Page) string {
	if p.SetupRequired {
		return setupPath
	}
	return HomeURL(p.User)
}

// securityOf is where "back" and "cancel" links of the security pages
// lead: the overview, or the set-up while the overview is out of reach.
func securityOf(p Page) string {
	if p.SetupRequired {
		return setupPath
	}
	return "/security"
}

// HomeURL is the landing page for a user's role; "/" when signed out.
func HomeURL(u *PageUser) string {
	if u == nil {
		return "/"
	}
	if r := models.Role(u.Role); r.Valid() {
		return r.Home()
	}
	return "/"
}
