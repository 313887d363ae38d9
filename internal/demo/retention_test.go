package demo

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/retention"
	"github.com/photolab/privacyportal/internal/vault"
)

// TestDemoObeysItsRetentionRules: right after seeding, a dry run of the
// retention rules deletes nothing: the demo shop never shows data its own
// rules say is gone (contact messages kept 90 days, photos 6 months, the
// sign-in history 12 months…), and warns no account as dormant.
func TestDemoObeysItsRetentionRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		v, err := vault.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
		if _, err := Seed(ctx, db.DB, password.New(2)); err != nil {
			t.Fatal(err)
		}
		if err := SeedData(ctx, db.DB, v, now); err != nil {
			t.Fatal(err)
		}
		if err := SeedRequests(ctx, db.DB, now); err != nil {
			t.Fatal(err)
		}
		s := &retention.Service{DB: db.DB, Dialect: db.Dialect, Vault: v, Now: func() time.Time { return now }}
		f, err := s.DryRun(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Rules {
			if r.Due != 0 {
				t.Errorf("rule %s: %d demo rows already past their period", r.Name, r.Due)
			}
		}
		if f.DormantWarn != 0 || f.DormantErase != 0 {
			t.Errorf("dormant accounts: %d to warn, %d to erase", f.DormantWarn, f.DormantErase)
		}
		// And the rules do bite on the same data later: a year on, the
		// contact history and photos are due.
		later := now.AddDate(1, 0, 0)
		s.Now = func() time.Time { return later }
		if f, err = s.DryRun(ctx); err != nil {
			t.Fatal(err)
		}
		due := map[string]int64{}
		for _, r := range f.Rules {
			due[r.Name] = r.Due
		}
		if due["contact_messages"] == 0 || due["photos_paid"]+due["photos_unordered"] == 0 || due["login_events"] == 0 {
			t.Errorf("a year later nothing is due: %v", due)
		}
	})
}
