package requests

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestCheckCorrections(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		bob := newCustomer(t, db, "bob@example.com")
		withProfile(t, s, ada)
		mine := models.ContactMessage{UserID: ada, CreatedAt: testNow, Channel: "phone", Direction: "in", Subject: "Order late", Body: "Where is it?"}
		theirs := models.ContactMessage{UserID: bob, CreatedAt: testNow, Channel: "phone", Direction: "in", Subject: "Hi", Body: "Hello"}
		db.Create(&mine)
		db.Create(&theirs)
		cases := []struct {
			name       string
			in         []models.RequestCorrection
			wantErrs   map[string]string
			wantValue  string // the first correction's proposed value after the check
			wantCurent string
		}{
			{"phone, normalised", []models.RequestCorrection{{Category: "profile", Field: "phone", ProposedValue: "06 98 76 54 32", Reason: "new number"}},
				nil, "+33698765432", "+33612345678"},
			{"contact body", []models.RequestCorrection{{Category: "contact", RecordID: mine.ID, Field: "body", ProposedValue: " Where is my order?\nThanks "}},
				nil, "Where is my order?\nThanks", "Where is it?"},
			{"no corrections", nil, map[string]string{"corrections": MsgNoCorrections}, "", ""},
			{"unknown field", []models.RequestCorrection{{Category: "profile", Field: "email", ProposedValue: "x@example.com"}},
				map[string]string{"corrections.0.field": MsgFieldUnknown}, "", ""},
			{"a category with nothing correctable", []models.RequestCorrection{{Category: "orders", RecordID: 1, Field: "status", ProposedValue: "paid"}},
				map[string]string{"corrections.0.field": MsgFieldUnknown}, "", ""},
			{"another customer's message", []models.RequestCorrection{{Category: "contact", RecordID: theirs.ID, Field: "subject", ProposedValue: "Mine"}},
				map[string]string{"corrections.0.record": MsgRecordUnknown}, "", ""},
			{"a message that does not exist", []models.RequestCorrection{{Category: "contact", RecordID: theirs.ID + 100, Field: "subject", ProposedValue: "Mine"}},
				map[string]string{"corrections.0.record": MsgRecordUnknown}, "", ""},
			{"invalid birth date", []models.RequestCorrection{{Category: "profile", Field: "birth_date", ProposedValue: "2026-02-30"}},
				map[string]string{"corrections.0.proposed": profile.MsgDateInvalid}, "", ""},
			{"the value already stored", []models.RequestCorrection{{Category: "profile", Field: "first_name", ProposedValue: " Ada "}},
				map[string]string{"corrections.0.proposed": MsgSameValue}, "", ""},
			{"empty required name", []models.RequestCorrection{{Category: "profile", Field: "last_name", ProposedValue: ""}},
				map[string]string{"corrections.0.proposed": profile.MsgRequired}, "", ""},
			{"postal code that no longer fits the country", []models.RequestCorrection{
				{Category: "profile", Field: "phone", ProposedValue: "+33698765432"},
				{Category: "profile", Field: "billing.country", ProposedValue: "GB"}},
				map[string]string{"corrections.1.proposed": profile.MsgPostalCode}, "", ""},
			{"twice the same field", []models.RequestCorrection{{Category: "profile", Field: "city"},
				{Category: "profile", Field: "gender", ProposedValue: "male"}, {Category: "profile", Field: "gender", ProposedValue: "male"}},
				map[string]string{"corrections.0.field": MsgFieldUnknown, "corrections.2.field": MsgDuplicate}, "", ""},
			{"reason too long", []models.RequestCorrection{{Category: "profile", Field: "gender", ProposedValue: "male", Reason: strings.Repeat("x", maxReason+1)}},
				map[string]string{"corrections.0.reason": MsgReasonTooLong}, "", ""},
			{"control characters in a subject", []models.RequestCorrection{{Category: "contact", RecordID: mine.ID, Field: "subject", ProposedValue: "a\nb"}},
				map[string]string{"corrections.0.proposed": MsgProposedChars}, "", ""},
		}
		for _, c := range cases {
			cs := slices.Clone(c.in)
			err := tx(t, s, func(tx *gorm.DB) error { return s.checkCorrections(tx, ada, cs) })
			if c.wantErrs == nil {
				if err != nil {
					t.Errorf("%s: %v (%v)", c.name, err, fault.FieldsOf(err))
					continue
				}
				if cs[0].ProposedValue != c.wantValue || cs[0].CurrentValue != c.wantCurent {
					t.Errorf("%s: proposed %q current %q, want %q and %q", c.name, cs[0].ProposedValue, cs[0].CurrentValue, c.wantValue, c.wantCurent)
				}
				continue
			}
			if !fault.Is(err, fault.Invalid) {
				t.Errorf("%s: err = %v, want invalid", c.name, err)
				continue
			}
			got := fault.FieldsOf(err)
			for k, v := range c.wantErrs {
				if got[k] != v {
					t.Errorf("%s: %s = %q, want %q (all: %v)", c.name, k, got[k], v, got)
				}
			}
		}
	})
}

// sampleValue is a valid new value for a correctable field.
func sampleValue(f holdings.Correctable) string {
	switch f.Field {
	case "phone":
		return "+33698765432"
	case "birth_date":
		return "1991-06-18"
	case "gender":
		return profile.GenderNonBinary
	case "billing.country", "delivery.country":
		// Monaco: its postal codes are French, so the stored one still fits.
		return "MC"
	case "billing.postal_code", "delivery.postal_code":
		return "75002"
	}
	return "Corrected " + f.Field
}

// TestEveryCorrectableFieldApplies files and approves, for every field
// any category declares correctable, a correction with a valid value, and
// reads it back where it is stored: a field declared but not stored, or
// stored but not writable, fails here.
func TestEveryCorrectableFieldApplies(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		staff := newStaff(t, db)
		fields := 0
		for _, e := range holdings.Entries() {
			for _, f := range e.Correctable() {
				fields++
				if f.Label == "" {
					t.Errorf("%s.%s has no label", e.Key(), f.Field)
				}
				user := newCustomer(t, db, e.Key()+"."+f.Field+"@example.com")
				withProfile(t, s, user)
				c := models.RequestCorrection{Category: e.Key(), Field: f.Field, ProposedValue: sampleValue(f)}
				switch f.Record {
				case holdings.RecordOwn:
					if !slices.Contains(profile.FieldNames(), f.Field) || e.Key() != holdings.KeyProfile {
						t.Errorf("%s.%s: not a profile field", e.Key(), f.Field)
						continue
					}
				case holdings.RecordRow:
					m := models.ContactMessage{UserID: user, CreatedAt: testNow, Channel: "email", Direction: "in", Subject: "s", Body: "b"}
					if e.Key() != holdings.KeyContact {
						t.Errorf("%s.%s: no fixture for this category's rows; add one", e.Key(), f.Field)
						continue
					}
					db.Create(&m)
					c.RecordID = m.ID
				}
				r := fileRequest(t, s, user, models.RequestRectification, models.StatusInReview, nil)
				cs := []models.RequestCorrection{c}
				err := tx(t, s, func(tx *gorm.DB) error {
					if err := s.checkCorrections(tx, user, cs); err != nil {
						return err
					}
					cs[0].RequestID = r.ID
					if err := tx.Create(&cs).Error; err != nil {
						return err
					}
					handled, err := s.fulfil(tx, staff, &r)
					if !handled {
						t.Errorf("rectification not handled")
					}
					return err
				})
				if err != nil {
					t.Errorf("%s.%s = %q: %v %v", e.Key(), f.Field, c.ProposedValue, err, fault.FieldsOf(err))
					continue
				}
				var got string
				if f.Record == holdings.RecordOwn {
					snap, _ := s.Profiles.Get(t.Context(), user)
					got, _ = snap.Value(f.Field)
				} else {
					var vals []string
					db.Table(f.Table).Where("id = ?", c.RecordID).Pluck(f.Column, &vals)
					got = vals[0]
				}
				if got != cs[0].ProposedValue {
					t.Errorf("%s.%s: stored %q after approval, want %q", e.Key(), f.Field, got, cs[0].ProposedValue)
				}
			}
		}
		if fields < 10 {
			t.Errorf("only %d correctable fields: the profile's are missing", fields)
		}
	})
}

func TestApproveRectification(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		staff := newStaff(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		withProfile(t, s, ada)
		file := func(t *testing.T, phone, city string) (models.PrivacyRequest, []models.RequestCorrection) {
			r := fileRequest(t, s, ada, models.RequestRectification, models.StatusInReview, nil)
			cs := []models.RequestCorrection{{Category: "profile", Field: "phone", ProposedValue: phone, Reason: "new"},
				{Category: "profile", Field: "billing.city", ProposedValue: city}}
			if err := tx(t, s, func(tx *gorm.DB) error {
				if err := s.checkCorrections(tx, ada, cs); err != nil {
					return err
				}
				for i := range cs {
					cs[i].RequestID = r.ID
				}
				return tx.Create(&cs).Error
			}); err != nil {
				t.Fatal(err)
			}
			return r, cs
		}

		t.Run("applied, with the request in the history", func(t *testing.T) {
			r, _ := file(t, "06 98 76 54 32", "Paris 1er")
			if err := tx(t, s, func(tx *gorm.DB) error { _, err := s.fulfil(tx, staff, &r); return err }); err != nil {
				t.Fatal(err)
			}
			snap, _ := s.Profiles.Get(t.Context(), ada)
			if snap.Profile.Phone != "+33698765432" || snap.Billing.City != "Paris 1er" {
				t.Errorf("profile = %+v %+v", snap.Profile, snap.Billing)
			}
			var changes []models.ProfileChange
			db.Where("user_id = ? AND request_id = ?", ada, r.ID).Order("field").Find(&changes)
			if len(changes) != 2 || changes[0].Field != "billing.city" || changes[0].ActorKind != "staff" ||
				changes[0].ActorID == nil || *changes[0].ActorID != staff.UserID {
				t.Errorf("history = %+v", changes)
			}
			var applied int64
			db.Model(&models.RequestCorrection{}).Where("request_id = ? AND applied_at IS NOT NULL", r.ID).Count(&applied)
			if applied != 2 || auditCount(t, db, "request.correction_applied") != 2 {
				t.Errorf("applied %d, audited %d", applied, auditCount(t, db, "request.correction_applied"))
			}
		})

		t.Run("a value changed since filing refuses the approval", func(t *testing.T) {
			r, _ := file(t, "06 55 55 55 55", "Lyon")
			// The customer edits the phone themselves meanwhile.
			snap, _ := s.Profiles.Get(t.Context(), ada)
			in := snap.Input()
			in.Phone = "+33611111111"
			if _, err := s.Profiles.Update(t.Context(), actor.Actor{Kind: actor.Customer, UserID: ada}, ada, in); err != nil {
				t.Fatal(err)
			}
			err := tx(t, s, func(tx *gorm.DB) error { _, err := s.fulfil(tx, staff, &r); return err })
			if !fault.Is(err, fault.Conflict) || !errors.Is(err, ErrCorrectionConflict) {
				t.Fatalf("err = %v, want the correction conflict", err)
			}
			if got := fault.FieldsOf(err); got["corrections.0.current"] != MsgChangedSince || got["corrections.1.current"] != "" {
				t.Errorf("fields = %v", got)
			}
			after, _ := s.Profiles.Get(t.Context(), ada)
			if after.Billing.City == "Lyon" || after.Profile.Phone != "+33611111111" {
				t.Errorf("something was applied: %+v", after.Profile)
			}
			var applied int64
			db.Model(&models.RequestCorrection{}).Where("request_id = ? AND applied_at IS NOT NULL", r.ID).Count(&applied)
			if applied != 0 {
				t.Errorf("%d corrections marked applied", applied)
			}
		})
	})
}
