package models

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrationFS embed.FS

// DialectOf tells which engine a database URL names. URLs that start with
// postgres:// or postgresql:// are PostgreSQL; everything else is taken as
// an SQLite file path (an optional sqlite: or file: prefix is allowed).
func DialectOf(databaseURL string) Dialect {
	if strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// sqliteDSN turns a path into a mattn/go-sqlite3 DSN with the pragmas the
// portal needs: WAL for concurrent readers, a busy timeout instead of
// immediate "database is locked", enforced foreign keys, and immediate
// transactions so read-then-write transactions do not fail on upgrade.
func sqliteDSN(path string) string {
	path = sqlitePath(path)
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_txlock", "immediate")
	q.Set("_synchronous", "NORMAL")
	return "file:" + path + "?" + q.Encode()
}

// sqlitePath is the file an SQLite database URL names.
func sqlitePath(databaseURL string) string {
	path := strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// sqliteFileMode is the mode of the database and its -wal and -shm files:
// they hold every customer's personal data, so only the portal's own user
// may read them, whatever the umask.
const sqliteFileMode = 0o600

// prepareSQLiteFile creates the database file (and its directory, 0700)
// with owner-only access before the driver opens it, so the file never
// exists with the umask's wider mode, and tightens an existing one.
func prepareSQLiteFile(path string) error {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, ":memory:") {
		return nil
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, sqliteFileMode)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return restrictSQLiteFiles(path)
}

// restrictSQLiteFiles chmods the database and the -wal and -shm files
// SQLite creates beside it on first use (with the umask's mode).
func restrictSQLiteFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, sqliteFileMode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Open connects to the database the URL names. A fresh gorm.Config is made
// on every call: GORM caches prepared statements per config.
func Open(databaseURL string) (*gorm.DB, Dialect, error) {
	dialect := DialectOf(databaseURL)
	cfg := &gorm.Config{
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		// GORM writes LIMIT and OFFSET as numbers, so every page of a list
		// is a statement of its own: the cache is bounded (least recently
		// used go), or a visitor walking ?page=1…100000 would grow it for
		// good. Bounded, a rarely used statement is prepared again.
		PrepareStmtMaxSize: 1000,
		PrepareStmtTTL:     time.Hour,
		Logger:             logger.Discard,
		NowFunc:            func() time.Time { return time.Now().UTC() },
	}
	var dialector gorm.Dialector
	switch dialect {
	case Postgres:
		dialector = postgres.Open(databaseURL)
	default:
		if err := prepareSQLiteFile(sqlitePath(databaseURL)); err != nil {
			return nil, dialect, fmt.Errorf("models: open %s: %w", dialect, err)
		}
		dialector = sqlite.Open(sqliteDSN(databaseURL))
	}
	db, err := gorm.Open(dialector, cfg)
	if err != nil {
		return nil, dialect, fmt.Errorf("models: open %s: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, dialect, fmt.Errorf("models: %w", err)
	}
	if dialect == SQLite {
		// The -wal and -shm files appear at the first connection (WAL is
		// set in the DSN): open one now so they can be restricted at once.
		if err := sqlDB.Ping(); err != nil {
			sqlDB.Close()
			return nil, dialect, fmt.Errorf("models: open %s: %w", dialect, err)
		}
		if err := restrictSQLiteFiles(sqlitePath(databaseURL)); err != nil {
			sqlDB.Close()
			return nil, dialect, fmt.Errorf("models: open %s: %w", dialect, err)
		}
		// One writer at a time is SQLite's rule anyway; a few connections
		// let readers proceed under WAL. All of them stay open: database/sql
		// keeps 2 idle by default, and reopening an SQLite connection (and
		// its prepared statements) under load cost more than the query.
		sqlDB.SetMaxOpenConns(sqliteConns)
		sqlDB.SetMaxIdleConns(sqliteConns)
	} else {
		// As many idle as open, for the same reason; closed after a quiet
		// spell so an idle instance does not hold server backends.
		sqlDB.SetMaxOpenConns(postgresConns)
		sqlDB.SetMaxIdleConns(postgresConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	return db, dialect, nil
}

// Pool sizes. PostgreSQL's is per instance: N instances behind a load
// balancer open up to N × postgresConns backends.
const (
	sqliteConns   = 8
	postgresConns = 16
)

// Migrate applies every pending migration for the dialect. On PostgreSQL a
// session advisory lock makes instances that start together take turns.
func Migrate(ctx context.Context, db *gorm.DB, dialect Dialect) error {
	sqlDB, err := db.DB()
	if err != nil {
		return fmt.Errorf("models: migrate: %w", err)
	}
	sub, err := fs.Sub(migrationFS, "migrations/"+string(dialect))
	if err != nil {
		return fmt.Errorf("models: migrate: %w", err)
	}
	opts := []goose.ProviderOption{}
	gooseDialect := goose.DialectSQLite3
	if dialect == Postgres {
		gooseDialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return fmt.Errorf("models: migrate: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	provider, err := goose.NewProvider(gooseDialect, sqlDB, sub, opts...)
	if err != nil {
		return fmt.Errorf("models: migrate: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("models: migrate: %w", err)
	}
	return nil
}

// Ping checks the database answers, for /readyz.
func Ping(ctx context.Context, db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close releases the connection pool.
func Close(db *gorm.DB) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
