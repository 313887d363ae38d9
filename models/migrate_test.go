package models_test

import (
	"context"
	"sync"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// TestConcurrentMigrations starts several "instances" on one empty
// PostgreSQL schema at once: the advisory lock must make them take turns,
// so all succeed and every migration is applied exactly once.
func TestConcurrentMigrations(t *testing.T) {
	url := dbtest.PostgresURL(t)
	const instances = 4
	var wg sync.WaitGroup
	errs := make(chan error, instances)
	for range instances {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, dialect, err := models.Open(url)
			if err != nil {
				errs <- err
				return
			}
			defer models.Close(db)
			errs <- models.Migrate(context.Background(), db, dialect)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent migration failed: %v", err)
		}
	}
	db, _, err := models.Open(url)
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	var applied []int64
	if err := db.Raw("SELECT version_id FROM goose_db_version WHERE version_id > 0 ORDER BY id").Scan(&applied).Error; err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, v := range applied {
		if seen[v] {
			t.Fatalf("migration %d applied twice: %v", v, applied)
		}
		seen[v] = true
	}
	if len(seen) < 2 {
		t.Fatalf("migrations applied: %v", applied)
	}
}
