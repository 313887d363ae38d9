package holdings

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

func TestLocalized(t *testing.T) {
	obj := `{"en":"Orders","fr":"Commandes","zh-CN":"订单"}`
	tests := []struct {
		name, text, locale, want string
	}{
		{"exact", obj, "fr", "Commandes"},
		{"chinese", obj, "zh-CN", "订单"},
		{"base language", obj, "fr-CA", "Commandes"},
		{"base of zh", obj, "zh", "订单"},
		{"unknown falls back to en", obj, "de", "Orders"},
		{"empty locale", obj, "", "Orders"},
		{"empty translation falls back", `{"en":"Orders","fr":""}`, "fr", "Orders"},
		{"no en: raw text", `{"fr":"Commandes"}`, "de", `{"fr":"Commandes"}`},
		{"plain text", "Just text", "fr", "Just text"},
		{"broken json", `{"en":`, "en", `{"en":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Localized(tt.text, tt.locale); got != tt.want {
				t.Errorf("Localized(%q, %q) = %q, want %q", tt.text, tt.locale, got, tt.want)
			}
		})
	}
}

func TestSeedCategories(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		for range 2 {
			if err := SeedCategories(ctx, db.DB); err != nil {
				t.Fatal(err)
			}
		}
		var nCat, nPurpose int64
		db.Model(&models.DataCategory{}).Count(&nCat)
		db.Model(&models.DataPurpose{}).Count(&nPurpose)
		if nCat != int64(len(categorySeeds)) {
			t.Fatalf("%d categories after seeding twice, want %d", nCat, len(categorySeeds))
		}
		wantPurposes := 0
		for _, c := range categorySeeds {
			wantPurposes += len(c.purposes)
		}
		if nPurpose != int64(wantPurposes) {
			t.Fatalf("%d purposes after seeding twice, want %d", nPurpose, wantPurposes)
		}

		s := &Store{DB: db.DB}
		cats, err := s.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		wantKeys := []string{"profile", "orders", "payments", "photos", "contact", "surveys", "logins", "requests", "consents"}
		if len(cats) != len(wantKeys) {
			t.Fatalf("%d categories", len(cats))
		}
		for i, c := range cats {
			if c.Key != wantKeys[i] {
				t.Errorf("category %d is %q, want %q", i, c.Key, wantKeys[i])
			}
			if c.CustomerEdits != (c.Key == "profile") {
				t.Errorf("%s: CustomerEdits = %v", c.Key, c.CustomerEdits)
			}
			if len(c.Purposes) == 0 {
				t.Errorf("%s has no purpose", c.Key)
			}
			for j := 1; j < len(c.Purposes); j++ {
				if c.Purposes[j].Sort < c.Purposes[j-1].Sort {
					t.Errorf("%s: purposes out of order", c.Key)
				}
			}
			for _, text := range []string{c.Name, c.Description, c.RetentionText, c.Source, c.Recipients} {
				en, fr, zh := Localized(text, "en"), Localized(text, "fr"), Localized(text, "zh-CN")
				if en == "" || en == fr || en == zh || fr == zh {
					t.Errorf("%s: text not translated: %q", c.Key, text)
				}
			}
		}

		tests := []struct {
			key  string
			days int
			err  error
		}{
			{"profile", 0, nil},
			{"orders", 3650, nil},
			{"photos", 183, nil},
			{"contact", 90, nil},
			{"logins", 365, nil},
			{"nope", 0, ErrNotFound},
		}
		for _, tt := range tests {
			c, err := s.Category(ctx, tt.key)
			if !errors.Is(err, tt.err) {
				t.Errorf("Category(%q) error %v, want %v", tt.key, err, tt.err)
				continue
			}
			if err == nil && (c.RetentionDays != tt.days || len(c.Purposes) == 0) {
				t.Errorf("Category(%q): %d days, %d purposes", tt.key, c.RetentionDays, len(c.Purposes))
			}
		}
	})
}

func TestOverview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if err := SeedCategories(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		s := &Store{DB: db.DB}
		alice := newUser(t, db.DB, "alice@example.com")
		bob := newUser(t, db.DB, "bob@example.com")
		if _, err := s.Categories(ctx); err != nil { // the catalog, loaded once per instance
			t.Fatal(err)
		}
		n := countQueries(t, db.DB)

		var empty []Summary
		emptyQueries := queries(n, func() {
			var err error
			if empty, err = s.Overview(ctx, alice); err != nil {
				t.Fatal(err)
			}
		})
		for _, sum := range empty {
			if sum.Count != 0 || sum.LastChange != nil {
				t.Errorf("empty %s: %d, %v", sum.Category.Key, sum.Count, sum.LastChange)
			}
		}

		addOrders(t, db.DB, alice, 3)
		addOrders(t, db.DB, bob, 5) // must not show up in alice's overview
		mustCreate(t, db.DB, &models.Profile{UserID: alice, FirstName: "Alice", UpdatedAt: base.Add(-time.Hour)})
		mustCreate(t, db.DB, &[]models.Address{
			{UserID: alice, Kind: models.AddressBilling, City: "Lyon"},
			{UserID: alice, Kind: models.AddressDelivery, City: "Lyon"},
			{UserID: bob, Kind: models.AddressBilling, City: "Leeds"},
		})
		mustCreate(t, db.DB, &[]models.Photo{
			{UserID: alice, Filename: "a.png", ContentType: "image/png", UploadedAt: base.Add(24 * time.Hour)},
			{UserID: bob, Filename: "b.png", ContentType: "image/png", UploadedAt: base.Add(48 * time.Hour)},
		})
		var msgs []models.ContactMessage
		for i := range 4 {
			msgs = append(msgs, models.ContactMessage{UserID: alice, CreatedAt: base.Add(time.Duration(i) * time.Minute), Channel: "email", Direction: "in"})
		}
		mustCreate(t, db.DB, &msgs)
		mustCreate(t, db.DB, &models.SurveyAnswer{UserID: bob, AnsweredAt: base, Kind: "survey", Title: "t", Question: "q"})
		mustCreate(t, db.DB, &models.LoginEvent{UserID: alice, CreatedAt: base.Add(5 * time.Hour), Event: "signin"})
		// A category an admin added: no entry answers for it, so it has no
		// page and counts nothing.
		mustCreate(t, db.DB, &models.DataCategory{Key: "loyalty", Sort: 999, Name: "Loyalty", Description: "d",
			RetentionText: "r", Source: "s", Recipients: "p"})
		if err := s.Refresh(ctx); err != nil { // as every instance does within seconds
			t.Fatal(err)
		}

		var got []Summary
		fullQueries := queries(n, func() {
			var err error
			if got, err = s.Overview(ctx, alice); err != nil {
				t.Fatal(err)
			}
		})
		if fullQueries != emptyQueries || fullQueries != 1 { // the UNION; the categories are in memory
			t.Errorf("overview sent %d queries with data, %d without; want the same, 1", fullQueries, emptyQueries)
		}
		ts := func(d time.Duration) *time.Time { v := base.Add(d); return &v }
		want := map[string]struct {
			count int64
			last  *time.Time
			path  string
		}{
			"profile":  {1, ts(-time.Hour), "/account/data/profile"},
			"orders":   {3, ts(2 * time.Hour), "/account/data/orders"},
			"payments": {3, ts(2 * time.Hour), "/account/data/payments"},
			"photos":   {1, ts(24 * time.Hour), "/account/data/photos"},
			"contact":  {4, ts(3 * time.Minute), "/account/data/contact"},
			"surveys":  {0, nil, "/account/data/surveys"},
			"logins":   {1, ts(5 * time.Hour), "/account/data/logins"},
			"requests": {0, nil, "/account/requests"},
			"consents": {0, nil, "/account/preferences/history"},
			"loyalty":  {0, nil, ""},
		}
		if len(got) != len(want) {
			t.Fatalf("%d summaries, want %d", len(got), len(want))
		}
		for _, sum := range got {
			w := want[sum.Category.Key]
			if sum.Count != w.count || sum.Path != w.path {
				t.Errorf("%s: count %d, path %q; want %d, %q", sum.Category.Key, sum.Count, sum.Path, w.count, w.path)
			}
			switch {
			case (sum.LastChange == nil) != (w.last == nil):
				t.Errorf("%s: last change %v, want %v", sum.Category.Key, sum.LastChange, w.last)
			case w.last != nil && !sum.LastChange.Equal(*w.last):
				t.Errorf("%s: last change %v, want %v", sum.Category.Key, sum.LastChange, w.last)
			}
		}
	})
}

func TestPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		s := &Store{DB: db.DB, Dialect: db.Dialect}
		user := newUser(t, db.DB, "carol@example.com")
		carol := actor.Actor{Kind: actor.Customer, UserID: user, IP: "192.0.2.7"}
		if v, ack, err := s.CurrentPolicy(ctx, user); v != nil || ack != nil || err != nil {
			t.Fatalf("no policy yet: %v %v %v", v, ack, err)
		}
		for range 2 {
			if err := SeedPolicy(ctx, db.DB); err != nil {
				t.Fatal(err)
			}
		}
		future := models.PolicyVersion{Version: "V.100000003", PublishedAt: time.Now().Add(48 * time.Hour), Body: "{}"}
		mustCreate(t, db.DB, &future)
		if err := s.Refresh(ctx); err != nil {
			t.Fatal(err)
		}

		v, ack, err := s.CurrentPolicy(ctx, user)
		if err != nil || v == nil || v.Version != DemoPolicyVersion || ack != nil {
			t.Fatalf("current policy: %+v %+v %v", v, ack, err)
		}
		for _, loc := range []string{"en", "fr", "zh-CN"} {
			if body := Localized(v.Body, loc); len(body) < 500 || body[0] != '#' {
				t.Errorf("%s body is not a Markdown policy: %.40q", loc, body)
			}
		}
		if err := s.Acknowledge(ctx, carol, user, future.ID, time.Now()); !errors.Is(err, ErrNotFound) || !fault.Is(err, fault.NotFound) {
			t.Errorf("acknowledging an unpublished version: %v", err)
		}
		other := newUser(t, db.DB, "dave@example.com")
		for _, a := range []actor.Actor{
			{Kind: actor.Customer, UserID: other},
			{Kind: actor.Requester},
			{},
			// An acknowledgement is the customer's own statement.
			{Kind: actor.Staff, UserID: other},
			{Kind: actor.Admin, UserID: other},
			{Kind: actor.API},
		} {
			if err := s.Acknowledge(ctx, a, user, v.ID, time.Now()); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%s acknowledging for carol: %v, want forbidden", a, err)
			}
		}
		first := base
		for _, at := range []time.Time{first, first.Add(time.Hour)} {
			if err := s.Acknowledge(ctx, carol, user, v.ID, at); err != nil {
				t.Fatal(err)
			}
		}
		// One audit entry, by carol, about carol: the second acknowledgement
		// changed nothing, and the refused ones wrote nothing.
		var entries []models.AuditEntry
		if err := db.Where("action = ?", "policy.acknowledged").Find(&entries).Error; err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Fatalf("%d policy.acknowledged entries, want 1", len(entries))
		}
		if e := entries[0]; e.ActorID == nil || *e.ActorID != user || e.ActorRole != "customer" ||
			e.TargetType != "user" || e.TargetID != strconv.FormatInt(user, 10) || e.IP != "192.0.2.7" {
			t.Errorf("audit entry %+v", e)
		}
		_, ack, err = s.CurrentPolicy(ctx, user)
		if err != nil || ack == nil || !ack.AcknowledgedAt.Equal(first) {
			t.Fatalf("ack after acknowledging twice: %+v %v", ack, err)
		}
		var acks int64
		db.Model(&models.PolicyAck{}).Count(&acks)
		if acks != 1 {
			t.Errorf("%d acks, want 1", acks)
		}
		if _, ack, _ := s.CurrentPolicy(ctx, other); ack != nil {
			t.Error("another customer's acknowledgement leaked")
		}
		// The overview page reads the same answer within its one statement.
		for _, who := range []struct {
			user  int64
			acked bool
		}{{user, true}, {other, false}} {
			_, pv, ack, err := s.OverviewAndPolicy(ctx, who.user)
			switch {
			case err != nil || pv == nil || pv.ID != v.ID:
				t.Errorf("user %d: overview's policy %+v, %v; want version %d", who.user, pv, err, v.ID)
			case who.acked && (ack == nil || ack.PolicyVersionID != v.ID || !ack.AcknowledgedAt.Equal(first)):
				t.Errorf("user %d: overview's acknowledgement %+v, want version %d at %v", who.user, ack, v.ID, first)
			case !who.acked && ack != nil:
				t.Errorf("user %d: overview shows an acknowledgement %+v they never made", who.user, ack)
			}
		}
	})
}
