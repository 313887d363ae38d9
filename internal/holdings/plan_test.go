package holdings

import (
	"context"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/loadgen"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

type captured struct {
	sql  string
	vars []any
}

// captureStatements records the SQL and arguments of every statement fn
// sends, so the very statements the store builds can be explained.
func captureStatements(t testing.TB, db *gorm.DB, name string, fn func()) []captured {
	t.Helper()
	var out []captured
	on := false
	rec := func(tx *gorm.DB) {
		if on {
			out = append(out, captured{tx.Statement.SQL.String(), append([]any(nil), tx.Statement.Vars...)})
		}
	}
	for _, err := range []error{
		db.Callback().Query().After("gorm:query").Register("plan:"+name+":query", rec),
		db.Callback().Row().After("gorm:row").Register("plan:"+name+":row", rec),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	on = true
	fn()
	on = false
	return out
}

// explain returns the plan of one captured statement, one line per row.
func explain(t testing.TB, db *gorm.DB, dialect models.Dialect, c captured) []string {
	t.Helper()
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	prefix, col := "EXPLAIN ", 0
	if dialect == models.SQLite {
		prefix, col = "EXPLAIN QUERY PLAN ", 3
	}
	rows, err := sqlDB.Query(prefix+c.sql, c.vars...)
	if err != nil {
		t.Fatalf("explain %s: %v", c.sql, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		switch v := vals[col].(type) {
		case string:
			lines = append(lines, v)
		case []byte:
			lines = append(lines, string(v))
		}
	}
	return lines
}

// customerPages runs what the customer's pages run: the overview, the
// first and a deep page of orders, and the payments.
func customerPages(ctx context.Context, t testing.TB, s *Store, user int64) {
	if _, err := s.Overview(ctx, user); err != nil {
		t.Fatal(err)
	}
	for _, off := range []int{0, 400} {
		if _, _, err := s.Orders(ctx, user, 20, off); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Payments(ctx, user, 20, 0); err != nil {
		t.Fatal(err)
	}
}

// customerTables are the tables that grow with the number of customers
// (every category's): reading any of them without an index is a defect.
var customerTables = func() []string {
	var tables []string
	for _, e := range Entries() {
		tables = append(tables, e.Tables()...)
	}
	return tables
}()

// TestQueryPlans checks that on SQLite every statement of the customer's
// pages reads the customer tables through an index. PostgreSQL's plans
// depend on its cost estimates for a table this small, so they are logged
// (run with -v) rather than asserted; the benchmarks report them at scale.
func TestQueryPlans(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if err := SeedCategories(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		heavy, _, err := loadgen.Generate(ctx, db.DB, db.Dialect, 300, 6000, 1000)
		if err != nil {
			t.Fatal(err)
		}
		s := &Store{DB: db.DB}
		stmts := captureStatements(t, db.DB, "pages", func() { customerPages(ctx, t, s, heavy) })
		if len(stmts) < 8 {
			t.Fatalf("captured %d statements", len(stmts))
		}
		for _, st := range stmts {
			plan := explain(t, db.DB, db.Dialect, st)
			t.Logf("%s\n  %s", st.sql, strings.Join(plan, "\n  "))
			if db.Dialect != models.SQLite {
				continue
			}
			for _, line := range plan {
				for _, table := range customerTables {
					if strings.HasPrefix(line, "SCAN "+table) && !strings.Contains(line, "COVERING INDEX idx_") {
						t.Errorf("full scan of %s: %q in\n%s", table, line, st.sql)
					}
				}
			}
		}
	})
}
