package settings

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// TestRefreshAcrossInstances: two services over one database stand for two
// portal instances; a change on one is seen by the other at its next
// Refresh, and not before (it reads its cache, not the database).
func TestRefreshAcrossInstances(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		a := admin(t, db)
		one, two := newService(db), newService(db)
		for _, s := range []*Service{one, two} {
			if err := s.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
		}
		steps := []struct {
			name string
			by   *Service
			key  string
			set  any
			get  func(*Service) any
		}{
			{"first change of a key", one, ThrottleLockAfter.Key(), 20, func(s *Service) any { return ThrottleLockAfter.Get(s) }},
			{"second change of it", one, ThrottleLockAfter.Key(), 30, func(s *Service) any { return ThrottleLockAfter.Get(s) }},
			// A key with a lower version than the others must still be
			// noticed: the mark is not a max.
			{"another key", one, EmailCodeMaxAttempts.Key(), 3, func(s *Service) any { return EmailCodeMaxAttempts.Get(s) }},
			{"a change from the other side", two, ThrottleLockAfter.Key(), 40, func(s *Service) any { return ThrottleLockAfter.Get(s) }},
		}
		for _, st := range steps {
			reader := two
			if st.by == two {
				reader = one
			}
			before := st.get(reader)
			if err := st.by.Set(ctx, a, st.key, st.set); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got := st.get(st.by); got != st.set {
				t.Errorf("%s: writer sees %v, want %v at once", st.name, got, st.set)
			}
			if got := st.get(reader); got != before {
				t.Errorf("%s: reader sees %v before refreshing, want its cached %v", st.name, got, before)
			}
			if err := reader.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			if got := st.get(reader); got != st.set {
				t.Errorf("%s: reader sees %v after Refresh, want %v", st.name, got, st.set)
			}
		}
		// The writer refreshes too and keeps what the other wrote.
		if err := one.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ThrottleLockAfter.Get(one); got != 40 {
			t.Errorf("writer after Refresh = %d, want 40", got)
		}
		list := two.List()
		for _, c := range list {
			if c.Key == EmailCodeMaxAttempts.Key() && (c.IsDefault || c.Value != 3 || c.Version != 1) {
				t.Errorf("List entry %+v", c)
			}
			if c.Key == ReauthWindow.Key() && !c.IsDefault {
				t.Errorf("untouched setting listed as changed: %+v", c)
			}
		}
	})
}

// TestStoredValueOutOfBounds: a row that breaks today's rules (written by
// hand, or under older bounds) falls back to the default, and other rows
// still load.
func TestStoredValueOutOfBounds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		rows := []models.Setting{
			{Name: ThrottleHourlyCap.Key(), Value: "5000", Version: 1, UpdatedAt: now},
			{Name: EmailCodeTTL.Key(), Value: `"not a duration"`, Version: 1, UpdatedAt: now},
			{Name: "from.a.newer.instance", Value: "1", Version: 1, UpdatedAt: now},
			{Name: ThrottleLockAfter.Key(), Value: "12", Version: 1, UpdatedAt: now},
		}
		if err := db.Create(&rows).Error; err != nil {
			t.Fatal(err)
		}
		svc := newService(db)
		if err := svc.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ThrottleHourlyCap.Get(svc); got != 100 {
			t.Errorf("hourly cap = %d, want the default 100", got)
		}
		if got := EmailCodeTTL.Get(svc); got != 15*time.Minute {
			t.Errorf("code TTL = %v, want the default", got)
		}
		if got := ThrottleLockAfter.Get(svc); got != 12 {
			t.Errorf("lock after = %d, want the stored 12", got)
		}
		if err := svc.Set(ctx, actor.SystemActor(), ThrottleHourlyCap.Key(), 50); err != nil {
			t.Errorf("Set over a bad row: %v", err)
		}
	})
}

// TestRunStops: Run returns when its context ends (the server's shutdown).
func TestRunStops(t *testing.T) {
	t.Parallel()
	svc := New(nil, models.SQLite, Options{Interval: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.Run(ctx); close(done) }()
	cancel()
	<-done
}
