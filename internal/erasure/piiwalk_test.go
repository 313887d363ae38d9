package erasure

import (
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// column is one text-like column of the migrated schema.
type column struct{ Table, Name string }

// textColumns walks the schema as migrated (not the models): every
// column of every table on SQLite (any may hold text), and the text, JSON
// and character columns on PostgreSQL.
func textColumns(t testing.TB, db *dbtest.DB) []column {
	t.Helper()
	var out []column
	if db.Dialect == models.Postgres {
		if err := db.Raw(`SELECT table_name AS "table", column_name AS name FROM information_schema.columns
			WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
			ORDER BY table_name, column_name`).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	var tables []string
	if err := db.Raw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).
		Scan(&tables).Error; err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		var cols []struct{ Name string }
		if err := db.Raw(`SELECT name FROM pragma_table_info(?)`, tb).Scan(&cols).Error; err != nil {
			t.Fatal(err)
		}
		for _, c := range cols {
			out = append(out, column{tb, c.Name})
		}
	}
	return out
}

// piiHits returns "table.column" for every column holding one of needles
// (case-insensitively), with the needle.
func piiHits(t testing.TB, db *dbtest.DB, needles []string) map[string]string {
	t.Helper()
	cols := textColumns(t, db)
	if len(cols) < 100 {
		t.Fatalf("the schema walk found only %d columns", len(cols))
	}
	hits := map[string]string{}
	for _, c := range cols {
		for _, n := range needles {
			var found int64
			q := `SELECT COUNT(*) FROM "` + c.Table + `" WHERE LOWER(CAST("` + c.Name + `" AS TEXT)) LIKE ?`
			if err := db.Raw(q, "%"+strings.ToLower(n)+"%").Scan(&found).Error; err != nil {
				t.Fatalf("%s.%s: %v", c.Table, c.Name, err)
			}
			if found > 0 {
				hits[c.Table+"."+c.Name] = n
			}
		}
	}
	return hits
}

// allowedAfterErasure is where an erased customer may still be found,
// and why.
var allowedAfterErasure = map[string]string{
	"retained_invoices.buyer_name":      "bookkeeping keeps the buyer's name on the invoice",
	"retained_invoices.billing_address": "bookkeeping keeps the billing address on the invoice",
	// The report is mailed to the requester, and the address is cleared
	// once that mail is delivered (the cool-off's mailReport and the
	// outbox's Forget flag).
	"erasures.report_email": "the report's address, until the report is delivered",
}
