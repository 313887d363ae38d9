package erasure

import (
	"testing"

	"github.com/photolab/privacyportal/internal/holdings"
)

// exemptionsOnErasure says, for every table outside the registry's
// categories, what an erasure does to the customer's rows there, or why
// it is harmless to leave them. TestRunErasesEverything's PII walk proves
// the claims for the ones that can hold a name, an address or a phone.
var exemptionsOnErasure = map[string]string{
	"audit_entries":      "left: Details never hold personal data; the customer stays a bare id",
	"connected_systems":  "harmless: nothing about a customer",
	"consent_topics":     "harmless: the business's texts",
	"data_categories":    "harmless: the business's texts",
	"data_purposes":      "harmless: the business's texts",
	"dormancy_notices":   "deleted by the profile step (and with the account)",
	"email_codes":        "deleted by account and by address (logins and profile steps)",
	"erasure_steps":      "written by the run: counts, reason ids, a legal basis",
	"erasures":           "user_id cleared when the account goes; subject_ref a keyed hash; report_email until the report is delivered",
	"exports":            "deleted with their files by the profile step",
	"goose_db_version":   "harmless: migrations",
	"holding_tallies":    "follow the rows deleted; with the account",
	"job_schedules":      "harmless: schedules",
	"jobs":               "deleted when their payload names the address or the account (profile step), except one running",
	"outbox_messages":    "mail to the address deleted (profile step); the report is mailed after, marked Forget",
	"policy_versions":    "harmless: the business's texts",
	"recovery_codes":     "deleted (logins and profile steps)",
	"request_codes":      "deleted with the customer's requests' children (requests step)",
	"request_documents":  "deleted with their files (requests step)",
	"retained_invoices":  "written by the orders step: what bookkeeping keeps, until retain_until",
	"revisions":          "harmless: cache counters",
	"settings":           "harmless: admins' rules",
	"sign_in_throttles":  "harmless: keyed hashes of an address or IP, deleted once quiet",
	"suppressions":       "written by the run (suppress): a keyed hash, never the address",
	"system_tasks":       "written by the run (Dispatch): the payload names the customer until the system acknowledges",
	"vault_deletions":    "written by the run: random file names, until the files are gone",
	"webhook_deliveries": "harmless: status codes and errors, no body",
}

// TestEveryExemptionIsDecided fails on a table added to the exemptions
// without saying what erasure does with it.
func TestEveryExemptionIsDecided(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, e := range holdings.Exemptions {
		seen[e.Table] = true
		if exemptionsOnErasure[e.Table] == "" {
			t.Errorf("exempted table %s: say what an erasure does to a customer's rows there", e.Table)
		}
	}
	for table := range exemptionsOnErasure {
		if !seen[table] {
			t.Errorf("%s is decided here but no longer exempted", table)
		}
	}
}
