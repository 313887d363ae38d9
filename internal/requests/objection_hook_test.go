package requests

import (
	"errors"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TestMarketingObjectionHook: recording an objection to direct marketing
// calls OnMarketingObjection once, in its transaction, with the
// requester's account and address; a hook's error rolls the recording
// back.
func TestMarketingObjectionHook(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		staff := newStaff(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		type call struct {
			userID *int64
			email  string
		}
		var calls []call
		s.OnMarketingObjection = func(tx *gorm.DB, userID *int64, email string) error {
			calls = append(calls, call{userID, email})
			return nil
		}
		r := fileRequest(t, s, ada, models.RequestObjection, models.StatusAwaitingVerification, func(r *models.PrivacyRequest) {
			r.ObjectionGround = models.ObjectMarketing
		})
		if err := tx(t, s, func(tx *gorm.DB) error { return s.move(tx, staff, &r, step{Action: ActVerify}) }); err != nil {
			t.Fatal(err)
		}
		if len(calls) != 1 || calls[0].userID == nil || *calls[0].userID != ada || calls[0].email != "ada@example.com" {
			t.Fatalf("hook calls %+v, want one for the account and its address", calls)
		}
		// Recorded again (the fulfilment path): once per request.
		if err := tx(t, s, func(tx *gorm.DB) error { return s.recordMarketingObjection(tx, staff, &r) }); err != nil || len(calls) != 1 {
			t.Errorf("recording again: %v, %d calls", err, len(calls))
		}

		failing := errors.New("ledger down")
		s.OnMarketingObjection = func(*gorm.DB, *int64, string) error { return failing }
		r2 := fileRequest(t, s, ada, models.RequestObjection, models.StatusInReview, func(r *models.PrivacyRequest) {
			r.ObjectionGround = models.ObjectMarketing
		})
		if err := tx(t, s, func(tx *gorm.DB) error { return s.recordMarketingObjection(tx, staff, &r2) }); !errors.Is(err, failing) {
			t.Errorf("the hook's error not returned: %v", err)
		}
		var n int64
		db.Model(&models.MarketingObjection{}).Where("request_id = ?", r2.ID).Count(&n)
		if n != 0 {
			t.Error("the objection stayed recorded though the ledger refused")
		}
	})
}
