package profile

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// clock is a settable clock, safe for the concurrent tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newService(db *dbtest.DB) (*Service, *clock) {
	c := &clock{t: testNow}
	return &Service{DB: db.DB, Dialect: db.Dialect, Now: c.Now}, c
}

func newUser(t *testing.T, db *dbtest.DB, email string) int64 {
	t.Helper()
	u := models.User{Email: email, Role: models.RoleCustomer, Name: "Old Name", Locale: "en"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func customer(id int64) actor.Actor { return actor.Actor{Kind: actor.Customer, UserID: id} }

func fullInput() Input {
	return Input{
		FirstName: "Ada", LastName: "Lovelace", Phone: "06 12 34 56 78", BirthDate: "1990-05-17",
		Gender: GenderFemale, PreferredLanguage: "fr",
		Billing: AddressInput{Line1: "1 rue de Rivoli", PostalCode: "75001", City: "Paris", Country: "fr"},
	}
}

// rows counts what a user has in each table the service writes.
type rows struct{ profiles, addresses, changes int64 }

func countRows(t *testing.T, db *dbtest.DB, userID int64) rows {
	t.Helper()
	var r rows
	for _, c := range []struct {
		model any
		n     *int64
	}{{&models.Profile{}, &r.profiles}, {&models.Address{}, &r.addresses}, {&models.ProfileChange{}, &r.changes}} {
		if err := db.Model(c.model).Where("user_id = ?", userID).Count(c.n).Error; err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func loadUserRow(t *testing.T, db *dbtest.DB, id int64) models.User {
	t.Helper()
	var u models.User
	if err := db.Take(&u, id).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func TestGetWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(db)
		id := newUser(t, db, "a@example.com")
		snap, err := s.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if snap.Profile.Version != 0 || snap.Profile.UserID != id || snap.Input() != (Input{}) {
			t.Fatalf("Get = %+v, want an empty profile at version 0", snap)
		}
		if r := countRows(t, db, id); r != (rows{}) {
			t.Fatalf("Get wrote %+v", r)
		}
	})
}

func TestFirstSave(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(db)
		ctx := context.Background()
		id := newUser(t, db, "a@example.com")
		snap, err := s.Update(ctx, customer(id), id, fullInput())
		if err != nil {
			t.Fatal(err)
		}
		p := snap.Profile
		if p.Version != 1 || p.Phone != "+33612345678" || p.FirstName != "Ada" || snap.Billing.Country != "FR" || snap.Billing.ID == 0 {
			t.Fatalf("saved %+v", snap)
		}
		if r := countRows(t, db, id); r != (rows{profiles: 1, addresses: 1, changes: 10}) {
			t.Fatalf("rows = %+v", r)
		}
		got, err := s.Get(ctx, id)
		if err != nil || got.Input() != snap.Input() {
			t.Fatalf("Get = %+v, %v; want what Update returned", got.Input(), err)
		}
		changes, total, err := s.Changes(ctx, id, 0, 0)
		if err != nil || total != 10 || len(changes) != 10 {
			t.Fatalf("Changes = %d of %d, %v", len(changes), total, err)
		}
		want := map[string]string{"first_name": "Ada", "phone": "+33612345678", "billing.country": "FR", "billing.postal_code": "75001"}
		for _, c := range changes {
			if c.UserID != id || c.ActorKind != "customer" || c.ActorID == nil || *c.ActorID != id || c.OldValue != "" || !c.CreatedAt.Equal(testNow) {
				t.Errorf("change %+v", c)
			}
			if w, ok := want[c.Field]; ok && c.NewValue != w {
				t.Errorf("%s new value = %q, want %q", c.Field, c.NewValue, w)
			}
		}
		if u := loadUserRow(t, db, id); u.Name != "Ada Lovelace" || u.Locale != "fr" {
			t.Fatalf("user name/locale = %q/%q", u.Name, u.Locale)
		}
	})
}

func TestSaveWritesOnlyWhatChanged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, clk := newService(db)
		ctx := context.Background()
		id := newUser(t, db, "a@example.com")
		in := fullInput()
		in.Delivery = AddressInput{Line1: "2 Main St", City: "Boston", PostalCode: "02108", Country: "US"}
		first, err := s.Update(ctx, customer(id), id, in)
		if err != nil {
			t.Fatal(err)
		}
		before := countRows(t, db, id)

		clk.Advance(time.Hour)
		same, err := s.Update(ctx, customer(id), id, first.Input())
		if err != nil {
			t.Fatal(err)
		}
		if same.Profile.Version != 1 || !same.Profile.UpdatedAt.Equal(first.Profile.UpdatedAt) || countRows(t, db, id) != before {
			t.Fatalf("an unchanged save wrote: version %d, rows %+v -> %+v", same.Profile.Version, before, countRows(t, db, id))
		}

		next := first.Input()
		next.Phone = "+1 (415) 555-2671"
		next.PreferredLanguage = ""    // clearing it must not clear the account's locale
		next.Delivery = AddressInput{} // an emptied address is deleted
		second, err := s.Update(ctx, actor.Actor{Kind: actor.Staff}, id, next)
		if err != nil {
			t.Fatal(err)
		}
		if second.Profile.Version != 2 || second.Delivery.ID != 0 || second.Billing.ID != first.Billing.ID {
			t.Fatalf("second save = %+v", second)
		}
		if r := countRows(t, db, id); r.addresses != 1 || r.changes != before.changes+6 {
			t.Fatalf("rows = %+v, want 1 address and %d changes", r, before.changes+6)
		}
		changes, _, err := s.Changes(ctx, id, 6, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][2]string{}
		for _, c := range changes {
			if c.ActorKind != "staff" || c.ActorID != nil || !c.CreatedAt.Equal(testNow.Add(time.Hour)) {
				t.Errorf("change %+v", c)
			}
			got[c.Field] = [2]string{c.OldValue, c.NewValue}
		}
		want := map[string][2]string{
			"phone":                {"+33612345678", "+14155552671"},
			"preferred_language":   {"fr", ""},
			"delivery.line1":       {"2 Main St", ""},
			"delivery.postal_code": {"02108", ""},
			"delivery.city":        {"Boston", ""},
			"delivery.country":     {"US", ""},
		}
		if len(got) != len(want) {
			t.Fatalf("changes = %v, want %v", got, want)
		}
		for f, w := range want {
			if got[f] != w {
				t.Errorf("%s: %q, want %q", f, got[f], w)
			}
		}
		if u := loadUserRow(t, db, id); u.Locale != "fr" {
			t.Fatalf("locale = %q, want fr kept", u.Locale)
		}
	})
}

func TestStaleVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(db)
		ctx := context.Background()
		id := newUser(t, db, "a@example.com")
		v1, err := s.Update(ctx, customer(id), id, fullInput())
		if err != nil {
			t.Fatal(err)
		}
		other := v1.Input()
		other.LastName = "King"
		if _, err := s.Update(ctx, actor.Actor{Kind: actor.API}, id, other); err != nil {
			t.Fatal(err)
		}
		before := countRows(t, db, id)

		cases := []struct {
			name    string
			edit    func(in *Input)
			version int64
			fields  []string
		}{
			{"stale, own change", func(in *Input) { in.Phone = "+14155552671" }, 1, []string{"last_name", "phone"}},
			{"stale, no own change", func(in *Input) {}, 1, []string{"last_name"}},
			{"from the future", func(in *Input) { in.LastName = "King" }, 3, nil},
			{"never loaded", func(in *Input) { in.LastName = "King" }, 0, nil},
		}
		for _, c := range cases {
			in := v1.Input()
			c.edit(&in)
			in.Version = c.version
			_, err := s.Update(ctx, customer(id), id, in)
			var ce *ConflictError
			if !errors.As(err, &ce) || !errors.Is(err, ErrConflict) {
				t.Fatalf("%s: err = %v, want a ConflictError", c.name, err)
			}
			if !slices.Equal(ce.Fields, c.fields) || ce.Current.Profile.Version != 2 || ce.Current.Profile.LastName != "King" {
				t.Errorf("%s: conflict fields %v, current v%d; want %v, v2", c.name, ce.Fields, ce.Current.Profile.Version, c.fields)
			}
			if r := countRows(t, db, id); r != before {
				t.Errorf("%s: rows %+v -> %+v", c.name, before, r)
			}
		}
		if got, _ := s.Get(ctx, id); got.Profile.Version != 2 || got.Profile.Phone != "+33612345678" {
			t.Fatalf("stored %+v", got.Profile)
		}
	})
}

func TestChangesScopedNewestFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, clk := newService(db)
		ctx := context.Background()
		ada, bob := newUser(t, db, "ada@example.com"), newUser(t, db, "bob@example.com")
		v1, err := s.Update(ctx, customer(ada), ada, Input{FirstName: "Ada", LastName: "Lovelace"})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		if _, err := s.Update(ctx, customer(bob), bob, Input{FirstName: "Bob", LastName: "Bobson", Gender: GenderMale}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Minute)
		in := v1.Input()
		in.BirthDate = "1815-12-10"
		if _, err := s.Update(ctx, customer(ada), ada, in); !errors.Is(err, ErrInvalid) {
			t.Fatalf("1815: err = %v, want ErrInvalid", err)
		}
		in.BirthDate = "1915-12-10"
		if _, err := s.Update(ctx, customer(ada), ada, in); err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			user          int64
			limit, offset int
			total         int64
			fields        []string
		}{
			{ada, 10, 0, 3, []string{"birth_date", "last_name", "first_name"}},
			{ada, 1, 0, 3, []string{"birth_date"}},
			{ada, 1, 1, 3, []string{"last_name"}},
			{ada, 10, 5, 3, nil},
			{bob, 10, -1, 3, []string{"gender", "last_name", "first_name"}},
			{bob + ada + 1, 10, 0, 0, nil},
		}
		for _, c := range cases {
			got, total, err := s.Changes(ctx, c.user, c.limit, c.offset)
			if err != nil {
				t.Fatal(err)
			}
			var fields []string
			for _, ch := range got {
				if ch.UserID != c.user {
					t.Errorf("user %d sees a change of user %d", c.user, ch.UserID)
				}
				fields = append(fields, ch.Field)
			}
			if total != c.total || !slices.Equal(fields, c.fields) {
				t.Errorf("Changes(%d, %d, %d) = %v of %d, want %v of %d", c.user, c.limit, c.offset, fields, total, c.fields, c.total)
			}
		}
	})
}

func TestRefusedSavesWriteNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(db)
		id := newUser(t, db, "a@example.com")
		var failHistory atomic.Bool
		err := db.Callback().Create().Before("gorm:create").Register("profile_test:fail_history", func(tx *gorm.DB) {
			if failHistory.Load() && tx.Statement.Table == "profile_changes" {
				tx.AddError(errors.New("injected failure"))
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()

		cases := []struct {
			name     string
			ctx      context.Context
			user     int64
			in       Input
			actor    actor.Actor
			failLast bool
			want     error
		}{
			{"invalid input", context.Background(), id, Input{FirstName: "Ada"}, customer(id), false, ErrInvalid},
			{"unknown actor", context.Background(), id, fullInput(), actor.Actor{Kind: "robot"}, false, nil},
			{"unknown user", context.Background(), id + 100, fullInput(), actor.Actor{Kind: actor.Staff, UserID: id}, false, ErrUnknownUser},
			{"another customer", context.Background(), id, fullInput(), customer(id + 100), false, actor.ErrNotSubject},
			{"requester without an account", context.Background(), id, fullInput(), actor.Actor{Kind: actor.Requester}, false, nil},
			{"cancelled context", cancelled, id, fullInput(), customer(id), false, context.Canceled},
			{"history insert fails", context.Background(), id, fullInput(), customer(id), true, nil},
		}
		for _, c := range cases {
			failHistory.Store(c.failLast)
			_, err := s.Update(c.ctx, c.actor, c.user, c.in)
			if err == nil || (c.want != nil && !errors.Is(err, c.want)) {
				t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
			}
			if r := countRows(t, db, id); r != (rows{}) {
				t.Errorf("%s: wrote %+v", c.name, r)
			}
			if u := loadUserRow(t, db, id); u.Name != "Old Name" || u.Locale != "en" {
				t.Errorf("%s: user changed to %q/%q", c.name, u.Name, u.Locale)
			}
		}
		var ve *ValidationError
		if _, err := s.Update(context.Background(), customer(id), id, Input{FirstName: "Ada"}); !errors.As(err, &ve) || ve.Fields["last_name"] != MsgRequired {
			t.Errorf("ValidationError = %v", err)
		}

		// A failure on an existing profile leaves the previous version whole.
		failHistory.Store(false)
		v1, err := s.Update(context.Background(), customer(id), id, fullInput())
		if err != nil {
			t.Fatal(err)
		}
		before := countRows(t, db, id)
		failHistory.Store(true)
		next := v1.Input()
		next.LastName, next.Billing = "King", AddressInput{}
		if _, err := s.Update(context.Background(), customer(id), id, next); err == nil {
			t.Fatal("the injected failure was not reported")
		}
		got, err := s.Get(context.Background(), id)
		if err != nil || got.Input() != v1.Input() || countRows(t, db, id) != before {
			t.Fatalf("after a failed save: %+v, %v", got.Input(), err)
		}
		if u := loadUserRow(t, db, id); u.Name != "Ada Lovelace" {
			t.Fatalf("user name = %q", u.Name)
		}
	})
}

// An account whose mail language drifted from the profile's preferred
// language (the old header switcher wrote only the account) is mended by
// the next save: mails follow the language the form shows.
func TestSaveAlignsTheMailLanguage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(db)
		ctx := context.Background()
		id := newUser(t, db, "b@example.com")
		snap, err := s.Update(ctx, customer(id), id, fullInput())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Model(&models.User{}).Where("id = ?", id).Update("locale", "zh-CN").Error; err != nil {
			t.Fatal(err)
		}
		next := snap.Input()
		next.FirstName = "Augusta"
		if _, err := s.Update(ctx, customer(id), id, next); err != nil {
			t.Fatal(err)
		}
		if u := loadUserRow(t, db, id); u.Locale != snap.Profile.PreferredLanguage {
			t.Fatalf("locale = %q, want the profile's %q", u.Locale, snap.Profile.PreferredLanguage)
		}
		next.Version++
		next.PreferredLanguage = "en"
		if _, err := s.Update(ctx, customer(id), id, next); err != nil {
			t.Fatal(err)
		}
		if u := loadUserRow(t, db, id); u.Locale != "en" {
			t.Fatalf("locale = %q, want en after changing the preferred language", u.Locale)
		}
	})
}
