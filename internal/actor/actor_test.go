package actor

import (
	"errors"
	"testing"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

func TestOf(t *testing.T) {
	t.Parallel()
	ev := Evidence{IP: "192.0.2.1", UserAgent: "ua", Locale: "fr"}
	cases := []struct {
		u    *models.User
		kind Kind
		id   int64
	}{
		{nil, Requester, 0},
		{&models.User{ID: 3, Role: models.RoleCustomer}, Customer, 3},
		{&models.User{ID: 4, Role: models.RoleStaff}, Staff, 4},
		{&models.User{ID: 5, Role: models.RoleAdmin}, Admin, 5},
	}
	for _, c := range cases {
		a := Of(c.u, ev)
		if a.Kind != c.kind || a.UserID != c.id || a.IP != ev.IP || a.UserAgent != ev.UserAgent || a.Locale != ev.Locale {
			t.Errorf("Of(%v) = %+v", c.u, a)
		}
		if (a.ID() == nil) != (c.id == 0) || (a.ID() != nil && *a.ID() != c.id) {
			t.Errorf("Of(%v).ID() = %v", c.u, a.ID())
		}
	}
	signedIn := Of(nil, ev).As(&models.User{ID: 9, Role: models.RoleCustomer})
	if signedIn.Kind != Customer || signedIn.UserID != 9 || signedIn.IP != ev.IP {
		t.Errorf("As = %+v, want customer 9 with the same evidence", signedIn)
	}
}

func TestRules(t *testing.T) {
	t.Parallel()
	customer := Actor{Kind: Customer, UserID: 1}
	staff := Actor{Kind: Staff, UserID: 2}
	admin := Actor{Kind: Admin, UserID: 3}
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"customer on own data", customer.MayActOn(1), nil},
		{"customer on another's data", customer.MayActOn(7), ErrNotSubject},
		{"customer with no subject", customer.MayActOn(0), ErrNotSubject},
		{"requester on anyone's data", Actor{Kind: Requester}.MayActOn(1), ErrNotSubject},
		{"staff on a customer's data", staff.MayActOn(1), nil},
		{"API on a customer's data", Actor{Kind: API}.MayActOn(1), nil},
		{"system on a customer's data", SystemActor().MayActOn(1), nil},
		{"nobody", Actor{}.MayActOn(1), nil}, // checked below: forbidden, not nil
		{"owner on own security", customer.Self(1), nil},
		{"admin on someone's security", admin.Self(1), ErrNotSelf},
		{"staff on own security", staff.Self(2), nil},
		{"admin action by an admin", admin.RequireAdmin(), nil},
		{"admin action by the system", SystemActor().RequireAdmin(), nil},
		{"admin action by staff", staff.RequireAdmin(), ErrNotAdmin},
		{"admin action by a customer", customer.RequireAdmin(), ErrNotAdmin},
	}
	for _, c := range cases {
		if c.name == "nobody" {
			if !fault.Is(c.err, fault.Forbidden) {
				t.Errorf("%s: %v, want forbidden", c.name, c.err)
			}
			continue
		}
		if !errors.Is(c.err, c.want) || (c.want == nil && c.err != nil) {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
		if c.want != nil && !fault.Is(c.err, fault.Forbidden) {
			t.Errorf("%s: %v is not of kind forbidden", c.name, c.err)
		}
	}
}
