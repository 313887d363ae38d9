package holdings

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// nullable lists, per table, the columns that may hold NULL.
func nullable(t *testing.T, db *gorm.DB, dialect models.Dialect, s schema) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	for table := range s {
		out[table] = map[string]bool{}
	}
	switch dialect {
	case models.SQLite:
		for table := range s {
			var cols []struct {
				Name    string
				Notnull int
				Pk      int
			}
			if err := db.Raw(`SELECT name, "notnull", pk FROM pragma_table_info(?)`, table).Scan(&cols).Error; err != nil {
				t.Fatal(err)
			}
			for _, c := range cols {
				if c.Notnull == 0 && c.Pk == 0 {
					out[table][c.Name] = true
				}
			}
		}
	case models.Postgres:
		var rows []struct{ TableName, ColumnName string }
		if err := db.Raw(`SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND is_nullable = 'YES'`).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[r.TableName][r.ColumnName] = true
		}
	}
	return out
}

// exportGaps checks every category's export against the migrated schema:
// each owned table is exported by a set, each column of it is exported or
// excluded with a reason (and not both), and a nullable column is
// declared nullable, so data.json never breaks its schema.
func exportGaps(s schema, nulls map[string]map[string]bool, entries []Entry) []string {
	var out []string
	for _, e := range entries {
		sets := e.Export()
		if len(sets) == 0 {
			out = append(out, fmt.Sprintf("%s: no exporter (Export returns no set)", e.Key()))
		}
		covered := map[string]map[string]bool{}
		names := map[string]bool{}
		for _, set := range sets {
			if names[set.Name] {
				out = append(out, fmt.Sprintf("%s: two sets named %q", e.Key(), set.Name))
			}
			names[set.Name] = true
			if !slices.Contains(e.Tables(), set.Table) {
				out = append(out, fmt.Sprintf("%s.%s: table %s is not the category's", e.Key(), set.Name, set.Table))
			}
			if set.From == "" || set.Args == nil {
				out = append(out, fmt.Sprintf("%s.%s: no From or Args", e.Key(), set.Name))
			}
			cols := s[set.Table]
			if covered[set.Table] == nil {
				covered[set.Table] = map[string]bool{}
			}
			fields := map[string]bool{}
			for _, fl := range set.Fields {
				if fields[fl.Name] || fl.Name == "file" && set.FileColumn != "" {
					out = append(out, fmt.Sprintf("%s.%s: field %q twice", e.Key(), set.Name, fl.Name))
				}
				fields[fl.Name] = true
				if !slices.Contains(cols, fl.Column) {
					out = append(out, fmt.Sprintf("%s.%s: field %s reads %s.%s, which does not exist", e.Key(), set.Name, fl.Name, set.Table, fl.Column))
				}
				if nulls[set.Table][fl.Column] && !fl.Null {
					out = append(out, fmt.Sprintf("%s.%s: field %s: column %s.%s may be NULL, the field is not Null", e.Key(), set.Name, fl.Name, set.Table, fl.Column))
				}
				covered[set.Table][fl.Column] = true
			}
			if set.FileColumn != "" && set.Excluded[set.FileColumn] == "" {
				out = append(out, fmt.Sprintf("%s.%s: the file column %s must be excluded with a reason", e.Key(), set.Name, set.FileColumn))
			}
			for col, why := range set.Excluded {
				if !slices.Contains(cols, col) {
					out = append(out, fmt.Sprintf("%s.%s: excludes %s.%s, which does not exist", e.Key(), set.Name, set.Table, col))
				}
				if strings.TrimSpace(why) == "" {
					out = append(out, fmt.Sprintf("%s.%s: excludes %s without a reason", e.Key(), set.Name, col))
				}
				if slices.ContainsFunc(set.Fields, func(fl Field) bool { return fl.Column == col }) {
					out = append(out, fmt.Sprintf("%s.%s: %s is both exported and excluded", e.Key(), set.Name, col))
				}
			}
			for _, col := range cols {
				if _, ok := set.Excluded[col]; !ok && !fields[col] && !slices.ContainsFunc(set.Fields, func(fl Field) bool { return fl.Column == col }) {
					out = append(out, fmt.Sprintf("%s.%s: column %s.%s is neither exported nor excluded with a reason", e.Key(), set.Name, set.Table, col))
				}
			}
		}
		for _, table := range e.Tables() {
			if covered[table] == nil {
				out = append(out, fmt.Sprintf("%s: table %s has no export set", e.Key(), table))
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestEveryColumnIsExportedOrExcluded is the export's completeness rule,
// on both databases, and each set's query runs.
func TestEveryColumnIsExportedOrExcluded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s := readSchema(t, db.DB, db.Dialect)
		for _, gap := range exportGaps(s, nullable(t, db.DB, db.Dialect, s), Entries()) {
			t.Error(gap)
		}
		for _, e := range Entries() {
			for _, set := range e.Export() {
				err := Each(context.Background(), db.DB, set, Subject{UserID: 1, RequestID: 1}, func([]any) error { return nil })
				if err != nil {
					t.Errorf("%s.%s: %v", e.Key(), set.Name, err)
				}
			}
		}
	})
}

// noExport is a category whose Export was forgotten.
type noExport struct{ photosCategory }

func (noExport) Export() []Set { return nil }

// TestExportCheckCatches proves the rule fails: a new column nobody
// placed, a category without an exporter, a nullable column declared
// not null.
func TestExportCheckCatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		if err := db.Exec("ALTER TABLE payments ADD COLUMN iban TEXT").Error; err != nil {
			t.Fatal(err)
		}
		s := readSchema(t, db.DB, db.Dialect)
		nulls := nullable(t, db.DB, db.Dialect, s)
		got := exportGaps(s, nulls, []Entry{paymentsCategory{}, noExport{}})
		want := []string{
			"payments.payments: column payments.iban is neither exported nor excluded with a reason",
			"photos: no exporter (Export returns no set)",
			"photos: table photos has no export set",
		}
		if !slices.Equal(got, want) {
			t.Errorf("gaps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		nulls["payments"]["provider"] = true
		if got := exportGaps(s, nulls, []Entry{paymentsCategory{}}); !slices.ContainsFunc(got, func(g string) bool {
			return strings.Contains(g, "provider") && strings.Contains(g, "may be NULL")
		}) {
			t.Errorf("a nullable column declared not null was not reported: %q", got)
		}
	})
}
