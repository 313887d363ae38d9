package settings

import "time"

// Privacy request rules (internal/requests). Verification is proportionate
// by default (EDPB Guidelines 01/2022): a signed-in customer who has just
// confirmed their password is verified; the public form proves the email
// and asks for data the shop already holds; an ID document only where a
// rule asks for it. A shop may require a document for a kind, as the
// ID-photo studio's policy does for removal.
var (
	RequestJurisdiction = Enum("requests.jurisdiction", "gdpr", "gdpr", "ccpa")
	// RequestPauseForIdentity stops the GDPR clock while the requester owes
	// identity proof (some regulators accept it; CCPA's never stops).
	RequestPauseForIdentity = Bool("requests.pause_for_identity", true)
	RequestCodeTTL          = Duration("requests.code.ttl", 15*time.Minute, 5*time.Minute, time.Hour)
	RequestCodeAttempts     = Int("requests.code.max_attempts", 5, 1, 10)
	// RequestUnverifiedExpiry closes a public request whose email was never
	// proven.
	RequestUnverifiedExpiry = Duration("requests.unverified_expiry", 14*24*time.Hour, 24*time.Hour, 90*24*time.Hour)
	// RequestDocumentGrace is how long an ID document is kept after the
	// identity decision (0: destroyed at once; the sweep is the backstop).
	RequestDocumentGrace = Duration("requests.document.grace", 0, 0, 30*24*time.Hour)
	// RequestStaffNotify: a mail to staff per new verified request, or one
	// daily digest.
	RequestStaffNotify = Enum("requests.staff_notify", "each", "each", "digest")
	// RequestReminderBefore is how long before the deadline the assignee
	// (or all staff) is reminded.
	RequestReminderBefore = Duration("requests.reminder_before", 7*24*time.Hour, 24*time.Hour, 30*24*time.Hour)
	// RequestLiftNotice is how long after the requester is told that a
	// restriction will be lifted the lifting takes effect (Art. 18(3)).
	RequestLiftNotice = Duration("requests.restriction.lift_notice", 72*time.Hour, 0, 30*24*time.Hour)
	// RequestAuthorityName and RequestAuthorityURL name the supervisory
	// authority a refused or expired request's mail points to (Art. 12(4)):
	// "CNIL", "https://www.cnil.fr". Empty: the mail says "your data
	// protection authority".
	RequestAuthorityName = String("requests.authority.name", "", 200)
	RequestAuthorityURL  = String("requests.authority.url", "", 300)
)

// Verification levels a rule may ask for, from lightest to strictest.
const (
	VerifySession   = "session"   // signed in, recently re-authenticated
	VerifyKnowledge = "knowledge" // proven email and two data points held (CCPA: reasonable degree of certainty)
	VerifyStrict    = "strict"    // proven email, three data points and a signed declaration (reasonably high)
	VerifyDocument  = "document"  // as above, plus an ID document
)

// Verification rules per channel and kind: requests.verify.<channel>.<kind>.
var (
	VerifyPortal = map[string]Setting[string]{}
	VerifyPublic = map[string]Setting[string]{}
)

func init() {
	for _, kind := range []string{"access", "portability", "rectification", "erasure", "restriction", "objection"} {
		VerifyPortal[kind] = Enum("requests.verify.portal."+kind, VerifySession, VerifySession, VerifyDocument)
		def := VerifyKnowledge
		if kind == "access" || kind == "portability" {
			// A copy of the data itself: specific pieces (§7062(c)).
			def = VerifyStrict
		}
		VerifyPublic[kind] = Enum("requests.verify.public."+kind, def, VerifyKnowledge, VerifyStrict, VerifyDocument)
	}
}
