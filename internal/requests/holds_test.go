package requests

import (
	"slices"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/models"
)

// TestLegalHoldKeepsExactlyItsCategories: an unsettled debt holds orders
// and payments, not photos or survey answers, until it is released.
func TestLegalHoldKeepsExactlyItsCategories(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		staff := newStaff(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		bob := newCustomer(t, db, "bob@example.com")
		var all []string
		for _, e := range holdings.Entries() {
			all = append(all, e.Key())
		}
		erase, keep, err := s.ErasurePlan(t.Context(), ada)
		if err != nil || !slices.Equal(erase, all) || len(keep) != 0 {
			t.Fatalf("without a hold: erase %v keep %v, %v", erase, keep, err)
		}
		debt, err := s.PlaceHold(t.Context(), staff, ada, []string{"payments", "orders", "payments"}, "  Unsettled debt, invoice 2026-117  ")
		if err != nil {
			t.Fatal(err)
		}
		if debt.Categories != "orders,payments" || debt.Reason != "Unsettled debt, invoice 2026-117" || debt.PlacedByID != staff.UserID {
			t.Errorf("hold = %+v", debt)
		}
		claim, err := s.PlaceHold(t.Context(), staff, ada, []string{"orders", "contact"}, "Legal claim")
		if err != nil {
			t.Fatal(err)
		}
		erase, keep, _ = s.ErasurePlan(t.Context(), ada)
		if !slices.Equal(keep, []string{"orders", "payments", "contact"}) {
			t.Errorf("kept %v", keep)
		}
		for _, k := range []string{"photos", "surveys", "profile"} {
			if !slices.Contains(erase, k) {
				t.Errorf("%s is not erased: %v", k, erase)
			}
		}
		if len(erase)+len(keep) != len(all) {
			t.Errorf("erase %v + keep %v is not every category", erase, keep)
		}
		if e, k, _ := s.ErasurePlan(t.Context(), bob); !slices.Equal(e, all) || len(k) != 0 {
			t.Errorf("another customer's plan is held: %v %v", e, k)
		}

		if err := s.ReleaseHold(t.Context(), staff, claim.ID, "Claim settled"); err != nil {
			t.Fatal(err)
		}
		_, keep, _ = s.ErasurePlan(t.Context(), ada)
		if !slices.Equal(keep, []string{"orders", "payments"}) {
			t.Errorf("after releasing the claim, kept %v", keep)
		}
		if err := s.ReleaseHold(t.Context(), staff, claim.ID, "again"); !fault.Is(err, fault.Conflict) {
			t.Errorf("released twice: %v", err)
		}
		holds, err := s.Holds(t.Context(), staff, ada)
		if err != nil || len(holds) != 2 || holds[0].ID != debt.ID || holds[1].ReleasedAt == nil || holds[1].ReleaseReason != "Claim settled" {
			t.Errorf("holds = %+v, %v", holds, err)
		}
		if auditCount(t, db, "hold.placed") != 2 || auditCount(t, db, "hold.released") != 1 {
			t.Error("holds not audited")
		}
	})
}

func TestHoldRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		staff := newStaff(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		customer := actor.Actor{Kind: actor.Customer, UserID: ada}
		cases := []struct {
			name       string
			a          actor.Actor
			user       int64
			categories []string
			reason     string
			kind       fault.Kind
			fields     []string
		}{
			{"a customer", customer, ada, []string{"orders"}, "debt", fault.Forbidden, nil},
			{"no category", staff, ada, nil, "debt", fault.Invalid, []string{"categories"}},
			{"an unknown category", staff, ada, []string{"orders", "bank"}, "debt", fault.Invalid, []string{"categories"}},
			{"no reason", staff, ada, []string{"orders"}, "   ", fault.Invalid, []string{"reason"}},
			{"a reason too long", staff, ada, []string{"orders"}, strings.Repeat("x", maxReason+1), fault.Invalid, []string{"reason"}},
			{"a user who does not exist", staff, ada + 1000, []string{"orders"}, "debt", fault.NotFound, nil},
			{"a staff member", staff, staff.UserID, []string{"orders"}, "debt", fault.NotFound, nil},
		}
		for _, c := range cases {
			_, err := s.PlaceHold(t.Context(), c.a, c.user, c.categories, c.reason)
			if !fault.Is(err, c.kind) {
				t.Errorf("%s: err = %v, want %v", c.name, err, c.kind)
				continue
			}
			for _, f := range c.fields {
				if fault.FieldsOf(err)[f] == "" {
					t.Errorf("%s: no error on %s: %v", c.name, f, fault.FieldsOf(err))
				}
			}
		}
		var n int64
		db.Model(&models.LegalHold{}).Count(&n)
		if n != 0 {
			t.Errorf("%d holds placed by refused calls", n)
		}
		h, err := s.PlaceHold(t.Context(), staff, ada, []string{"orders"}, "debt")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ReleaseHold(t.Context(), staff, h.ID, ""); !fault.Is(err, fault.Invalid) {
			t.Errorf("released without a reason: %v", err)
		}
		if err := s.ReleaseHold(t.Context(), customer, h.ID, "paid"); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a customer released a hold: %v", err)
		}
		if err := s.ReleaseHold(t.Context(), staff, h.ID+1000, "paid"); !fault.Is(err, fault.NotFound) {
			t.Errorf("released no hold: %v", err)
		}
	})
}

func TestCustomerLookup(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(t, db)
		staff := newStaff(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		newCustomer(t, db, "bob@example.com")
		db.Create(&models.Order{UserID: ada, Number: "PL-1042", PlacedAt: testNow, Status: "paid", Currency: "EUR"})
		cases := []struct {
			q    string
			want int
		}{{"ADA@example", 1}, {"lovelace", 2}, {"PL-1042", 1}, {"example.com", 2}, {"%%", 0}, {"nobody", 0}}
		for _, c := range cases {
			got, err := s.LookupCustomers(t.Context(), staff, c.q)
			if err != nil || len(got) != c.want {
				t.Errorf("lookup %q = %d results, %v; want %d", c.q, len(got), err, c.want)
			}
		}
		if _, err := s.LookupCustomers(t.Context(), staff, " "); !fault.Is(err, fault.Invalid) {
			t.Errorf("empty lookup: %v", err)
		}
		if _, err := s.LookupCustomers(t.Context(), actor.Actor{Kind: actor.Customer, UserID: ada}, "ada"); !fault.Is(err, fault.Forbidden) {
			t.Errorf("a customer looked up: %v", err)
		}
		var looks []models.AuditEntry
		db.Where("action = ?", "customer.looked_up").Find(&looks)
		if len(looks) != len(cases) {
			t.Errorf("%d looks audited, want %d", len(looks), len(cases))
		}
		for _, l := range looks {
			if strings.Contains(l.Details, "ada") || strings.Contains(l.Details, "PL-1042") || strings.Contains(l.Details, "lovelace") {
				t.Errorf("the query is in the audit log: %s", l.Details)
			}
		}
		f, err := s.Customer(t.Context(), staff, ada)
		if err != nil || f.User.Email != "ada@example.com" {
			t.Errorf("Customer = %+v, %v", f.User, err)
		}
		if _, err := s.Customer(t.Context(), staff, staff.UserID); !fault.Is(err, fault.NotFound) {
			t.Errorf("a staff member's file: %v", err)
		}
		if auditCount(t, db, "customer.viewed") != 1 {
			t.Error("view not audited")
		}
	})
}
