package profile

import (
	"errors"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestCheckChanges(t *testing.T) {
	t.Parallel()
	cur := Snapshot{Profile: models.Profile{FirstName: "Ada", LastName: "Lovelace", Version: 1},
		Billing: models.Address{Line1: "1 rue de Rivoli", PostalCode: "75001", City: "Paris", Country: "FR"}}
	cases := []struct {
		name    string
		changes map[string]string
		norm    map[string]string
		errs    FieldErrors
	}{
		{"phone normalised", map[string]string{"phone": "06 12 34 56 78"}, map[string]string{"phone": "+33612345678"}, nil},
		{"country upper-cased", map[string]string{"billing.country": "mc"}, map[string]string{"billing.country": "MC"}, nil},
		{"a name removed", map[string]string{"first_name": " "}, nil, FieldErrors{"first_name": MsgRequired}},
		{"a postal code that no longer fits", map[string]string{"billing.country": "GB"}, nil, FieldErrors{"billing.postal_code": MsgPostalCode}},
		{"no such field", map[string]string{"email": "x@example.com"}, nil, FieldErrors{"email": MsgChoice}},
	}
	for _, c := range cases {
		norm, errs := CheckChanges(cur, c.changes, testNow)
		for f, want := range c.norm {
			if norm[f] != want {
				t.Errorf("%s: %s = %q, want %q", c.name, f, norm[f], want)
			}
		}
		if len(errs) != len(c.errs) {
			t.Errorf("%s: errors %v, want %v", c.name, errs, c.errs)
		}
		for f, want := range c.errs {
			if errs[f] != want {
				t.Errorf("%s: %s = %q, want %q", c.name, f, errs[f], want)
			}
		}
	}
}

func TestCorrectRecordsTheRequest(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(db)
		id := newUser(t, db, "ada@example.com")
		if _, err := s.Update(t.Context(), customer(id), id, fullInput()); err != nil {
			t.Fatal(err)
		}
		staff := actor.Actor{Kind: actor.Staff, UserID: newUser(t, db, "sam@example.com")}
		uid := id
		req := models.PrivacyRequest{UserID: &uid, Kind: models.RequestRectification, Status: models.StatusInReview,
			Channel: models.ChannelPortal, Jurisdiction: models.JurisdictionGDPR, RequesterEmail: "ada@example.com",
			ReceivedAt: testNow, FirstDueAt: testNow, DueAt: testNow}
		if err := db.Create(&req).Error; err != nil {
			t.Fatal(err)
		}
		correct := func(a actor.Actor, changes map[string]string) error {
			return db.Transaction(func(tx *gorm.DB) error {
				_, err := s.Correct(tx, a, id, changes, req.ID)
				return err
			})
		}
		if err := correct(customer(id), map[string]string{"last_name": "Byron"}); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a customer corrected through a request: %v", err)
		}
		var verr *ValidationError
		if err := correct(staff, map[string]string{"birth_date": "1800-01-01"}); !errors.As(err, &verr) || verr.Fields["birth_date"] != MsgDateRange {
			t.Errorf("invalid correction: %v", err)
		}
		if err := correct(staff, map[string]string{"last_name": "Byron"}); err != nil {
			t.Fatal(err)
		}
		var ch []models.ProfileChange
		db.Where("user_id = ? AND field = ?", id, "last_name").Order("id").Find(&ch)
		last := ch[len(ch)-1]
		if last.NewValue != "Byron" || last.ActorKind != "staff" || last.RequestID == nil || *last.RequestID != req.ID || *last.ActorID != staff.UserID {
			t.Errorf("history row = %+v", last)
		}
		if u := loadUserRow(t, db, id); u.Name != "Ada Byron" {
			t.Errorf("display name %q", u.Name)
		}
	})
}
