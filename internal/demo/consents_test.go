package demo

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

// TestSeedConsents: the demo's consent histories end where their story
// says (Li Na's SMS offers withdrawn by one click, her browser's
// signal honoured; a public opt-out without an account), each event at
// its own day, and seeding again adds nothing.
func TestSeedConsents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if _, err := Seed(ctx, db.DB, password.New(2)); err != nil {
			t.Fatal(err)
		}
		ring, err := vault.OpenKeyRing(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := consent.SeedTopics(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		svc := &consent.Service{DB: db.DB, Dialect: db.Dialect, Secrets: ring}
		now := time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
		for range 2 {
			if err := SeedConsents(ctx, db.DB, svc, now); err != nil {
				t.Fatal(err)
			}
		}
		var events int64
		db.Model(&models.ConsentEvent{}).Count(&events)
		if events != 11 {
			t.Errorf("%d events after seeding twice, want 11", events)
		}
		var lina models.User
		if err := db.Where("email = ?", "lina.chen@example.com").Take(&lina).Error; err != nil {
			t.Fatal(err)
		}
		var sub models.ConsentSubject
		if err := db.Where("user_id = ?", lina.ID).Take(&sub).Error; err != nil {
			t.Fatal(err)
		}
		st, err := svc.States(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st[consent.Marketing("newsletter", models.ChannelEmail)].Status != models.ConsentGranted ||
			st[consent.Profiling].Status != models.ConsentWithdrawn ||
			st[consent.Marketing("offers", models.ChannelSMS)].Status != models.ConsentWithdrawn ||
			st[consent.SaleShare].Status != models.ConsentWithdrawn {
			t.Errorf("Li Na's choices: %+v", st)
		}
		var first models.ConsentEvent
		db.Where("subject_id = ?", sub.ID).Order("at").Take(&first)
		if !first.At.Equal(now.AddDate(0, 0, -80)) {
			t.Errorf("her first choice at %v, want 110 days before seeding", first.At)
		}
		var public int64
		db.Model(&models.ConsentSubject{}).Where("user_id IS NULL AND email_hash IS NOT NULL").Count(&public)
		if public != 1 {
			t.Errorf("%d subjects without an account, want the public opt-out's", public)
		}
	})
}
