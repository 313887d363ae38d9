package requests

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

// TestSetJurisdiction: the override counts the first deadline again from
// receipt (one calendar month under GDPR, 45 days under CCPA), keeps the
// time a paused clock added, ends the pause when switching to CCPA, and
// is refused after an extension, on a closed request, to a customer, for
// an unknown value and when nothing changes.
func TestSetJurisdiction(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		staff := f.staffActor()
		received := f.clock.Now()
		month := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC) // one calendar month after 2 March
		days45 := received.AddDate(0, 0, 45)

		t.Run("GDPR to CCPA and back", func(t *testing.T) {
			r := f.request(t, f.customer, models.RequestAccess, sReview)
			if !r.DueAt.Equal(month) {
				t.Fatalf("fixture due %v, want %v", r.DueAt, month)
			}
			if err := f.s.SetJurisdiction(ctx, staff, r.ID, models.JurisdictionCCPA); err != nil {
				t.Fatal(err)
			}
			got := f.reload(t, r.ID)
			if got.Jurisdiction != models.JurisdictionCCPA || !got.FirstDueAt.Equal(days45) || !got.DueAt.Equal(days45) {
				t.Errorf("to CCPA: %s first %v due %v, want ccpa %v", got.Jurisdiction, got.FirstDueAt, got.DueAt, days45)
			}
			if got.Status != sReview {
				t.Errorf("status %s, want it kept", got.Status)
			}
			if out := f.outboxText(t); !strings.Contains(out, "The law that applies to your request is now CCPA (45 days)") {
				t.Errorf("the requester's mail does not say the new rule:\n%s", out)
			}
			if n := f.auditCount(t, "request.jurisdiction"); n != 1 {
				t.Errorf("%d audit entries, want 1", n)
			}
			if err := f.s.SetJurisdiction(ctx, staff, r.ID, models.JurisdictionGDPR); err != nil {
				t.Fatal(err)
			}
			got = f.reload(t, r.ID)
			if got.Jurisdiction != models.JurisdictionGDPR || !got.FirstDueAt.Equal(month) || !got.DueAt.Equal(month) {
				t.Errorf("back to GDPR: %s first %v due %v, want gdpr %v", got.Jurisdiction, got.FirstDueAt, got.DueAt, month)
			}
			var events int64
			db.Model(&models.RequestEvent{}).Where("request_id = ? AND action = ?", r.ID, string(ActJurisdiction)).Count(&events)
			if events != 2 {
				t.Errorf("%d events, want 2", events)
			}
		})

		t.Run("switching to CCPA ends the pause and keeps its time", func(t *testing.T) {
			r := f.request(t, f.customer, models.RequestErasure, sAwait, func(r *models.PrivacyRequest) {
				paused := received
				r.PausedAt = &paused
				r.DueAt = r.DueAt.Add(48 * time.Hour) // two days an earlier pause added
			})
			f.clock.Add(72 * time.Hour) // paused three more days
			defer f.clock.Add(-72 * time.Hour)
			if err := f.s.SetJurisdiction(ctx, staff, r.ID, models.JurisdictionCCPA); err != nil {
				t.Fatal(err)
			}
			got := f.reload(t, r.ID)
			if got.PausedAt != nil {
				t.Errorf("still paused at %v", got.PausedAt)
			}
			if want := days45.Add(5 * 24 * time.Hour); !got.FirstDueAt.Equal(days45) || !got.DueAt.Equal(want) {
				t.Errorf("first %v due %v, want %v and %v", got.FirstDueAt, got.DueAt, days45, want)
			}
		})

		t.Run("the repeat flag follows the new rules", func(t *testing.T) {
			earlier := f.request(t, f.customer2, models.RequestAccess, models.StatusCompleted)
			r := f.request(t, f.customer2, models.RequestAccess, sReview, func(r *models.PrivacyRequest) { r.RepeatOfID = &earlier.ID })
			if err := f.s.SetJurisdiction(ctx, staff, r.ID, models.JurisdictionCCPA); err != nil {
				t.Fatal(err)
			}
			if got := f.reload(t, r.ID); got.RepeatOfID != nil {
				t.Errorf("under CCPA the second request to know is free, yet flagged a repeat of %d", *got.RepeatOfID)
			}
			if err := f.s.SetJurisdiction(ctx, staff, r.ID, models.JurisdictionGDPR); err != nil {
				t.Fatal(err)
			}
			if got := f.reload(t, r.ID); got.RepeatOfID == nil || *got.RepeatOfID != earlier.ID {
				t.Errorf("under GDPR a repeat inside 12 months is flagged: %v", got.RepeatOfID)
			}
		})

		t.Run("refusals", func(t *testing.T) {
			extended := f.request(t, f.customer, models.RequestAccess, sReview, func(r *models.PrivacyRequest) {
				at := received
				r.ExtendedAt, r.ExtensionReason = &at, "many records"
				r.DueAt = r.DueAt.AddDate(0, 1, 0)
			})
			closed := f.request(t, f.customer, models.RequestAccess, models.StatusCompleted)
			open := f.request(t, f.customer, models.RequestAccess, sReview)
			for _, c := range []struct {
				name  string
				err   error
				field string
			}{
				{"after an extension", f.s.SetJurisdiction(ctx, staff, extended.ID, models.JurisdictionCCPA), "desk.error.jurisdiction_extended"},
				{"closed", f.s.SetJurisdiction(ctx, staff, closed.ID, models.JurisdictionCCPA), ""},
				{"unchanged", f.s.SetJurisdiction(ctx, staff, open.ID, models.JurisdictionGDPR), "desk.error.jurisdiction_same"},
				{"unknown value", f.s.SetJurisdiction(ctx, staff, open.ID, "lgpd"), "desk.error.jurisdiction"},
				{"empty value", f.s.SetJurisdiction(ctx, staff, open.ID, ""), "desk.error.jurisdiction"},
			} {
				switch {
				case c.field == "" && !errors.Is(c.err, ErrWrongState):
					t.Errorf("%s: %v, want ErrWrongState", c.name, c.err)
				case c.field != "" && (fault.KindOf(c.err) != fault.Invalid || fault.FieldsOf(c.err)["jurisdiction"] != c.field):
					t.Errorf("%s: %v (%v), want field error %s", c.name, c.err, fault.FieldsOf(c.err), c.field)
				}
			}
			for _, a := range []error{
				f.s.SetJurisdiction(ctx, f.customerActor(), open.ID, models.JurisdictionCCPA),
				f.s.SetJurisdiction(ctx, f.customerActor(), open.ID, "lgpd"),
			} {
				if !errors.Is(a, ErrStaffOnly) {
					t.Errorf("a customer: %v, want ErrStaffOnly", a)
				}
			}
			for _, r := range []models.PrivacyRequest{extended, closed, open} {
				if got := f.reload(t, r.ID); got.Jurisdiction != models.JurisdictionGDPR || !got.DueAt.Equal(r.DueAt) {
					t.Errorf("request %d changed: %s due %v", r.ID, got.Jurisdiction, got.DueAt)
				}
			}
		})
	})
}
