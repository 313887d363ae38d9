package audit

import (
	"slices"
	"strings"
)

// Actions lists every action the portal records, grouped by the prefix the
// admin page filters on. Each has a short label and a sentence in every
// language; a test scans the sources for actions written in calls to By
// and record and fails when one is missing here, so a new action cannot
// reach the log page untranslated.
var Actions = []string{
	"auth.signin", "auth.signin_failed", "auth.lockout", "auth.signout", "auth.recovery_code_used",
	"account.email_changed", "account.password_changed", "account.totp_enabled", "account.totp_disabled",
	"account.recovery_codes_regenerated", "account.session_revoked", "account.sessions_revoked",
	"account.locale_changed",
	"profile.updated",
	"policy.acknowledged",
	"admin.created", "admin.staff_created", "admin.totp_reset", "admin.job_retried",
	"admin.outbox_read", "admin.mail_test",
	"settings.changed",
	"catalog.category_changed",
	// Privacy requests: one action per row of the transition table
	// (internal/requests writes "request."+action in move), then what
	// happens around a request.
	"request.file", "request.verify", "request.reject_identity", "request.require_document", "request.ask",
	"request.answer", "request.approve", "request.hand_off", "request.complete", "request.deny", "request.cancel",
	"request.expire", "request.mark_duplicate", "request.extend", "request.assign",
	"request.jurisdiction", "request.stop_erasure",
	"request.viewed", "request.message", "request.note", "request.email_confirmed", "request.knowledge_checked",
	"request.document_uploaded", "request.document_viewed", "request.document_destroyed", "request.correction_applied",
	"customer.looked_up", "customer.viewed",
	"hold.placed", "hold.released",
	"restriction.placed", "restriction.lift_announced", "restriction.lifted",
	"objection.recorded",
	// Download packages (internal/export), and a note withheld from one.
	"export.requested", "export.ready", "export.downloaded", "export.expired", "export.resent", "export.failed",
	"request.note_withheld",
	// Consent (internal/consent): staff downloading a customer's proof.
	"consent.proof_downloaded",
	// Erasure (internal/erasure): the cool-off.
	"erasure.scheduled", "erasure.started", "erasure.cancelled", "erasure.waived",
	// Connected systems (internal/erasure): admins' changes, and the tasks
	// passed on to the systems, ticked off by staff or acknowledged.
	"systems.created", "systems.updated", "systems.enabled", "systems.disabled", "systems.deleted", "systems.rotated",
	"tasks.completed", "tasks.retried", "tasks.acknowledged",
	// The erasure engine (internal/erasure): a run's end, an admin's
	// strategy, staff reading a retained invoice.
	"erasure.finished", "erasure.strategy_changed", "retained.viewed",
}

// ActionPrefixes are the groups of Actions ("auth.", "account." …) in the
// order they first appear.
func ActionPrefixes() []string {
	var out []string
	for _, a := range Actions {
		p, _, _ := strings.Cut(a, ".")
		if p += "."; !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// KnownAction reports whether s is a listed action.
func KnownAction(s string) bool { return slices.Contains(Actions, s) }
