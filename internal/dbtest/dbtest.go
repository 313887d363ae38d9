// Package dbtest gives tests a freshly migrated database: SQLite always, and
// PostgreSQL too when PORTAL_TEST_POSTGRES_DSN is set (each test gets its own
// schema, dropped afterwards).
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// EnvPostgres names the variable holding the PostgreSQL test server's URL.
const EnvPostgres = "PORTAL_TEST_POSTGRES_DSN"

// DB is one migrated test database.
type DB struct {
	*gorm.DB
	Dialect models.Dialect
	// URL opens the same database again, e.g. from a second process.
	URL string
}

// Each runs fn as a subtest once per available database.
func Each(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	if os.Getenv(EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
	}
}

// SQLite returns a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *DB {
	t.Helper()
	u := filepath.Join(t.TempDir(), "portal.db")
	return open(t, u)
}

// Postgres returns a migrated, empty PostgreSQL schema of its own, or skips
// the test when no server is configured.
func Postgres(t testing.TB) *DB {
	t.Helper()
	u := PostgresURL(t)
	return open(t, u)
}

// PostgresURL creates an empty schema and returns a URL whose search_path
// points at it. The schema is dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip(EnvPostgres + " is not set")
	}
	admin, _, err := models.Open(base)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	schema := "t_" + randomHex(8)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("dbtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		models.Close(admin)
	})
	pu, err := url.Parse(base)
	if err != nil {
		t.Fatalf("dbtest: %s: %v", EnvPostgres, err)
	}
	q := pu.Query()
	q.Set("search_path", schema)
	pu.RawQuery = q.Encode()
	return pu.String()
}

func open(t testing.TB, u string) *DB {
	t.Helper()
	db, dialect, err := models.Open(u)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { models.Close(db) })
	if err := models.Migrate(context.Background(), db, dialect); err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	return &DB{DB: db, Dialect: dialect, URL: u}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
