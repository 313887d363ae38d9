package holdings

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/loadgen"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The benchmark database is generated once per process and per engine,
// sized by these variables (defaults: 100,000 customers, 1,000,000 orders;
// the heavy customer always has 10,000 orders, or all of them if fewer).
const (
	envBenchCustomers = "PORTAL_BENCH_CUSTOMERS"
	envBenchOrders    = "PORTAL_BENCH_ORDERS"
	// envBenchExplain set to 1 prints the plan of every statement the
	// benchmarked pages send, at full size.
	envBenchExplain = "PORTAL_BENCH_EXPLAIN"
	heavyOrders     = 10000
)

type benchDB struct {
	db             *gorm.DB
	dialect        models.Dialect
	heavy, typical int64
	err            error
}

var (
	cleanupMu sync.Mutex
	cleanups  []func()
)

func atExit(f func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanups = append(cleanups, f)
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(code)
}

var benchDBs = map[models.Dialect]func() *benchDB{
	models.SQLite: sync.OnceValue(func() *benchDB {
		dir, err := os.MkdirTemp("", "holdings-bench-")
		if err != nil {
			return &benchDB{err: err}
		}
		atExit(func() { os.RemoveAll(dir) })
		return generate(filepath.Join(dir, "bench.db"))
	}),
	models.Postgres: sync.OnceValue(func() *benchDB {
		base := os.Getenv(dbtest.EnvPostgres)
		admin, _, err := models.Open(base)
		if err != nil {
			return &benchDB{err: err}
		}
		b := make([]byte, 6)
		rand.Read(b)
		schema := "bench_" + hex.EncodeToString(b)
		if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
			return &benchDB{err: err}
		}
		atExit(func() {
			admin.Exec("DROP SCHEMA " + schema + " CASCADE")
			models.Close(admin)
		})
		u, err := url.Parse(base)
		if err != nil {
			return &benchDB{err: err}
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return generate(u.String())
	}),
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func generate(dbURL string) *benchDB {
	ctx := context.Background()
	db, dialect, err := models.Open(dbURL)
	if err != nil {
		return &benchDB{err: err}
	}
	atExit(func() { models.Close(db) })
	if err := models.Migrate(ctx, db, dialect); err != nil {
		return &benchDB{err: err}
	}
	if err := SeedCategories(ctx, db); err != nil {
		return &benchDB{err: err}
	}
	customers := envInt(envBenchCustomers, 100000)
	orders := envInt(envBenchOrders, 1000000)
	heavy := min(heavyOrders, orders)
	start := time.Now()
	h, typ, err := loadgen.Generate(ctx, db, dialect, customers, orders, heavy)
	if err != nil {
		return &benchDB{err: err}
	}
	fmt.Fprintf(os.Stderr, "holdings bench: %s: generated %d customers, %d orders (heavy customer: %d) in %s\n",
		dialect, customers, orders, heavy, time.Since(start).Round(time.Millisecond))
	return &benchDB{db: db, dialect: dialect, heavy: h, typical: typ}
}

// eachBenchDB runs fn against SQLite, and PostgreSQL when it is configured.
func eachBenchDB(b *testing.B, fn func(b *testing.B, env *benchDB)) {
	if testing.Short() {
		b.Skip("benchmarks generate a million orders; skipped with -short")
	}
	dialects := []models.Dialect{models.SQLite}
	if os.Getenv(dbtest.EnvPostgres) != "" {
		dialects = append(dialects, models.Postgres)
	}
	for _, d := range dialects {
		b.Run(string(d), func(b *testing.B) {
			env := benchDBs[d]()
			if env.err != nil {
				b.Fatalf("generating the %s benchmark database: %v", d, env.err)
			}
			explainOnce(b, env)
			fn(b, env)
		})
	}
}

var explained sync.Map

// explainOnce prints, when asked, the plans of the pages' statements on the
// full-size database.
func explainOnce(b *testing.B, env *benchDB) {
	if os.Getenv(envBenchExplain) != "1" {
		return
	}
	if _, done := explained.LoadOrStore(env.dialect, true); done {
		return
	}
	ctx := context.Background()
	s := &Store{DB: env.db}
	stmts := captureStatements(b, env.db, "bench", func() { customerPages(ctx, b, s, env.heavy) })
	for _, st := range stmts {
		plan := explain(b, env.db, env.dialect, st)
		fmt.Fprintf(os.Stderr, "-- %s\n%s\n  %s\n\n", env.dialect, st.sql, strings.Join(plan, "\n  "))
	}
}

func BenchmarkOverview(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, env *benchDB) {
		s := &Store{DB: env.db}
		ctx := context.Background()
		for _, c := range []struct {
			name string
			user int64
		}{{"heavy", env.heavy}, {"typical", env.typical}} {
			b.Run(c.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Overview(ctx, c.user); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

func BenchmarkOrdersPage(b *testing.B) {
	eachBenchDB(b, func(b *testing.B, env *benchDB) {
		s := &Store{DB: env.db}
		ctx := context.Background()
		for _, c := range []struct {
			name string
			user int64
			page int
		}{
			{"heavy/page1", env.heavy, 1},
			{"heavy/page400", env.heavy, 400},
			{"typical/page1", env.typical, 1},
		} {
			b.Run(c.name, func(b *testing.B) {
				for b.Loop() {
					rows, _, err := s.Orders(ctx, c.user, 20, (c.page-1)*20)
					if err != nil || len(rows) == 0 {
						b.Fatalf("%d rows, %v", len(rows), err)
					}
				}
			})
		}
	})
}
