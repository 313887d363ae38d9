package retention

import (
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/session"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
)

// Rule is one retention rule: a category's (holdings.Expiry) or one of the
// portal's housekeeping rules below. Its name is the key of its count in
// the run's audit entry and of its label (retention.rule.<name>).
type Rule struct {
	holdings.Expiry
	// Category is the registry key legal holds and restrictions name ("":
	// housekeeping rows no customer's hold covers).
	Category string
	// Set, when not empty, clears columns instead of deleting the row
	// ("payload = ''"); Where must then exclude rows already cleared.
	Set string
	// ChildFiles selects the vault keys of rows that cascade with the
	// batch's rows (one ? bound to their keys), listed for deletion too.
	ChildFiles string
}

// Delegated is a retention rule carried out by another service's own
// schedule: listed on the dry run so admins see every rule in one place.
type Delegated struct {
	Name     string // label retention.rule.<name>
	Schedule string // the job schedule that runs it
}

// delegated are the sweeps other services already run, reused rather than
// written twice.
var delegated = []Delegated{
	{Name: "identity_documents", Schedule: requests.KindSweep},
	{Name: "unverified_requests", Schedule: requests.KindExpire},
	{Name: "exports_expired", Schedule: export.KindSweep},
	{Name: "consent_pending", Schedule: consent.KindExpirePending},
	{Name: "codes_expired", Schedule: account.CleanupSchedule},
	{Name: "sessions_cleanup", Schedule: session.CleanupSchedule},
}

// housekeeping are the rules of the portal's own records.
func housekeeping() []Rule {
	return []Rule{
		// CCPA §7101: request records are kept 24 months; their
		// messages, notes, codes and documents cascade, the documents'
		// files are listed by requestFiles first.
		{Category: holdings.KeyRequests, Expiry: holdings.Expiry{Name: "requests_closed", Table: "privacy_requests", Key: "id",
			Where:         "t.closed_at IS NOT NULL AND t.closed_at < ?",
			PeriodSetting: settings.RetentionClosedRequests.Key(), UserColumn: "user_id"},
			ChildFiles: "SELECT file_key FROM request_documents WHERE request_id IN ? AND file_key <> '' AND destroyed_at IS NULL"},
		// An erasure's row (its steps cascade) is the evidence the erasure
		// happened: kept as long as a request record.
		{Category: holdings.KeyRequests, Expiry: holdings.Expiry{Name: "erasures_closed", Table: "erasures", Key: "id",
			Where: fmt.Sprintf("t.status IN ('%s', '%s') AND COALESCE(t.completed_at, t.cancelled_at) < ?",
				models.ErasureCompleted, models.ErasureCancelled),
			PeriodSetting: settings.RetentionClosedRequests.Key(), UserColumn: "user_id"}},
		// A task passed on to a connected system, done: likewise (its
		// delivery log cascades).
		{Expiry: holdings.Expiry{Name: "system_tasks_done", Table: "system_tasks", Key: "id",
			Where:         fmt.Sprintf("t.status = '%s' AND t.done_at < ?", models.TaskDone),
			PeriodSetting: settings.RetentionClosedRequests.Key()}},
		// Held mail too (no SMTP set: admins read it in the outbox): the
		// report of an erasure is forgotten on delivery, and a held one
		// must not keep its address for good.
		{Expiry: holdings.Expiry{Name: "outbox_messages", Table: "outbox_messages", Key: "id",
			Where: fmt.Sprintf("t.status IN ('%s', '%s', '%s') AND t.created_at < ?", models.OutboxSent, models.OutboxFailed,
				models.OutboxHeld),
			PeriodSetting: settings.RetentionOutbox.Key()}},
		{Expiry: holdings.Expiry{Name: "jobs_done", Table: "jobs", Key: "id",
			Where:         fmt.Sprintf("t.status = '%s' AND t.updated_at < ?", models.JobDone),
			PeriodSetting: settings.RetentionJobs.Key()}},
		// A dead job stays listed for admins (its error, a retry); its
		// payload, which may name a customer, goes.
		{Set: "payload = ''", Expiry: holdings.Expiry{Name: "jobs_dead_payloads", Table: "jobs", Key: "id",
			Where:         fmt.Sprintf("t.status = '%s' AND t.payload <> '' AND t.updated_at < ?", models.JobDead),
			PeriodSetting: settings.RetentionJobs.Key()}},
		{Expiry: holdings.Expiry{Name: "webhook_deliveries", Table: "webhook_deliveries", Key: "id",
			Where: "t.created_at < ?", PeriodSetting: settings.RetentionWebhookLogs.Key()}},
		// Retained invoices carry their own end date, set by the erasure.
		{Expiry: holdings.Expiry{Name: "retained_invoices", Table: "retained_invoices", Key: "id",
			Where: "t.retain_until < ?"}},
	}
}

// Rules are every rule a run applies, the registry's first, in order.
func Rules() []Rule {
	var out []Rule
	for _, e := range holdings.Entries() {
		for _, x := range e.Expiries() {
			out = append(out, Rule{Expiry: x, Category: e.Key()})
		}
	}
	return append(out, housekeeping()...)
}

// period is how long r keeps rows now (0: until their own date).
func (r Rule) period(svc *settings.Service) (time.Duration, error) {
	if r.PeriodSetting == "" {
		return 0, nil
	}
	d, ok := settings.Lookup(r.PeriodSetting)
	v := d.Default
	if ok && svc != nil {
		var err error
		if v, err = svc.Get(r.PeriodSetting); err != nil {
			return 0, err
		}
	}
	p, isDuration := v.(time.Duration)
	if !ok || !isDuration {
		return 0, fmt.Errorf("retention: rule %s: %q is not a duration setting", r.Name, r.PeriodSetting)
	}
	return p, nil
}

// cutoff is the time before which r's rows are expired.
func (r Rule) cutoff(svc *settings.Service, now time.Time) (time.Time, error) {
	p, err := r.period(svc)
	return now.Add(-p), err
}

// guard is the condition keeping a customer's rows under an active legal
// hold on the rule's category, or under an active restriction of all
// their data or of that category, with its arguments.
func (r Rule) guard() (string, []any) {
	if r.UserColumn == "" || r.Category == "" {
		return "", nil
	}
	col := "t." + r.UserColumn
	return " AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.user_id = " + col +
			" AND h.released_at IS NULL AND (',' || REPLACE(h.categories, ' ', '') || ',') LIKE ?)" +
			" AND NOT EXISTS (SELECT 1 FROM restrictions x WHERE x.user_id = " + col +
			" AND x.lifted_at IS NULL AND (x.category = '' OR x.category = ?))",
		[]any{"%," + r.Category + ",%", r.Category}
}

// selection is "FROM table t WHERE …" of r's expired rows, and its
// arguments.
func (r Rule) selection(cutoff time.Time) (string, []any) {
	g, gargs := r.guard()
	return "FROM " + r.Table + " t WHERE (" + r.Where + ")" + g, append([]any{cutoff}, gargs...)
}

// columns are the key and file columns a batch reads before deleting.
func (r Rule) columns() string {
	cols := []string{"t." + r.Key}
	for _, c := range r.FileColumns {
		cols = append(cols, "t."+c)
	}
	return strings.Join(cols, ", ")
}
