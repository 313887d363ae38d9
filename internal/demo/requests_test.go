package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
)

// TestSeedRequests: the demo shows what a desk looks like on a normal
// day (a request due within the week, one overdue, one waiting for an ID
// document, a hold and a restriction), every history obeys the transition
// table, and seeding again adds nothing.
func TestSeedRequests(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if _, err := Seed(ctx, db.DB, password.New(2)); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
		for range 2 {
			if err := SeedRequests(ctx, db.DB, now); err != nil {
				t.Fatal(err)
			}
		}
		var rs []models.PrivacyRequest
		if err := db.Order("id").Find(&rs).Error; err != nil {
			t.Fatal(err)
		}
		if len(rs) != len(requestPlans) {
			t.Fatalf("%d requests after seeding twice, want %d", len(rs), len(requestPlans))
		}
		var dueSoon, overdue, waitingDoc bool
		for _, r := range rs {
			left := models.DaysLeft(r.DueAt, now)
			switch {
			case r.Status.Open() && left < 0:
				overdue = true
			case r.Status.Open() && left <= 7:
				dueSoon = true
			}
			if r.Status == models.StatusAwaitingVerification && r.DocumentRequired {
				waitingDoc = true
			}
			var evs []models.RequestEvent
			if err := db.Where("request_id = ?", r.ID).Order("at, id").Find(&evs).Error; err != nil {
				t.Fatal(err)
			}
			from := models.RequestStatus("")
			for _, e := range evs {
				var may []requests.Action
				switch e.ActorKind {
				case "requester":
					may = requests.Allowed(from, requests.Requester)
				case "staff":
					may = requests.Allowed(from, requests.Staff)
				case "system":
					may = requests.Allowed(from, requests.System)
				}
				allowed := slices.Contains(may, requests.Action(e.Action))
				if !allowed || e.FromStatus != string(from) {
					t.Errorf("request %d: %s by %s from %q is not allowed by the table", r.ID, e.Action, e.ActorKind, from)
				}
				from = models.RequestStatus(e.ToStatus)
			}
			if from != r.Status {
				t.Errorf("request %d is %s but its timeline ends in %s", r.ID, r.Status, from)
			}
		}
		if !dueSoon || !overdue || !waitingDoc {
			t.Errorf("due within a week %v, overdue %v, waiting for a document %v: want all", dueSoon, overdue, waitingDoc)
		}
		var holds, restrictions int64
		db.Model(&models.LegalHold{}).Count(&holds)
		db.Model(&models.Restriction{}).Count(&restrictions)
		if holds != 1 || restrictions != 1 {
			t.Errorf("%d holds and %d restrictions, want 1 and 1", holds, restrictions)
		}
	})
}
