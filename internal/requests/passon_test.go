package requests

import (
	"errors"
	"slices"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The Art. 19 hook runs once when a rectification's corrections are
// applied and once when a restriction is placed, inside the transaction:
// its error rolls the fulfilment back.
func TestPassOnHook(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		staff := newStaff(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		withProfile(t, s, ada)
		var events []string
		var fail error
		s.PassOn = func(tx *gorm.DB, r *models.PrivacyRequest, event string) error {
			events = append(events, string(r.Kind)+":"+event)
			return fail
		}
		rect := fileRequest(t, s, ada, models.RequestRectification, models.StatusInReview, nil)
		if err := tx(t, s, func(tx *gorm.DB) error {
			cs := []models.RequestCorrection{{Category: "profile", Field: "billing.city", ProposedValue: "Lyon"}}
			if err := s.checkCorrections(tx, ada, cs); err != nil {
				return err
			}
			cs[0].RequestID = rect.ID
			return tx.Create(&cs).Error
		}); err != nil {
			t.Fatal(err)
		}
		restr := fileRequest(t, s, ada, models.RequestRestriction, models.StatusInReview, func(r *models.PrivacyRequest) { r.Categories = "photos,contact" })
		for _, r := range []*models.PrivacyRequest{&rect, &restr} {
			if err := tx(t, s, func(tx *gorm.DB) error { _, err := s.fulfil(tx, staff, r); return err }); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{"rectification:rectification", "restriction:restriction"}
		if !slices.Equal(events, want) {
			t.Fatalf("events = %v, want %v", events, want)
		}
		fail = errors.New("systems unreachable")
		again := fileRequest(t, s, ada, models.RequestRestriction, models.StatusInReview, func(r *models.PrivacyRequest) { r.Categories = "orders" })
		if err := tx(t, s, func(tx *gorm.DB) error { _, err := s.fulfil(tx, staff, &again); return err }); !errors.Is(err, fail) {
			t.Fatalf("fulfil with a failing hook: %v", err)
		}
		var n int64
		db.Model(&models.Restriction{}).Where("request_id = ?", again.ID).Count(&n)
		if n != 0 {
			t.Errorf("the restriction stayed after the hook failed")
		}
	})
}
