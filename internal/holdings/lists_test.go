package holdings

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

func TestOrdersPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		s := &Store{DB: db.DB}
		small := newUser(t, db.DB, "small@example.com")
		big := newUser(t, db.DB, "big@example.com")
		addOrders(t, db.DB, small, 3)
		bigOrders := addOrders(t, db.DB, big, 60)
		n := countQueries(t, db.DB)

		tests := []struct {
			name          string
			user          int64
			limit, offset int
			wantTotal     int64
			wantLen       int
			firstIdx      int // index into bigOrders of the first row, newest first
		}{
			{"small, one page", small, 20, 0, 3, 3, -1},
			{"big, first page", big, 20, 0, 60, 20, 59},
			{"big, second page", big, 20, 20, 60, 20, 39},
			{"big, last partial page", big, 25, 50, 60, 10, 9},
			{"big, all at once", big, 100, 0, 60, 60, 59},
			{"past the end", big, 20, 60, 60, 0, -1},
		}
		counts := map[string]int64{}
		for _, tt := range tests {
			var got []OrderWithItems
			var total int64
			q := queries(n, func() {
				var err error
				if got, total, err = s.Orders(ctx, tt.user, tt.limit, tt.offset); err != nil {
					t.Fatal(err)
				}
			})
			counts[tt.name] = q
			if total != tt.wantTotal || len(got) != tt.wantLen {
				t.Errorf("%s: %d rows of %d, want %d of %d", tt.name, len(got), total, tt.wantLen, tt.wantTotal)
				continue
			}
			if q > 3 {
				t.Errorf("%s: %d queries, want at most 3", tt.name, q)
			}
			for i, o := range got {
				if o.UserID != tt.user {
					t.Fatalf("%s: another customer's order", tt.name)
				}
				if len(o.Items) != 2 || o.Items[0].OrderID != o.ID {
					t.Errorf("%s: order %d has items %+v", tt.name, o.ID, o.Items)
				}
				if i > 0 && o.PlacedAt.After(got[i-1].PlacedAt) {
					t.Errorf("%s: not newest first at %d", tt.name, i)
				}
			}
			if tt.firstIdx >= 0 && got[0].ID != bigOrders[tt.firstIdx].ID {
				t.Errorf("%s: first order %s, want %s", tt.name, got[0].Number, bigOrders[tt.firstIdx].Number)
			}
		}
		if counts["small, one page"] != counts["big, all at once"] {
			t.Errorf("queries grow with the page: %d for 3 orders, %d for 60", counts["small, one page"], counts["big, all at once"])
		}
	})
}

func TestPayments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		s := &Store{DB: db.DB}
		small := newUser(t, db.DB, "small@example.com")
		big := newUser(t, db.DB, "big@example.com")
		addOrders(t, db.DB, small, 3)
		addOrders(t, db.DB, big, 60)
		// A payment whose order was deleted keeps its reference, without a number.
		mustCreate(t, db.DB, &models.Payment{UserID: small, Provider: "PayPal", Method: "paypal",
			AmountCents: 500, Currency: "EUR", PaidAt: base.Add(-time.Hour)})
		n := countQueries(t, db.DB)

		var smallRows, bigRows []PaymentRow
		var smallTotal, bigTotal int64
		qSmall := queries(n, func() {
			var err error
			if smallRows, smallTotal, err = s.Payments(ctx, small, 100, 0); err != nil {
				t.Fatal(err)
			}
		})
		qBig := queries(n, func() {
			var err error
			if bigRows, bigTotal, err = s.Payments(ctx, big, 100, 0); err != nil {
				t.Fatal(err)
			}
		})
		if qSmall != qBig || qBig > 2 {
			t.Errorf("payments: %d queries for 4 rows, %d for 60; want the same and at most 2", qSmall, qBig)
		}
		if smallTotal != 4 || len(smallRows) != 4 || bigTotal != 60 || len(bigRows) != 60 {
			t.Fatalf("totals %d/%d and %d/%d", len(smallRows), smallTotal, len(bigRows), bigTotal)
		}
		wantNumbers := []string{
			fmt.Sprintf("T%d-0002", small), fmt.Sprintf("T%d-0001", small), fmt.Sprintf("T%d-0000", small), "",
		}
		for i, r := range smallRows {
			if r.OrderNumber != wantNumbers[i] || r.UserID != small {
				t.Errorf("payment %d: order number %q, want %q", i, r.OrderNumber, wantNumbers[i])
			}
		}
		if smallRows[0].Last4 != "4242" || smallRows[0].Provider != "Stripe" {
			t.Errorf("payment fields not loaded: %+v", smallRows[0].Payment)
		}
	})
}

func TestPhotoOwnerAndLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		s := &Store{DB: db.DB}
		alice := newUser(t, db.DB, "alice@example.com")
		bob := newUser(t, db.DB, "bob@example.com")
		var photos []models.Photo
		var msgs []models.ContactMessage
		var answers []models.SurveyAnswer
		var logins []models.LoginEvent
		for i := range 25 {
			at := base.Add(time.Duration(i) * time.Hour)
			photos = append(photos, models.Photo{UserID: alice, Filename: fmt.Sprintf("p%02d.png", i), ContentType: "image/png", UploadedAt: at})
			msgs = append(msgs, models.ContactMessage{UserID: alice, CreatedAt: at, Channel: "chat", Direction: "out"})
			answers = append(answers, models.SurveyAnswer{UserID: alice, AnsweredAt: at, Kind: "survey", Title: "t", Question: "q"})
			logins = append(logins, models.LoginEvent{UserID: alice, CreatedAt: at, Event: "signin"})
		}
		// bob's sign-in is newer than all of alice's: it would head her
		// list if the query were not scoped.
		logins = append(logins, models.LoginEvent{UserID: bob, CreatedAt: base.Add(100 * time.Hour), Event: "signin"})
		bobPhoto := models.Photo{UserID: bob, Filename: "bob.png", ContentType: "image/png", UploadedAt: base}
		mustCreate(t, db.DB, &photos)
		mustCreate(t, db.DB, &msgs)
		mustCreate(t, db.DB, &answers)
		mustCreate(t, db.DB, &logins)
		mustCreate(t, db.DB, &bobPhoto)

		owner := []struct {
			name  string
			user  int64
			photo int64
			err   error
		}{
			{"own photo", alice, photos[3].ID, nil},
			{"another customer's photo", alice, bobPhoto.ID, ErrNotFound},
			{"bob's own", bob, bobPhoto.ID, nil},
			{"missing photo", alice, bobPhoto.ID + 1000, ErrNotFound},
		}
		for _, tt := range owner {
			p, err := s.Photo(ctx, tt.user, tt.photo)
			if !errors.Is(err, tt.err) || (err == nil && (p.ID != tt.photo || p.UserID != tt.user)) {
				t.Errorf("%s: %+v %v", tt.name, p, err)
			}
		}

		type page struct {
			total int64
			first string
			n     int
		}
		lists := []struct {
			name string
			get  func(limit, offset int) (page, error)
		}{
			{"photos", func(l, o int) (page, error) {
				rows, total, err := s.Photos(ctx, alice, l, o)
				if len(rows) == 0 {
					return page{total, "", 0}, err
				}
				return page{total, rows[0].UploadedAt.UTC().Format(time.RFC3339), len(rows)}, err
			}},
			{"contact", func(l, o int) (page, error) {
				rows, total, err := s.Contact(ctx, alice, l, o)
				if len(rows) == 0 {
					return page{total, "", 0}, err
				}
				return page{total, rows[0].CreatedAt.UTC().Format(time.RFC3339), len(rows)}, err
			}},
			{"surveys", func(l, o int) (page, error) {
				rows, total, err := s.Surveys(ctx, alice, l, o)
				if len(rows) == 0 {
					return page{total, "", 0}, err
				}
				return page{total, rows[0].AnsweredAt.UTC().Format(time.RFC3339), len(rows)}, err
			}},
			{"logins", func(l, o int) (page, error) {
				rows, total, err := s.Logins(ctx, alice, l, o)
				if len(rows) == 0 {
					return page{total, "", 0}, err
				}
				return page{total, rows[0].CreatedAt.UTC().Format(time.RFC3339), len(rows)}, err
			}},
		}
		at := func(h int) string { return base.Add(time.Duration(h) * time.Hour).Format(time.RFC3339) }
		pages := []struct {
			limit, offset int
			want          page
		}{
			{10, 0, page{25, at(24), 10}},
			{10, 20, page{25, at(4), 5}},
			{0, 0, page{25, at(24), DefaultPage}},
			{10, -5, page{25, at(24), 10}},
			{10, 30, page{25, "", 0}},
		}
		for _, l := range lists {
			for _, p := range pages {
				got, err := l.get(p.limit, p.offset)
				if err != nil || got != p.want {
					t.Errorf("%s(limit %d, offset %d) = %+v, %v; want %+v", l.name, p.limit, p.offset, got, err, p.want)
				}
			}
		}
	})
}
