package erasure

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TestRunErasesEverything is the whole erasure of a customer with rows in
// every table: each category's step, the PII walk over the migrated
// schema (outbox and job payloads included) finding the customer only in
// the retained invoices, the vault files gone, the bystander untouched,
// the request completed and the account gone.
func TestRunErasesEverything(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		f := seed(t, db, 8)
		if hits := piiHits(t, db, needles); len(hits) < 15 {
			t.Fatalf("the fixture should name the customer across the schema; found in %d columns: %v", len(hits), hits)
		}
		if err := f.s.Run(t.Context(), f.erasureID); err != nil {
			t.Fatal(err)
		}
		for col, n := range piiHits(t, db, needles) {
			if _, ok := allowedAfterErasure[col]; !ok {
				t.Errorf("after the erasure %q is still in %s", n, col)
			}
		}
		for _, k := range f.files {
			if f.s.Vault.Exists(k) {
				t.Errorf("vault file %s is still there", k)
			}
		}
		if !f.s.Vault.Exists(f.otherFile) {
			t.Error("the bystander's photo file is gone")
		}
		if n := count(t, db, "vault_deletions", "1 = 1"); n != 0 {
			t.Errorf("%d files still listed for deletion", n)
		}

		steps := f.steps(t)
		if len(steps) != len(holdings.Entries()) {
			t.Fatalf("%d steps, want one per category: %v", len(steps), steps)
		}
		want := map[string]struct {
			strategy          string
			removed, retained int64
		}{
			holdings.KeyOrders:   {models.StrategyRetain, 2, 6},
			holdings.KeyPayments: {models.StrategyDelete, 7, 0},
			holdings.KeyPhotos:   {models.StrategyDelete, 1, 0},
			holdings.KeyContact:  {models.StrategyDelete, 1, 0},
			holdings.KeySurveys:  {models.StrategyDelete, 1, 0},
			holdings.KeyLogins:   {models.StrategyDelete, 2, 0},
			// 1 document, 2 messages... of the customer's requests: 1
			// document, 1 message, 1 note, 1 correction, 1 code, 1 objection.
			holdings.KeyRequests: {models.StrategyPseudonymize, 6, 3},
			// Two evidences and the acknowledgement; the two events stay.
			holdings.KeyConsents: {models.StrategySuppress, 3, 2},
			// Profile, two addresses, one change, the account.
			holdings.KeyProfile: {models.StrategyDelete, 5, 0},
		}
		for k, w := range want {
			got := steps[k]
			if got.Strategy != w.strategy || got.Removed != w.removed || got.Retained != w.retained {
				t.Errorf("%s: step %s removed %d retained %d, want %s %d %d", k, got.Strategy, got.Removed, got.Retained,
					w.strategy, w.removed, w.retained)
			}
		}
		if o := steps[holdings.KeyOrders]; o.Reason != holdings.ReasonBookkeeping || o.Basis == "" || o.RetainedUntil == nil ||
			!o.RetainedUntil.Equal(time.Date(2037, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("orders step: reason %q basis %q until %v, want bookkeeping until 2037-01-01 (fiscal 2026 + 10 years)",
				o.Reason, o.Basis, o.RetainedUntil)
		}

		// The invoices: one per paid order, with what bookkeeping needs.
		var inv []models.RetainedInvoice
		if err := db.Order("number").Find(&inv).Error; err != nil {
			t.Fatal(err)
		}
		if len(inv) != f.paid {
			t.Fatalf("%d retained invoices, want %d", len(inv), f.paid)
		}
		i := inv[0]
		if i.BuyerName != pFirst+" "+pLast || i.BillingAddress != pStreet+"\n"+pPost+" Oxford" || i.Country != "GB" ||
			i.TotalCents != 2400 || i.TaxCents != 400 || i.PaymentReference != "stripe •••• 4242" || i.ErasureID == nil ||
			i.Items != `[{"description":"Print 10x15","quantity":2,"unit_price_cents":1000},{"description":"Frame","quantity":1,"unit_price_cents":400}]` ||
			i.LegalBasis == "" {
			t.Errorf("retained invoice: %+v", i)
		}

		// The account is gone; the bystander's data all stayed.
		if n := count(t, db, "users", "id = ?", f.userID); n != 0 {
			t.Error("the account is still there")
		}
		for table, where := range map[string]string{"orders": "user_id = ?", "payments": "user_id = ?", "photos": "user_id = ?",
			"contact_messages": "user_id = ?", "login_events": "user_id = ?", "addresses": "user_id = ?", "profiles": "user_id = ?",
			"privacy_requests": "user_id = ? AND requester_email <> ''"} {
			if count(t, db, table, where, f.otherID) == 0 {
				t.Errorf("the bystander lost their %s", table)
			}
		}
		if count(t, db, "outbox_messages", "to_address = ?", "bystander@example.com") != 1 ||
			count(t, db, "request_messages", "body = ?", "Bea's message") != 1 {
			t.Error("the bystander lost mail or messages")
		}
		// The request records stay, naming nobody; the ledger stays.
		if n := count(t, db, "privacy_requests", "requester_email = '' AND user_id IS NULL"); n != 3 {
			t.Errorf("%d pseudonymized request records, want 3", n)
		}
		if n := count(t, db, "consent_events", "1 = 1"); n != 2 {
			t.Errorf("%d consent events, want the 2 of the ledger", n)
		}
		if n := count(t, db, "consent_subjects", "user_id IS NOT NULL OR email_hash IS NOT NULL"); n != 0 {
			t.Errorf("%d consent subjects still point at someone", n)
		}

		e := f.erasure(t)
		if e.Status != models.ErasureCompleted || e.UserID != nil || e.SubjectRef == "" || e.FinishedAt == nil || e.StartedAt == nil {
			t.Errorf("erasure after the run: %+v", e)
		}
		var r models.PrivacyRequest
		if err := db.Take(&r, f.requestID).Error; err != nil || r.Status != models.StatusCompleted {
			t.Errorf("request after the run: %s %v", r.Status, err)
		}
		var a models.AuditEntry
		if err := db.Where("action = ?", "erasure.finished").Take(&a).Error; err != nil {
			t.Fatal(err)
		}
		for _, n := range needles {
			if containsFold(a.Details, n) {
				t.Errorf("the audit entry names the customer: %s", a.Details)
			}
		}

		// Idempotent: a second run changes nothing and fails nothing.
		if err := f.s.Run(t.Context(), f.erasureID); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, "retained_invoices", "1 = 1"); n != int64(f.paid) {
			t.Errorf("a second run left %d invoices", n)
		}
		if n := count(t, db, "audit_entries", "action = ?", "erasure.finished"); n != 1 {
			t.Errorf("%d finish entries after a second run", n)
		}
	})
}

// TestRunKeepsHeldCategory: a legal hold on the orders keeps them whole
// (no invoice copy either), the rest goes, and the account stays with
// sign-in disabled, since held data still needs its owner.
func TestRunKeepsHeldCategory(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		f := seed(t, db, 4)
		create(t, db, &models.LegalHold{UserID: f.userID, Categories: "orders,photos", Reason: "court order", PlacedByID: 1, PlacedAt: testNow})
		create(t, db, &models.ConnectedSystem{Name: "Print system", Kind: models.SystemManual, Enabled: true})
		if err := f.s.Run(t.Context(), f.erasureID); err != nil {
			t.Fatal(err)
		}
		// The connected system is told what to keep as well as what to erase.
		var task models.SystemTask
		if err := db.Where("erasure_id = ?", f.erasureID).Take(&task).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(task.Payload, `"held":["orders","photos"]`) || !strings.Contains(task.Payload, `"erased":["payments",`) {
			t.Errorf("the system's task does not say the scope: %s", task.Payload)
		}
		steps := f.steps(t)
		for _, k := range []string{holdings.KeyOrders, holdings.KeyPhotos} {
			if st := steps[k]; st.Reason != holdings.ReasonHeld || st.Removed != 0 || st.Retained == 0 {
				t.Errorf("%s step: %+v, want held with a count", k, st)
			}
		}
		if steps[holdings.KeyOrders].Retained != 4 || count(t, db, "orders", "user_id = ?", f.userID) != 4 ||
			count(t, db, "order_items", "order_id IN (SELECT id FROM orders WHERE user_id = ?)", f.userID) != 8 {
			t.Error("the held orders did not survive whole")
		}
		if count(t, db, "photos", "user_id = ?", f.userID) != 1 || !f.s.Vault.Exists(f.files[0]) {
			t.Error("the held photo or its file is gone")
		}
		if count(t, db, "retained_invoices", "1 = 1") != 0 {
			t.Error("held orders were copied into invoices")
		}
		if count(t, db, "contact_messages", "user_id = ?", f.userID) != 0 || count(t, db, "profiles", "user_id = ?", f.userID) != 0 {
			t.Error("the categories not held were not erased")
		}
		var u models.User
		if err := db.Take(&u, f.userID).Error; err != nil {
			t.Fatalf("the account went although data is held: %v", err)
		}
		if u.PasswordHash != "" || u.TOTPSecret != "" || u.Name != "" || count(t, db, "sessions", "user_id = ?", f.userID) != 0 ||
			count(t, db, "recovery_codes", "user_id = ?", f.userID) != 0 {
			t.Errorf("sign-in is not disabled: %+v", u)
		}
		// Nor can an emailed code reach it: the address is gone from the
		// account, free for a new one.
		if u.Email != "erased-"+strconv.FormatInt(u.ID, 10)+"@erased.invalid" || count(t, db, "users", "email = ?", pEmail) != 0 {
			t.Errorf("the kept account still answers to its address: %q", u.Email)
		}
		if st := steps[holdings.KeyProfile]; st.Reason != holdings.ReasonAccount || st.Retained != 1 {
			t.Errorf("profile step %+v, want the account reported as kept", st)
		}
		if e := f.erasure(t); e.UserID == nil || *e.UserID != f.userID {
			t.Error("the erasure lost its account, which still exists")
		}
	})
}

// TestRunNamedCategories: a request naming contact and photos erases
// only those; the account and the rest stay as they were.
func TestRunNamedCategories(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	f := seed(t, db, 2)
	if err := db.Model(&models.PrivacyRequest{}).Where("id = ?", f.requestID).Update("categories", "contact,photos").Error; err != nil {
		t.Fatal(err)
	}
	if err := f.s.Run(t.Context(), f.erasureID); err != nil {
		t.Fatal(err)
	}
	steps := f.steps(t)
	if len(steps) != 2 || steps[holdings.KeyContact].Removed != 1 || steps[holdings.KeyPhotos].Removed != 1 {
		t.Fatalf("steps %v, want contact and photos only", steps)
	}
	if count(t, db, "orders", "user_id = ?", f.userID) != 2 || count(t, db, "profiles", "user_id = ?", f.userID) != 1 ||
		count(t, db, "users", "id = ? AND password_hash <> ''", f.userID) != 1 {
		t.Error("categories the request did not name were touched")
	}
}

// TestRunWaitsForCoolOff: nothing happens before the cool-off ends, and
// a cancelled erasure never runs.
func TestRunWaitsForCoolOff(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	f := seed(t, db, 1)
	if err := db.Model(&models.Erasure{}).Where("id = ?", f.erasureID).Update("cool_off_until", testNow.Add(time.Hour)).Error; err != nil {
		t.Fatal(err)
	}
	if err := f.s.Run(t.Context(), f.erasureID); err != nil {
		t.Fatal(err)
	}
	if e := f.erasure(t); e.Status != models.ErasureCoolingOff || len(f.steps(t)) != 0 {
		t.Fatalf("ran during the cool-off: %s", e.Status)
	}
	if n, err := f.s.Sweep(t.Context()); err != nil || n != 0 {
		t.Fatalf("sweep during the cool-off queued %d (%v)", n, err)
	}
	later := *f.s
	later.Now = func() time.Time { return testNow.Add(2 * time.Hour) }
	if n, err := later.Sweep(t.Context()); err != nil || n != 1 {
		t.Fatalf("sweep after the cool-off queued %d (%v), want 1", n, err)
	}
	if n, err := later.Sweep(t.Context()); err != nil || n != 0 {
		t.Fatalf("a second sweep queued %d (%v), want 0: the job is there", n, err)
	}
	if err := db.Model(&models.Erasure{}).Where("id = ?", f.erasureID).Update("status", models.ErasureCancelled).Error; err != nil {
		t.Fatal(err)
	}
	if err := later.Run(t.Context(), f.erasureID); err != nil || len(f.steps(t)) != 0 {
		t.Fatalf("a cancelled erasure ran: %v", err)
	}
}

// TestRunResumesAfterFailure: a failure injected between categories (the
// database refuses to delete survey answers) stops the run with the
// earlier categories done; the next run skips them and finishes, with
// nothing done twice.
func TestRunResumesAfterFailure(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		f := seed(t, db, 4)
		refuse, allow := refuseDeletes(db, "survey_answers")
		mustExec(t, db, refuse...)
		if err := f.s.Run(t.Context(), f.erasureID); err == nil {
			t.Fatal("the run went through the injected failure")
		}
		first := f.steps(t)
		if _, ok := first[holdings.KeySurveys]; ok || len(first) == 0 || first[holdings.KeyOrders].Retained != 3 {
			t.Fatalf("steps after the failure: %v", first)
		}
		if e := f.erasure(t); e.Status != models.ErasureRunning {
			t.Fatalf("status after the failure %s, want running", e.Status)
		}
		if !f.s.Vault.Exists(f.files[0]) && first[holdings.KeyPhotos].Category == "" {
			t.Error("a photo file went before its category")
		}
		mustExec(t, db, allow...)
		// Resumed an hour later: a step done again would carry the new time.
		f.s.Now = func() time.Time { return testNow.Add(time.Hour) }
		if err := f.s.Run(context.Background(), f.erasureID); err != nil {
			t.Fatal(err)
		}
		after := f.steps(t)
		if len(after) != len(holdings.Entries()) {
			t.Fatalf("%d steps after the resume", len(after))
		}
		for k, st := range first {
			if a := after[k]; a.Removed != st.Removed || a.Retained != st.Retained || !a.DoneAt.Equal(st.DoneAt) {
				t.Errorf("%s was done again: %+v then %+v", k, st, after[k])
			}
		}
		if n := count(t, db, "retained_invoices", "1 = 1"); n != 3 {
			t.Errorf("%d invoices after the resume, want 3", n)
		}
		if e := f.erasure(t); e.Status != models.ErasureCompleted {
			t.Errorf("status after the resume %s", e.Status)
		}
	})
}

// refuseDeletes is the SQL that makes table refuse deletes, and undoes it.
func refuseDeletes(db *dbtest.DB, table string) (refuse, allow []string) {
	if db.Dialect == models.Postgres {
		return []string{
				`CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`,
				`CREATE TRIGGER refuse_delete BEFORE DELETE ON ` + table + ` FOR EACH ROW EXECUTE FUNCTION refuse_delete()`},
			[]string{`DROP TRIGGER refuse_delete ON ` + table, `DROP FUNCTION refuse_delete()`}
	}
	return []string{`CREATE TRIGGER refuse_delete BEFORE DELETE ON ` + table + ` BEGIN SELECT RAISE(ABORT, 'injected failure'); END`},
		[]string{`DROP TRIGGER refuse_delete`}
}

func mustExec(t testing.TB, db *dbtest.DB, sql ...string) {
	t.Helper()
	for _, q := range sql {
		if err := db.Exec(q).Error; err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// TestKickAndJobs: kick queues the sweep now, in the caller's
// transaction; the jobs are the sweep (every minute) and the run.
func TestKickAndJobs(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	s := newService(t, db)
	if err := db.Transaction(func(tx *gorm.DB) error { return s.kick(tx) }); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "jobs", "kind = ? AND status = ?", KindDue, models.JobQueued); n != 1 {
		t.Errorf("%d sweeps queued by kick", n)
	}
	kinds := map[string]time.Duration{}
	for _, j := range s.runJobs() {
		kinds[j.Kind] = j.Every
	}
	if kinds[KindDue] != time.Minute || len(kinds) != 2 {
		t.Errorf("run jobs %v", kinds)
	}
}
