package holdings

import "github.com/photolab/privacyportal/models"

// KeyConsents is the customer's marketing choices and their full history:
// the consent ledger (internal/consent) under the pseudonymous subject
// that stands for the account, with the request evidence of each change,
// and the privacy policy versions acknowledged.
const KeyConsents = "consents"

type consentsCategory struct{}

func (consentsCategory) Key() string  { return KeyConsents }
func (consentsCategory) Path() string { return "/account/preferences/history" }

// Tables: the ledger's rows are the subject's; consent_events has no
// delete path at all (erasure cuts the subject from the account and
// deletes the evidence, and the ledger then proves withdrawals without
// naming anyone).
func (consentsCategory) Tables() []string {
	return []string{"consent_subjects", "consent_states", "consent_events", "consent_evidences", "policy_acks"}
}

// Tally counts the ledger's events: a customer has tens, not thousands.
func (consentsCategory) Tally() Tally {
	return Tally{SQL: `SELECT 'consents' AS k, COUNT(*) AS n, MAX(e.at) AS last
		FROM consent_events e JOIN consent_subjects s ON s.id = e.subject_id WHERE s.user_id = ?`, Binds: 1}
}

// Correctable: none. Choices are changed on the preferences page, and
// the ledger is evidence that is never rewritten.
func (consentsCategory) Correctable() []Correctable { return nil }

// Export: the current choices, every change with its method and the
// wording shown, the evidence kept of each, and the policy versions
// acknowledged.
func (consentsCategory) Export() []Set {
	byU := func(s Subject) []any { return []any{s.UserID} }
	subject := " JOIN consent_subjects s ON s.id = t.subject_id WHERE s.user_id = ?"
	own := map[string]string{"subject_id": "the ledger's pseudonymous number for the account"}
	return []Set{
		{Name: "subject", Table: "consent_subjects", One: true, From: "consent_subjects t WHERE t.user_id = ?", Args: byU,
			Fields: []Field{fn("created_at", FieldTime)},
			Excluded: map[string]string{
				"id":         "the ledger's pseudonymous number for the account",
				"user_id":    "the account the export is for",
				"email_hash": "a keyed hash of the address, meaningless outside the portal; it keeps a withdrawal attached to the address after erasure",
			}},
		{Name: "choices", Table: "consent_states", From: "consent_states t" + subject, Args: byU,
			Order: "t.purpose, t.topic, t.channel",
			Fields: []Field{f("purpose", FieldString), f("topic", FieldString), f("channel", FieldString), f("status", FieldString),
				fn("pending_until", FieldTime), fn("updated_at", FieldTime)},
			Excluded: map[string]string{"subject_id": own["subject_id"], "event_id": "the ledger event that set the choice, listed in history"}},
		{Name: "history", Table: "consent_events", From: "consent_events t" + subject, Args: byU,
			Fields: []Field{f("id", FieldInt), f("at", FieldTime), f("purpose", FieldString), f("topic", FieldString),
				f("channel", FieldString), f("action", FieldString), f("method", FieldString), f("policy_version", FieldString),
				f("wording_hash", FieldString), f("locale", FieldString)},
			Excluded: own},
		{Name: "evidence", Table: "consent_evidences",
			From: "consent_evidences t JOIN consent_events e ON e.id = t.event_id JOIN consent_subjects s ON s.id = e.subject_id WHERE s.user_id = ?",
			Args: byU, Order: "t.event_id",
			Fields: []Field{f("event_id", FieldInt), f("ip", FieldString), f("user_agent", FieldString)}},
		{Name: "policy_acks", Table: "policy_acks", From: "policy_acks t WHERE t.user_id = ?", Args: byU,
			Fields:   []Field{f("policy_version_id", FieldInt), f("acknowledged_at", FieldTime)},
			Excluded: map[string]string{"id": "the portal's number for the row", "user_id": "the account the export is for"}},
	}
}

// Erasure: the ledger is cut from the person; suppress also keeps the
// address's keyed hash so no marketing and no import reaches it again.
func (consentsCategory) Erasure() Erasure {
	return Erasure{Default: models.StrategySuppress, Allowed: []string{models.StrategySuppress, models.StrategyDelete},
		LegalBasis: "The consent ledger proves when consent was given and withdrawn (GDPR Art. 7(1)); after an erasure it names nobody."}
}

func (consentsCategory) Erase(job EraseJob) (Outcome, error) { return eraseConsents(job) }

// Expiries: none here. The ledger is the proof of every choice and is kept
// while the subject exists; unconfirmed double opt-ins expire through
// consent's own hourly sweep (retention lists it among its delegated rules).
func (consentsCategory) Expiries() []Expiry { return nil }
