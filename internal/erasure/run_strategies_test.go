package erasure

import (
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/models"
)

// TestRunAlternativeStrategies runs the strategies other than the
// defaults (the defaults are TestRunErasesEverything's): orders deleted
// keep no invoice, requests deleted keep only the request being carried
// out, consents deleted are cut from the person as when suppressed. The
// PII walk holds for every one.
func TestRunAlternativeStrategies(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		f := seed(t, db, 4)
		if err := SeedStrategies(t.Context(), db.DB, testNow); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, `UPDATE erasure_strategies SET strategy = 'delete' WHERE category IN ('orders', 'requests', 'consents')`)
		if err := f.s.Run(t.Context(), f.erasureID); err != nil {
			t.Fatal(err)
		}
		steps := f.steps(t)
		for _, k := range []string{holdings.KeyOrders, holdings.KeyRequests, holdings.KeyConsents} {
			if steps[k].Strategy != models.StrategyDelete {
				t.Errorf("%s ran %q", k, steps[k].Strategy)
			}
		}
		if o := steps[holdings.KeyOrders]; o.Removed != 4 || o.Retained != 0 || o.Reason != "" {
			t.Errorf("orders deleted: %+v", o)
		}
		if n := count(t, db, "retained_invoices", "1 = 1"); n != 0 {
			t.Errorf("%d invoices kept under delete", n)
		}
		// The customer's two other requests are gone; theirs stays, blank.
		if r := steps[holdings.KeyRequests]; r.Retained != 1 || r.Reason != holdings.ReasonRecord {
			t.Errorf("requests deleted: %+v", r)
		}
		if n := count(t, db, "privacy_requests", "requester_email = '' AND user_id IS NULL"); n != 1 {
			t.Errorf("%d blank request records, want the erasure's own", n)
		}
		if count(t, db, "privacy_requests", "id = ?", f.requestID) != 1 {
			t.Error("the request being carried out was deleted")
		}
		if c := steps[holdings.KeyConsents]; c.Removed != 3 || count(t, db, "consent_evidences", "1 = 1") != 0 {
			t.Errorf("consents deleted: %+v", c)
		}
		for col, n := range piiHits(t, db, needles) {
			if _, ok := allowedAfterErasure[col]; !ok || col != "erasures.report_email" {
				t.Errorf("after the erasure %q is still in %s", n, col)
			}
		}
		if e := f.erasure(t); e.Status != models.ErasureCompleted {
			t.Errorf("status %s", e.Status)
		}
	})
}

// TestRunWithoutAccount: an erasure of a requester who has no account
// (UserID nil) erases what is kept by address: requests, the address's
// consent subject, mail.
func TestRunWithoutAccount(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	f := seed(t, db, 1)
	// The public request is the requester's; drop the account's link.
	mustExec(t, db, `UPDATE erasures SET user_id = NULL, request_id = NULL`)
	if err := f.s.Run(t.Context(), f.erasureID); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "privacy_requests", "user_id IS NULL AND requester_email = ''"); n != 1 {
		t.Errorf("%d of the address's requests blanked, want the signed-out one", n)
	}
	if n := count(t, db, "outbox_messages", "to_address = ?", pEmail); n != 0 {
		t.Error("mail to the address is left")
	}
	// The signed-out subject is cut from the address; the account that
	// still holds it carries the suppression list's mark instead (consent
	// reads it to keep that account out of every audience).
	if n := count(t, db, "consent_subjects", "email_hash IS NOT NULL AND user_id IS NULL"); n != 0 {
		t.Error("the address's signed-out consent subject still has its hash")
	}
	if count(t, db, "users", "id = ?", f.userID) != 1 || count(t, db, "orders", "user_id = ?", f.userID) != 1 {
		t.Error("the account's rows were touched by an erasure without it")
	}
}
