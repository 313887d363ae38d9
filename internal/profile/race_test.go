package profile

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestConcurrentSaves(t *testing.T) {
	const writers = 6
	for _, start := range []string{"first save", "later save"} {
		t.Run(start, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
				s, _ := newService(db)
				ctx := context.Background()
				id := newUser(t, db, "a@example.com")
				base := Input{FirstName: "Ada", LastName: "Lovelace"}
				if start == "later save" {
					snap, err := s.Update(ctx, customer(id), id, base)
					if err != nil {
						t.Fatal(err)
					}
					base = snap.Input()
				}
				before := countRows(t, db, id)
				var wg sync.WaitGroup
				errs := make([]error, writers)
				ready := make(chan struct{})
				for i := range writers {
					wg.Go(func() {
						in := base
						in.LastName = string(rune('A' + i))
						<-ready
						_, errs[i] = s.Update(ctx, customer(id), id, in)
					})
				}
				close(ready)
				wg.Wait()
				var ok, conflicts int
				for _, err := range errs {
					var ce *ConflictError
					switch {
					case err == nil:
						ok++
					case errors.As(err, &ce):
						conflicts++
					default:
						t.Errorf("unexpected error: %v", err)
					}
				}
				if ok != 1 || conflicts != writers-1 {
					t.Fatalf("%d saves succeeded and %d conflicted, want 1 and %d", ok, conflicts, writers-1)
				}
				got, err := s.Get(ctx, id)
				if err != nil || got.Profile.Version != base.Version+1 {
					t.Fatalf("version = %d, %v; want %d", got.Profile.Version, err, base.Version+1)
				}
				wantChanges := int64(1) // last_name only
				if start == "first save" {
					wantChanges = 2
				}
				if r := countRows(t, db, id); r.changes != before.changes+wantChanges {
					t.Fatalf("changes %d -> %d, want +%d", before.changes, r.changes, wantChanges)
				}
			})
		})
	}
}

type pauseKey struct{}

// pause holds a save right after it has read the stored profile, until
// the test lets it go on.
type pause struct {
	once         sync.Once
	read, resume chan struct{}
}

// TestSaveLosesRace makes a save read, then lets another save commit, then
// lets the first one write: it must lose without writing anything. Only
// PostgreSQL can interleave so; SQLite's immediate transactions take the
// write lock at BEGIN, so the second save would wait for the first.
func TestSaveLosesRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		if db.Dialect != models.Postgres {
			t.Skip("SQLite serialises whole transactions")
		}
		err := db.Callback().Query().After("gorm:query").Register("profile_test:pause", func(tx *gorm.DB) {
			if p, ok := tx.Statement.Context.Value(pauseKey{}).(*pause); ok && tx.Statement.Table == "profiles" {
				p.once.Do(func() { close(p.read); <-p.resume })
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		s, _ := newService(db)
		ctx := context.Background()
		for _, c := range []struct {
			email string
			saved bool // else the race is on the first save's INSERT
		}{{"first@example.com", false}, {"later@example.com", true}} {
			saved := c.saved
			id := newUser(t, db, c.email)
			base := Input{FirstName: "Ada", LastName: "Lovelace"}
			if saved {
				snap, err := s.Update(ctx, customer(id), id, base)
				if err != nil {
					t.Fatal(err)
				}
				base = snap.Input()
			}
			p := &pause{read: make(chan struct{}), resume: make(chan struct{})}
			slow := base
			slow.Phone = "+14155552671"
			done := make(chan error)
			go func() {
				_, err := s.Update(context.WithValue(ctx, pauseKey{}, p), customer(id), id, slow)
				done <- err
			}()
			<-p.read
			fast := base
			fast.LastName = "King"
			if _, err := s.Update(ctx, customer(id), id, fast); err != nil {
				t.Fatalf("saved=%v: the fast save failed: %v", saved, err)
			}
			close(p.resume)
			err := <-done
			var ce *ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("saved=%v: slow save err = %v, want a ConflictError", saved, err)
			}
			if want := []string{"last_name", "phone"}; !slices.Equal(ce.Fields, want) {
				t.Errorf("saved=%v: conflict fields %v, want %v", saved, ce.Fields, want)
			}
			got, err := s.Get(ctx, id)
			if err != nil || got.Profile.Phone != "" || got.Profile.LastName != "King" || got.Profile.Version != base.Version+1 {
				t.Errorf("saved=%v: stored %+v, %v", saved, got.Profile, err)
			}
		}
	})
}
