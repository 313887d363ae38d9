package requests

import (
	"errors"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

// TestWithholdNote: staff withhold a note from the customer's export
// under a listed exemption, or include it again; anything else is
// refused, and each change is audited.
func TestWithholdNote(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := t.Context()
		r := f.request(t, f.customer, models.RequestAccess, sReview)
		n, err := f.s.AddNote(ctx, f.staffActor(), r.ID, "Her neighbour called about this order.")
		if err != nil {
			t.Fatal(err)
		}
		other := f.request(t, f.customer, models.RequestErasure, sReview)
		cases := []struct {
			name     string
			call     func() error
			want     error
			kind     fault.Kind
			withheld string
			audited  int64
		}{
			{name: "customer", call: func() error {
				return f.s.WithholdNote(ctx, f.customerActor(), r.ID, n.ID, models.WithholdThirdParty)
			}, want: ErrStaffOnly},
			{name: "unknown reason", call: func() error { return f.s.WithholdNote(ctx, f.staffActor(), r.ID, n.ID, "because") },
				kind: fault.Invalid},
			{name: "another request's note", call: func() error {
				return f.s.WithholdNote(ctx, f.staffActor(), other.ID, n.ID, models.WithholdThirdParty)
			}, want: ErrNotFound},
			{name: "withheld", call: func() error {
				return f.s.WithholdNote(ctx, f.staffActor(), r.ID, n.ID, models.WithholdPrivilege)
			}, withheld: models.WithholdPrivilege, audited: 1},
			{name: "same again changes nothing", call: func() error {
				return f.s.WithholdNote(ctx, f.staffActor(), r.ID, n.ID, models.WithholdPrivilege)
			}, withheld: models.WithholdPrivilege, audited: 1},
			{name: "included again", call: func() error { return f.s.WithholdNote(ctx, f.staffActor(), r.ID, n.ID, "") },
				audited: 2},
		}
		for _, c := range cases {
			err := c.call()
			switch {
			case c.want != nil && !errors.Is(err, c.want):
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			case c.kind != 0 && !fault.Is(err, c.kind):
				t.Errorf("%s: %v, want a %v fault", c.name, err, c.kind)
			case c.want == nil && c.kind == 0 && err != nil:
				t.Errorf("%s: %v", c.name, err)
			}
			var got models.RequestNote
			if err := db.Take(&got, n.ID).Error; err != nil {
				t.Fatal(err)
			}
			if got.Withheld != c.withheld || (got.WithheldAt != nil) != (c.withheld != "") {
				t.Errorf("%s: withheld %q at %v, want %q", c.name, got.Withheld, got.WithheldAt, c.withheld)
			}
			if a := f.auditCount(t, "request.note_withheld"); a != c.audited {
				t.Errorf("%s: %d audit entries, want %d", c.name, a, c.audited)
			}
		}
	})
}
