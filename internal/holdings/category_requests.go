package holdings

import "github.com/photolab/privacyportal/models"

// KeyRequests is the customer's privacy requests: each request, its
// timeline, its messages, the corrections it asked for and the staff's
// notes about it (notes are the customer's personal data too, shown to
// them only through the export, where a note may be withheld). The pages
// and the rules are the requests service's (internal/requests).
const KeyRequests = "requests"

type requestsCategory struct{}

func (requestsCategory) Key() string  { return KeyRequests }
func (requestsCategory) Path() string { return "/account/requests" }

func (requestsCategory) Tables() []string {
	return []string{"privacy_requests", "request_events", "request_messages", "request_notes", "request_corrections",
		"legal_holds", "restrictions", "marketing_objections"}
}

// Tally counts the requests themselves; a customer has few, so a count
// on the user's index costs less than a trigger on every message.
func (requestsCategory) Tally() Tally {
	return Tally{SQL: `SELECT 'requests' AS k, COUNT(*) AS n, MAX(updated_at) AS last
		FROM privacy_requests WHERE user_id = ?`, Binds: 1}
}

// Correctable: none. A request and its timeline are the evidence of how
// it was answered; the requester adds to it by messages.
func (requestsCategory) Correctable() []Correctable { return nil }

// Export: the requests and everything about them, including staff's
// notes (personal data too, Art. 15) unless staff withheld one under an
// exemption: its text is then left out and the record says why. The
// holds, restrictions and objections on the customer's data are here as
// well: they are what the requests, or staff, decided about it.
func (requestsCategory) Export() []Set {
	// A request is the customer's by the account, or, for a requester
	// without one, by being the request the export answers.
	mine := func(s Subject) []any { return []any{s.UserID, s.RequestID} }
	child := func(table string) string {
		return table + " t JOIN privacy_requests r ON r.id = t.request_id WHERE r.user_id = ? OR r.id = ?"
	}
	byU := func(s Subject) []any { return []any{s.UserID} }
	staffID := "the staff member's account: another person's data"
	return []Set{
		{Name: "requests", Table: "privacy_requests", From: "privacy_requests t WHERE t.user_id = ? OR t.id = ?", Args: mine,
			Fields: []Field{f("id", FieldInt), f("kind", FieldString), f("status", FieldString), f("channel", FieldString),
				f("jurisdiction", FieldString), f("requester_email", FieldString), f("requester_name", FieldString),
				f("locale", FieldString), f("details", FieldString), f("categories", FieldString), f("objection_ground", FieldString),
				f("agent_name", FieldString), f("agent_email", FieldString), f("received_at", FieldTime),
				fn("email_verified_at", FieldTime), fn("verified_at", FieldTime), f("verification_method", FieldString),
				f("verification_note", FieldString), f("document_required", FieldBool), f("doubt_reason", FieldString),
				fn("declared_at", FieldTime), f("first_due_at", FieldTime), f("due_at", FieldTime), fn("extended_at", FieldTime),
				f("extension_reason", FieldString), fn("paused_at", FieldTime), fn("duplicate_of_id", FieldInt),
				fn("repeat_of_id", FieldInt), f("deny_code", FieldString), f("deny_text", FieldString), fn("closed_at", FieldTime),
				fn("created_at", FieldTime), fn("updated_at", FieldTime)},
			Excluded: map[string]string{
				"user_id":           "the account the export is for",
				"assignee_id":       staffID,
				"verified_by_id":    staffID,
				"status_token_hash": "the hash of the secret in the status link: a credential",
				"reminder_sent_at":  "when staff were reminded of the deadline: the shop's own workflow",
				"overdue_sent_at":   "when staff were told the deadline passed: the shop's own workflow",
				"staff_notified_at": "when staff were told of the request: the shop's own workflow",
			}},
		{Name: "events", Table: "request_events", From: child("request_events"), Args: mine,
			Fields: []Field{f("id", FieldInt), f("request_id", FieldInt), f("at", FieldTime), f("actor_kind", FieldString),
				f("action", FieldString), f("from_status", FieldString), f("to_status", FieldString), f("note", FieldString)},
			Excluded: map[string]string{"actor_id": staffID + "; actor_kind says who acted"}},
		{Name: "messages", Table: "request_messages", From: child("request_messages"), Args: mine,
			Fields: []Field{f("id", FieldInt), f("request_id", FieldInt), f("at", FieldTime), f("author_kind", FieldString),
				f("body", FieldString)},
			Excluded: map[string]string{"author_id": staffID + "; author_kind says who wrote"}},
		{Name: "notes", Table: "request_notes", From: child("request_notes"), Args: mine,
			Fields: []Field{f("id", FieldInt), f("request_id", FieldInt), f("at", FieldTime),
				{Name: "body", Column: "body", Expr: "CASE WHEN t.withheld = '' THEN t.body END", Type: FieldString, Null: true},
				f("withheld", FieldString), fn("withheld_at", FieldTime)},
			Excluded: map[string]string{"author_id": staffID}},
		{Name: "corrections", Table: "request_corrections", From: child("request_corrections"), Args: mine,
			Fields: []Field{f("id", FieldInt), f("request_id", FieldInt), f("category", FieldString), f("record_id", FieldInt),
				f("field", FieldString), f("current_value", FieldString), f("proposed_value", FieldString), f("reason", FieldString),
				fn("applied_at", FieldTime)}},
		{Name: "holds", Table: "legal_holds", From: "legal_holds t WHERE t.user_id = ?", Args: byU,
			Fields: []Field{f("id", FieldInt), f("categories", FieldString), f("reason", FieldString), fn("placed_at", FieldTime),
				fn("released_at", FieldTime), f("release_reason", FieldString)},
			Excluded: map[string]string{"user_id": "the account the export is for", "placed_by_id": staffID, "released_by_id": staffID}},
		{Name: "restrictions", Table: "restrictions", From: "restrictions t WHERE t.user_id = ?", Args: byU,
			Fields: []Field{f("id", FieldInt), f("category", FieldString), fn("request_id", FieldInt), f("ground", FieldString),
				f("reason", FieldString), fn("placed_at", FieldTime), fn("lift_notice_at", FieldTime), fn("lifts_at", FieldTime),
				fn("lifted_at", FieldTime)},
			Excluded: map[string]string{"user_id": "the account the export is for", "lifted_by_id": staffID}},
		{Name: "objections", Table: "marketing_objections", From: "marketing_objections t WHERE t.user_id = ?", Args: byU,
			Fields:   []Field{f("id", FieldInt), f("email", FieldString), fn("request_id", FieldInt), f("recorded_at", FieldTime)},
			Excluded: map[string]string{"user_id": "the account the export is for"}},
	}
}

// Erasure: the records of requests stay, naming nobody (pseudonymize), so
// the business can show how it answered them; delete removes them too,
// except the erasure request being carried out (erase_requests.go).
func (requestsCategory) Erasure() Erasure {
	return Erasure{Default: models.StrategyPseudonymize, Allowed: []string{models.StrategyPseudonymize, models.StrategyDelete},
		LegalBasis: "Records of privacy requests and how they were answered are kept for 24 months (CCPA regulations §7101), without the requester's identity."}
}

func (requestsCategory) Erase(job EraseJob) (Outcome, error) { return eraseRequests(job) }

// Expiries: the closed request records (24 months, CCPA §7101) are a
// housekeeping rule of internal/retention, which also lists their
// documents' files; ID documents and unverified requests have their own
// sweeps in internal/requests.
func (requestsCategory) Expiries() []Expiry { return nil }
