package holdings

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// schema is every table (and view) of a database with its columns.
type schema map[string][]string

// references maps a table to the tables its foreign keys point at.
type references map[string][]string

// readReferences lists every foreign key of the migrated database: a row
// tied to a user, or to a row that holds personal data, is about that
// person whatever its columns are called.
func readReferences(t *testing.T, db *gorm.DB, dialect models.Dialect, s schema) references {
	t.Helper()
	out := references{}
	switch dialect {
	case models.SQLite:
		for table := range s {
			var parents []string
			if err := db.Raw(`SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, table).Scan(&parents).Error; err != nil {
				t.Fatal(err)
			}
			out[table] = parents
		}
	case models.Postgres:
		var rows []struct{ Child, Parent string }
		err := db.Raw(`SELECT DISTINCT tc.table_name AS child, ccu.table_name AS parent
			FROM information_schema.table_constraints tc
			JOIN information_schema.constraint_column_usage ccu
			  ON ccu.constraint_name = tc.constraint_name AND ccu.constraint_schema = tc.constraint_schema
			WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()`).Scan(&rows).Error
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[r.Child] = append(out[r.Child], r.Parent)
		}
	}
	return out
}

// readSchema lists the migrated database's tables and columns: from
// sqlite_master and pragma table_info on SQLite, from information_schema
// in the connection's own schema on PostgreSQL (dbtest gives each test a
// schema of its own, so other tests' tables are not seen).
func readSchema(t *testing.T, db *gorm.DB, dialect models.Dialect) schema {
	t.Helper()
	out := schema{}
	switch dialect {
	case models.SQLite:
		var tables []string
		err := db.Raw(`SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'`).
			Scan(&tables).Error
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range tables {
			var cols []string
			if err := db.Raw(`SELECT name FROM pragma_table_info(?)`, table).Scan(&cols).Error; err != nil {
				t.Fatal(err)
			}
			out[table] = cols
		}
	case models.Postgres:
		var rows []struct{ TableName, ColumnName string }
		err := db.Raw(`SELECT table_name, column_name FROM information_schema.columns
			WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`).Scan(&rows).Error
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[r.TableName] = append(out[r.TableName], r.ColumnName)
		}
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	if len(out) == 0 {
		t.Fatal("no tables found: the schema query is wrong")
	}
	return out
}

// Words in a column's name that make it a reference to a person: user_id,
// customer_id, subject_id, actor_id, target_id, created_by…
var personWords = words("user", "customer", "subject", "requester", "actor", "owner", "account",
	"member", "person", "staff", "admin", "recipient", "sender", "target", "by",
	"author", "assignee", "reviewer", "approver", "editor", "creator", "login", "contact", "client", "guest")

// Words that say a column holds something about a person: contact
// details, network evidence, or free text a person typed or was sent.
// Hashes and tokens are included: a hash of an email or IP is still a
// pseudonym of it. Being generous costs an exemption line; being strict
// costs a table erasure never visits.
var personalWords = words(
	"email", "mail", "name", "firstname", "lastname", "surname", "nickname", "phone", "mobile", "tel", "fax",
	"address", "street", "line1", "line2", "postal", "postcode", "zip", "city", "town", "region", "country",
	"ip", "agent", "useragent", "device", "birth", "dob", "gender", "age", "nationality",
	"body", "message", "subject", "text", "answer", "question", "note", "notes", "comment", "comments",
	"payload", "data", "details", "description", "reason", "value", "content", "title", "html",
	"hash", "token", "secret", "card", "iban", "last4", "document", "file", "photo", "image", "location",
	"addr", "ua", "meta", "metadata", "json", "args", "to", "cc", "bcc", "from", "lat", "lng", "lon",
	"latitude", "longitude", "geo", "login",
)

// Fragments that say so even inside a longer word: "contact_email",
// "filename", "to_address", "user_agent".
var personalFragments = []string{"email", "name", "phone", "address", "street", "postal", "agent", "birth"}

func words(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// personalColumns returns the columns of a table that can hold personal
// data, by their names.
func personalColumns(cols []string) []string {
	var out []string
	for _, c := range cols {
		if isPersonal(c) {
			out = append(out, c)
		}
	}
	return out
}

func isPersonal(column string) bool {
	c := strings.ToLower(column)
	ws := strings.Split(c, "_")
	for i, w := range ws {
		if personalWords[w] {
			return true
		}
		// "user_id", "customer_id", "created_by": a person's id.
		if personWords[w] && (i == len(ws)-1 || ws[len(ws)-1] == "id" || ws[len(ws)-1] == "ids") {
			return true
		}
	}
	for _, f := range personalFragments {
		if strings.Contains(c, f) {
			return true
		}
	}
	return false
}

// unaccounted returns, sorted, each table that can hold personal data
// and is neither owned by an entry nor exempted, with the columns (or the
// foreign keys) that made it personal. A foreign key to users, or to a
// table a category owns or an exemption declares, makes a table personal:
// an order's notes are about the customer even with neutral column names.
func unaccounted(s schema, refs references, entries []Entry, exempt []Exemption) []string {
	placed := map[string]bool{}
	for _, e := range entries {
		for _, t := range e.Tables() {
			placed[t] = true
		}
	}
	for _, x := range exempt {
		placed[x.Table] = true
	}
	var out []string
	for table, cols := range s {
		if placed[table] {
			continue
		}
		p := personalColumns(cols)
		for _, parent := range refs[table] {
			if parent == "users" || placed[parent] {
				p = append(p, "→ "+parent)
			}
		}
		if len(p) > 0 {
			out = append(out, fmt.Sprintf("%s (%s)", table, strings.Join(p, ", ")))
		}
	}
	sort.Strings(out)
	return out
}

// TestEveryPersonalTableIsPlaced walks the migrated schema: a table that
// can hold personal data must belong to a category (so export, erasure
// and retention visit it) or be exempted with a reason and a retention.
func TestEveryPersonalTableIsPlaced(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s := readSchema(t, db.DB, db.Dialect)
		for _, miss := range unaccounted(s, readReferences(t, db.DB, db.Dialect, s), Entries(), Exemptions) {
			t.Errorf("table %s can hold personal data but belongs to no category and has no exemption in exemptions.go", miss)
		}

		owner := map[string]string{}
		for _, e := range Entries() {
			for _, table := range e.Tables() {
				if _, ok := s[table]; !ok {
					t.Errorf("category %s owns table %q, which the schema does not have", e.Key(), table)
				}
				if prev, ok := owner[table]; ok {
					t.Errorf("table %s is owned by both %s and %s", table, prev, e.Key())
				}
				owner[table] = e.Key()
			}
		}
		for i, x := range Exemptions {
			if _, ok := s[x.Table]; !ok {
				t.Errorf("exemption for %q: no such table (stale entry?)", x.Table)
			}
			if cat, ok := owner[x.Table]; ok {
				t.Errorf("table %s is both exempt and owned by %s", x.Table, cat)
			}
			if strings.TrimSpace(x.Reason) == "" || strings.TrimSpace(x.Retention) == "" {
				t.Errorf("exemption for %s needs a reason and a retention", x.Table)
			}
			if i > 0 && Exemptions[i-1].Table >= x.Table {
				t.Errorf("exemptions not sorted (or repeated) at %s", x.Table)
			}
		}
	})
}

// TestSchemaCheckCatches proves the walk can fail: tables added to the
// migrated database with a person's id, an address, an IP or free text
// are reported, and a table without any such column is not.
func TestSchemaCheckCatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		tests := []struct {
			table, columns string
			flagged        bool
		}{
			{"newsletter_signups", "id INTEGER PRIMARY KEY, user_id INTEGER, created_at TIMESTAMP", true},
			{"guest_requests", "id INTEGER PRIMARY KEY, contact_email TEXT", true},
			{"staff_notes", "id INTEGER PRIMARY KEY, note TEXT", true},
			{"visits", "id INTEGER PRIMARY KEY, ip TEXT, at TIMESTAMP", true},
			{"deliveries", "id INTEGER PRIMARY KEY, street TEXT, zip TEXT", true},
			{"devices", "id INTEGER PRIMARY KEY, user_agent TEXT", true},
			{"referrals", "id INTEGER PRIMARY KEY, customer_id INTEGER", true},
			// Neutral names, but tied to an order: about its customer.
			{"order_notes", "id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders (id), kind TEXT, at TIMESTAMP", true},
			{"order_events", "id INTEGER PRIMARY KEY, remote_addr TEXT, author_id INTEGER", true},
			{"tariffs", "id INTEGER PRIMARY KEY, cents INTEGER, currency TEXT, starts_at TIMESTAMP", false},
		}
		for _, tt := range tests {
			if err := db.Exec("CREATE TABLE " + tt.table + " (" + tt.columns + ")").Error; err != nil {
				t.Fatal(err)
			}
		}
		s := readSchema(t, db.DB, db.Dialect)
		got := unaccounted(s, readReferences(t, db.DB, db.Dialect, s), Entries(), Exemptions)
		for _, tt := range tests {
			reported := slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, tt.table+" (") })
			if reported != tt.flagged {
				t.Errorf("%s (%s): reported %v, want %v; report: %q", tt.table, tt.columns, reported, tt.flagged, got)
			}
		}
		if len(got) != 9 {
			t.Errorf("report %q: want exactly the 9 new personal tables", got)
		}
	})
}

func TestIsPersonal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		column string
		want   bool
	}{
		{"user_id", true}, {"subject_id", true}, {"actor_id", true}, {"created_by", true},
		{"to_address", true}, {"contact_email", true}, {"first_name", true}, {"filename", true},
		{"phone", true}, {"postal_code", true}, {"ip", true}, {"user_agent", true},
		{"text_body", true}, {"payload", true}, {"details", true}, {"old_value", true}, {"key_hash", true},
		{"id", false}, {"created_at", false}, {"status", false}, {"attempts", false},
		{"total_cents", false}, {"currency", false}, {"sort", false}, {"version", false},
		{"shipping", false}, {"usage", false}, {"page", false}, {"zipped", false},
		{"author_id", true}, {"remote_addr", true}, {"ua", true}, {"metadata", true}, {"to", true}, {"lat", true},
	}
	for _, tt := range tests {
		if got := isPersonal(tt.column); got != tt.want {
			t.Errorf("isPersonal(%q) = %v, want %v", tt.column, got, tt.want)
		}
	}
}

// TestRegistryMatchesSeed checks that every entry answers for a seeded
// category and every seeded category has an entry: an entry without a row
// would count rows nobody sees explained, a row without an entry would be
// shown with nothing behind it. Each entry's tally must name its own key,
// since the overview matches rows to categories by it.
func TestRegistryMatchesSeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if err := SeedCategories(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		var seeded []string
		if err := db.Model(&models.DataCategory{}).Order("key").Pluck("key", &seeded).Error; err != nil {
			t.Fatal(err)
		}
		var registered []string
		paths := map[string]bool{}
		for _, e := range Entries() {
			registered = append(registered, e.Key())
			if !strings.HasPrefix(e.Path(), "/account/") || paths[e.Path()] {
				t.Errorf("%s: path %q is not a page of its own under /account/", e.Key(), e.Path())
			}
			paths[e.Path()] = true
			if len(e.Tables()) == 0 {
				t.Errorf("%s owns no table", e.Key())
			}
			if got, ok := Lookup(e.Key()); !ok || got.Key() != e.Key() {
				t.Errorf("Lookup(%q) = %v, %v", e.Key(), got, ok)
			}

			tally := e.Tally()
			if tally.Counted {
				// Its rows are counted by triggers on its first table.
				if !hasTrigger(t, db, "tally_"+e.Tables()[0]+"_insert") {
					t.Errorf("%s: counted, but no trigger counts %s", e.Key(), e.Tables()[0])
				}
				continue
			}
			args := make([]any, tally.Binds)
			for i := range args {
				args[i] = int64(1)
			}
			// Scanned by position, as the overview does: only the profile's
			// tally names its columns.
			var k string
			var n int64
			var last sql.NullString
			if err := db.Raw(tally.SQL, args...).Row().Scan(&k, &n, &last); err != nil {
				t.Errorf("%s: tally: %v", e.Key(), err)
			} else if k != e.Key() || n != 0 || last.Valid {
				t.Errorf("%s: tally on an empty database gave %q, %d, %v", e.Key(), k, n, last)
			}
		}
		slices.Sort(registered)
		if !slices.Equal(registered, seeded) {
			t.Errorf("registry keys %q, seeded categories %q", registered, seeded)
		}
		if _, ok := Lookup("nope"); ok {
			t.Error("Lookup found an unregistered key")
		}
	})
}

// hasTrigger reports whether the migrated schema has a trigger of that name.
func hasTrigger(t *testing.T, db *dbtest.DB, name string) bool {
	t.Helper()
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?"
	if db.Dialect == models.Postgres {
		q = "SELECT COUNT(*) FROM pg_trigger WHERE tgname = ?"
	}
	var n int64
	if err := db.Raw(q, name).Row().Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}
