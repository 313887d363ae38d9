package requests

import (
	"slices"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestRestrictionRequest(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		staff := newStaff(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		bob := newCustomer(t, db, "bob@example.com")
		r := fileRequest(t, s, ada, models.RequestRestriction, models.StatusInReview, func(r *models.PrivacyRequest) { r.Categories = "photos,contact" })
		all := fileRequest(t, s, bob, models.RequestRestriction, models.StatusInReview, nil)
		for _, req := range []*models.PrivacyRequest{&r, &all} {
			if err := tx(t, s, func(tx *gorm.DB) error {
				handled, err := s.fulfil(tx, staff, req)
				if !handled {
					t.Error("restriction not handled")
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		cases := []struct {
			user     int64
			category string
			want     bool
		}{{ada, "photos", true}, {ada, "contact", true}, {ada, "orders", false}, {bob, "orders", true}, {bob, "photos", true}}
		for _, c := range cases {
			got, err := s.IsRestricted(t.Context(), c.user, c.category)
			if err != nil || got != c.want {
				t.Errorf("IsRestricted(%d, %s) = %v, %v; want %v", c.user, c.category, got, err, c.want)
			}
		}
		rs, err := s.Restrictions(t.Context(), staff, ada)
		if err != nil || len(rs) != 2 || rs[0].Ground != groundRequest {
			t.Errorf("Restrictions = %+v, %v", rs, err)
		}
		if _, err := s.Restrictions(t.Context(), actor.Actor{Kind: actor.Customer, UserID: ada}, ada); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a customer listed restrictions: %v", err)
		}
		if n := auditCount(t, db, "restriction.placed"); n != 3 {
			t.Errorf("%d restriction.placed entries, want 3", n)
		}
	})
}

// TestLiftMailsTheRequesterFirst: the notice is in the outbox before the
// lifting takes effect, which happens only once the notice period ran.
func TestLiftMailsTheRequesterFirst(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, clk := newService(t, db)
		staff := newStaff(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		r := fileRequest(t, s, ada, models.RequestRestriction, models.StatusInReview, func(r *models.PrivacyRequest) {
			r.Categories = "photos"
			r.RequesterEmail = "ada.requester@example.com"
			r.Locale = "fr"
		})
		if err := tx(t, s, func(tx *gorm.DB) error { _, err := s.fulfil(tx, staff, &r); return err }); err != nil {
			t.Fatal(err)
		}
		var row models.Restriction
		db.Where("request_id = ?", r.ID).Take(&row)

		if err := s.LiftRestriction(t.Context(), actor.Actor{Kind: actor.Customer, UserID: ada}, row.ID); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a customer lifted a restriction: %v", err)
		}
		if err := s.LiftRestriction(t.Context(), staff, row.ID+1000); !fault.Is(err, fault.NotFound) {
			t.Errorf("lifting no restriction: %v", err)
		}
		if err := s.LiftRestriction(t.Context(), staff, row.ID); err != nil {
			t.Fatal(err)
		}
		var mails []models.OutboxMessage
		db.Where("template = ?", "restriction_lift").Find(&mails)
		db.Take(&row, row.ID)
		if len(mails) != 1 || mails[0].ToAddress != "ada.requester@example.com" || mails[0].Locale != "fr" {
			t.Fatalf("notice mails = %+v", mails)
		}
		notice := settings.RequestLiftNotice.Get(nil)
		if row.LiftedAt != nil || row.LiftNoticeAt == nil || !row.LiftsAt.Equal(testNow.Add(notice)) {
			t.Fatalf("after the notice: %+v", row)
		}
		if still, _ := s.IsRestricted(t.Context(), ada, "photos"); !still {
			t.Error("the restriction stopped before its lifting took effect")
		}
		if err := s.LiftRestriction(t.Context(), staff, row.ID); !fault.Is(err, fault.Conflict) {
			t.Errorf("announced twice: %v", err)
		}

		clk.Advance(notice - time.Minute)
		if n, err := s.LiftDue(t.Context()); n != 0 || err != nil {
			t.Fatalf("LiftDue before the notice ran = %d, %v", n, err)
		}
		clk.Advance(time.Minute)
		if n, err := s.LiftDue(t.Context()); n != 1 || err != nil {
			t.Fatalf("LiftDue = %d, %v", n, err)
		}
		if n, err := s.LiftDue(t.Context()); n != 0 || err != nil {
			t.Fatalf("LiftDue again = %d, %v", n, err)
		}
		db.Take(&row, row.ID)
		if row.LiftedAt == nil || !row.LiftedAt.Equal(testNow.Add(notice)) {
			t.Errorf("lifted at %v", row.LiftedAt)
		}
		if still, _ := s.IsRestricted(t.Context(), ada, "photos"); still {
			t.Error("still restricted after the lifting")
		}
		if auditCount(t, db, "restriction.lift_announced") != 1 || auditCount(t, db, "restriction.lifted") != 1 {
			t.Error("lifting not audited once each")
		}
	})
}

func TestObjections(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		staff := newStaff(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		verify := func(t *testing.T, r *models.PrivacyRequest) {
			t.Helper()
			if err := tx(t, s, func(tx *gorm.DB) error { return s.move(tx, staff, r, step{Action: ActVerify}) }); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("to marketing: applied at once, without review", func(t *testing.T) {
			r := fileRequest(t, s, ada, models.RequestObjection, models.StatusAwaitingVerification, func(r *models.PrivacyRequest) {
				r.ObjectionGround = models.ObjectMarketing
			})
			verify(t, &r)
			got, _ := load(db.DB, r.ID)
			if got.Status != models.StatusCompleted {
				t.Errorf("status %s, want completed", got.Status)
			}
			var objs []models.MarketingObjection
			db.Where("request_id = ?", r.ID).Find(&objs)
			if len(objs) != 1 || objs[0].Email != "ada@example.com" || objs[0].UserID == nil || *objs[0].UserID != ada {
				t.Errorf("objections = %+v", objs)
			}
			var events []models.RequestEvent
			db.Where("request_id = ?", r.ID).Order("id").Find(&events)
			var acts []string
			for _, e := range events {
				acts = append(acts, e.Action+"/"+e.ActorKind)
			}
			if !slices.Equal(acts, []string{"verify/staff", "approve/system", "complete/system"}) {
				t.Errorf("timeline = %v", acts)
			}
			// The completion is not quiet: the requester is told it is done.
			var mails int64
			db.Model(&models.OutboxMessage{}).Where("to_address = ?", "ada@example.com").Count(&mails)
			if mails == 0 {
				t.Error("the requester was not told")
			}
			if auditCount(t, db, "objection.recorded") != 1 {
				t.Error("objection not audited")
			}
			if restricted, _ := s.IsRestricted(t.Context(), ada, "orders"); restricted {
				t.Error("a marketing objection restricted the data")
			}
		})

		t.Run("on legitimate interests: restricted meanwhile, upheld keeps it", func(t *testing.T) {
			r := fileRequest(t, s, ada, models.RequestObjection, models.StatusAwaitingVerification, func(r *models.PrivacyRequest) {
				r.ObjectionGround = models.ObjectLegitimate
				r.Categories = "surveys"
			})
			verify(t, &r)
			var rs []models.Restriction
			db.Where("request_id = ?", r.ID).Find(&rs)
			if len(rs) != 1 || rs[0].Ground != groundObjection || rs[0].Category != "surveys" {
				t.Fatalf("restrictions while weighed = %+v", rs)
			}
			if got, _ := load(db.DB, r.ID); got.Status != models.StatusInReview {
				t.Errorf("status %s, want in review", got.Status)
			}
			if err := tx(t, s, func(tx *gorm.DB) error { _, err := s.fulfil(tx, staff, &r); return err }); err != nil {
				t.Fatal(err)
			}
			db.Where("request_id = ?", r.ID).Find(&rs)
			if len(rs) != 1 || rs[0].Ground != groundRequest || rs[0].Reason != ReasonObjectionUpheld || rs[0].LiftedAt != nil {
				t.Errorf("restrictions after upholding = %+v", rs)
			}
		})

		t.Run("on legitimate interests: denied announces the lifting", func(t *testing.T) {
			r := fileRequest(t, s, ada, models.RequestObjection, models.StatusAwaitingVerification, func(r *models.PrivacyRequest) {
				r.ObjectionGround = models.ObjectLegitimate
			})
			verify(t, &r)
			if err := tx(t, s, func(tx *gorm.DB) error { return s.afterDenied(tx, staff, &r) }); err != nil {
				t.Fatal(err)
			}
			var rs []models.Restriction
			db.Where("request_id = ?", r.ID).Find(&rs)
			if len(rs) != 1 || rs[0].Category != "" || rs[0].LiftNoticeAt == nil || rs[0].LiftedAt != nil {
				t.Errorf("restrictions after denial = %+v", rs)
			}
			var notices int64
			db.Model(&models.OutboxMessage{}).Where("template = ?", "restriction_lift").Count(&notices)
			if notices != 1 {
				t.Errorf("%d lift notices", notices)
			}
		})
	})
}
