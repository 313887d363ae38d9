package holdings

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestCatalogChangeReachesAnotherInstance: two stores over their own
// connection pools to one database stand for two portal instances. An
// admin's change through one is shown by it at once, and by the other
// once its refresh period has passed on its clock, not before (it serves
// its cache without asking the database).
func TestCatalogChangeReachesAnotherInstance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if err := SeedCategories(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		other, _, err := models.Open(db.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { models.Close(other) })
		clock := &fakeClock{t: base}
		const every = 5 * time.Second
		one := &Store{DB: db.DB, Dialect: db.Dialect}
		two := &Store{DB: other, Dialect: db.Dialect, Now: clock.now, RefreshEvery: every}
		admin := actor.Actor{Kind: actor.Admin, UserID: newAdmin(t, db)}

		before, err := two.Category(ctx, KeyOrders)
		if err != nil {
			t.Fatal(err)
		}
		const text = "Your orders, kept to deliver them and for the accounts."
		if err := one.SetCategoryText(ctx, admin, KeyOrders, FieldDescription, "en", text); err != nil {
			t.Fatal(err)
		}
		if c, _ := one.Category(ctx, KeyOrders); c.In("en").Description != text {
			t.Errorf("writer shows %q, want the new text at once", c.In("en").Description)
		}
		if c, _ := one.Category(ctx, KeyOrders); c.In("fr").Description != before.In("fr").Description {
			t.Errorf("French text changed with the English one: %q", c.In("fr").Description)
		}
		clock.advance(every - time.Second)
		if err := two.RefreshDue(ctx); err != nil {
			t.Fatal(err)
		}
		if c, _ := two.Category(ctx, KeyOrders); c.In("en").Description != before.In("en").Description {
			t.Errorf("other instance refreshed before its period: %q", c.In("en").Description)
		}
		clock.advance(time.Second)
		if err := two.RefreshDue(ctx); err != nil {
			t.Fatal(err)
		}
		if c, _ := two.Category(ctx, KeyOrders); c.In("en").Description != text {
			t.Errorf("other instance shows %q after its refresh period, want %q", c.In("en").Description, text)
		}

		// Any writer is noticed, not only this service: a purpose edited
		// by hand (an import, a SQL console) moves the revision too.
		if err := db.Exec("UPDATE data_purposes SET text = ? WHERE id = (SELECT MIN(id) FROM data_purposes)", `{"en": "Edited by hand"}`).Error; err != nil {
			t.Fatal(err)
		}
		clock.advance(every)
		if err := two.RefreshDue(ctx); err != nil {
			t.Fatal(err)
		}
		cats, _ := two.Categories(ctx)
		found := false
		for _, c := range cats {
			for _, p := range c.In("zh-CN").Purposes {
				found = found || p == "Edited by hand"
			}
		}
		if !found {
			t.Error("a purpose edited outside the portal was not picked up (zh-CN falls back to English)")
		}
	})
}

func newAdmin(t *testing.T, db *dbtest.DB) int64 {
	t.Helper()
	u := models.User{Email: "admin@example.com", Role: models.RoleAdmin}
	mustCreate(t, db.DB, &u)
	return u.ID
}

func TestSetCategoryTextRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if err := SeedCategories(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		s := &Store{DB: db.DB, Dialect: db.Dialect}
		admin := actor.Actor{Kind: actor.Admin, UserID: newAdmin(t, db)}
		customer := actor.Actor{Kind: actor.Customer, UserID: newUser(t, db.DB, "cust@example.com")}
		staff := actor.Actor{Kind: actor.Staff, UserID: 99}
		audits := func() int64 {
			var n int64
			db.Model(&models.AuditEntry{}).Where("action = ?", "catalog.category_changed").Count(&n)
			return n
		}
		tests := []struct {
			name   string
			a      actor.Actor
			key    string
			field  TextField
			locale string
			text   string
			kind   fault.Kind
			field2 string // the form field the error names
		}{
			{"customer", customer, KeyOrders, FieldName, "en", "Orders", fault.Forbidden, ""},
			{"staff", staff, KeyOrders, FieldName, "en", "Orders", fault.Forbidden, ""},
			{"unknown field", admin, KeyOrders, "sort", "en", "1", fault.Invalid, "field"},
			{"unknown language", admin, KeyOrders, FieldName, "de", "Bestellungen", fault.Invalid, "locale"},
			{"empty", admin, KeyOrders, FieldName, "en", "   ", fault.Invalid, "text"},
			{"too long", admin, KeyOrders, FieldName, "en", strings.Repeat("é", maxCategoryText+1), fault.Invalid, "text"},
			{"unknown category", admin, "loyalty", FieldName, "en", "Loyalty", fault.NotFound, ""},
		}
		for _, tt := range tests {
			err := s.SetCategoryText(ctx, tt.a, tt.key, tt.field, tt.locale, tt.text)
			if fault.KindOf(err) != tt.kind {
				t.Errorf("%s: %v (kind %v), want kind %v", tt.name, err, fault.KindOf(err), tt.kind)
			}
			if tt.field2 != "" {
				if _, ok := fault.FieldsOf(err)[tt.field2]; !ok {
					t.Errorf("%s: fields %v, want an error on %q", tt.name, fault.FieldsOf(err), tt.field2)
				}
			}
		}
		if n := audits(); n != 0 {
			t.Fatalf("%d audit entries after refused changes", n)
		}
		if err := s.SetCategoryText(ctx, admin, KeyContact, FieldRetentionText, "fr", "  90 jours après le dernier échange.  "); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCategoryText(ctx, admin, KeyContact, FieldRetentionText, "fr", "90 jours après le dernier échange."); err != nil {
			t.Fatal(err)
		}
		if n := audits(); n != 1 {
			t.Errorf("%d audit entries, want 1 (the same text again records nothing)", n)
		}
		c, err := s.Category(ctx, KeyContact)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.In("fr").RetentionText; got != "90 jours après le dernier échange." {
			t.Errorf("French retention %q", got)
		}
		if c.In("en").RetentionText == "" || c.In("en").RetentionText == c.In("fr").RetentionText {
			t.Errorf("English retention lost: %q", c.In("en").RetentionText)
		}
		if _, err := s.Category(ctx, "loyalty"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown category: %v", err)
		}
	})
}

func TestWithLocale(t *testing.T) {
	tests := []struct{ stored, locale, text, want string }{
		{`{"en":"A","fr":"B"}`, "fr", "C", `{"en":"A","fr":"C"}`},
		{`{"en":"A"}`, "zh-CN", "甲", `{"en":"A","zh-CN":"甲"}`},
		{"Plain text", "fr", "Texte", `{"en":"Plain text","fr":"Texte"}`},
		{"", "en", "New", `{"en":"New"}`},
		{`{"en":"A","fr":"B"}`, "fr", "B", `{"en":"A","fr":"B"}`},
	}
	for _, tt := range tests {
		got, err := withLocale(tt.stored, tt.locale, tt.text)
		if err != nil || got != tt.want {
			t.Errorf("withLocale(%q, %q, %q) = %q, %v; want %q", tt.stored, tt.locale, tt.text, got, err, tt.want)
		}
	}
}
