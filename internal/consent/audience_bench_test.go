package consent

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// benchCustomers is the size of the customer base BenchmarkAudience
// streams the newsletter audience of.
const benchCustomers = 1_000_000

// The mix, by customer number i (1…benchCustomers): a subject for
// i%10 < 4; the newsletter by email granted for i%10 < 3 (30%), pending
// for i%10 == 3; offers by SMS granted for i%10 < 2 (another topic and
// channel in the same index); a profile for i%4 == 0, a minor's when
// i%50 == 0; an objection by account for i%100 == 1, by address for
// i%100 == 11; an active restriction for i%100 == 2, a lifted one for
// i%100 == 12.
func benchInAudience(i int) bool {
	if i%10 >= 3 {
		return false
	}
	switch i % 100 {
	case 1, 11, 2:
		return false
	}
	return i%100 != 0 // a minor (i%4 == 0 && i%50 == 0)
}

// seedAudience fills db with benchCustomers customers in a few set-based
// statements (a recursive CTE on SQLite, generate_series on PostgreSQL).
func seedAudience(b *testing.B, db *dbtest.DB) {
	b.Helper()
	series := "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
	from := "n"
	ts := "?" // the select lists' parameters are times; PostgreSQL cannot infer their type there
	if db.Dialect == models.Postgres {
		series = ""
		from = "generate_series(1, ?::bigint) AS n(i)"
		ts = "?::timestamptz"
	}
	at := testNow.Add(-time.Hour)
	run := func(insert, selectList, where string, args ...any) {
		b.Helper()
		q := insert + " " + series + "SELECT " + strings.ReplaceAll(selectList, "?", ts) + " FROM " + from
		if where != "" {
			q += " WHERE " + where
		}
		args = append([]any{benchCustomers}, args...) // the WITH comes first
		if db.Dialect == models.Postgres {
			args = append(args[1:], benchCustomers) // generate_series comes last
		}
		start := time.Now()
		if err := db.Exec(q, args...).Error; err != nil {
			b.Fatalf("seed: %v\n%s", err, q)
		}
		b.Logf("%v: %.60s", time.Since(start).Round(time.Millisecond), insert)
	}
	run("INSERT INTO users (id, email, role, name, locale, created_at, updated_at)",
		"i, 'customer' || i || '@example.com', 'customer', 'Customer ' || i, CASE WHEN i % 3 = 0 THEN 'fr' ELSE '' END, ?, ?", "", at, at)
	run("INSERT INTO profiles (user_id, birth_date, preferred_language, created_at, updated_at)",
		"i, CASE WHEN i % 50 = 0 THEN '2015-06-01' ELSE '1980-06-01' END, 'zh-CN', ?, ?", "i % 4 = 0", at, at)
	run("INSERT INTO consent_subjects (id, user_id, created_at)", "i, i, ?", "i % 10 < 4", at)
	run("INSERT INTO consent_states (subject_id, purpose, topic, channel, status, event_id, updated_at)",
		"i, 'marketing', 'newsletter', 'email', CASE WHEN i % 10 = 3 THEN 'pending' ELSE 'granted' END, i, ?", "i % 10 < 4", at)
	run("INSERT INTO consent_states (subject_id, purpose, topic, channel, status, event_id, updated_at)",
		"i, 'marketing', 'offers', 'sms', 'granted', i, ?", "i % 10 < 2", at)
	run("INSERT INTO marketing_objections (user_id, email, recorded_at)",
		"CASE WHEN i % 100 = 1 THEN i END, CASE WHEN i % 100 = 1 THEN 'earlier' || i || '@example.com' ELSE 'customer' || i || '@example.com' END, ?",
		"i % 100 IN (1, 11)", at)
	run("INSERT INTO restrictions (user_id, category, ground, placed_at)", "i, '', 'request', ?", "i % 100 = 2", at)
	run("INSERT INTO restrictions (user_id, category, ground, placed_at, lifted_at)", "i, '', 'request', ?, ?", "i % 100 = 12", at, at)
	// A bulk load leaves PostgreSQL's hint bits and visibility map to
	// the first reader; a live database has had its autovacuum.
	analyze := "ANALYZE"
	if db.Dialect == models.Postgres {
		analyze = "VACUUM ANALYZE"
	}
	if err := db.Exec(analyze).Error; err != nil {
		b.Fatal(err)
	}
}

// BenchmarkAudience streams the newsletter audience of a million
// customers and reports the time and the peak heap while streaming.
//
//	go test ./internal/consent/ -run '^$' -bench Audience -benchtime 1x -count 1
func BenchmarkAudience(b *testing.B) {
	if testing.Short() {
		b.Skip("seeds a million customers")
	}
	want := 0
	for i := 1; i <= benchCustomers; i++ {
		if benchInAudience(i) {
			want++
		}
	}
	run := func(b *testing.B, db *dbtest.DB) {
		s := newTestService(b, db)
		start := time.Now()
		seedAudience(b, db)
		b.Logf("seeded %d customers in %v", benchCustomers, time.Since(start).Round(time.Millisecond))
		// A database that has lived has its statistics (autovacuum's, or
		// SQLite's ANALYZE): the planner is measured on them, not on the
		// empty tables the bulk load started from.
		if err := db.Exec("ANALYZE").Error; err != nil {
			b.Fatal(err)
		}
		if os.Getenv("AUDIENCE_EXPLAIN") != "" { // the plan, to tune the query
			q, args := s.audienceQuery("newsletter", models.ChannelEmail, s.suppression)
			prefix := "EXPLAIN QUERY PLAN "
			if db.Dialect == models.Postgres {
				prefix = "EXPLAIN (ANALYZE, BUFFERS) "
				db.Exec("SET work_mem = '" + audienceWorkMem + "'")
			}
			rows, err := db.Raw(prefix+q, args...).Rows()
			if err != nil {
				b.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				rows.Scan(ptrs...)
				b.Log(vals...)
			}
			rows.Close()
		}
		var base, m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&base)
		b.ResetTimer()
		for range b.N {
			var peak uint64
			n := 0
			start := time.Now()
			err := s.Audience(context.Background(), "newsletter", models.ChannelEmail, func(r Recipient) error {
				n++
				if n%4096 == 0 {
					runtime.ReadMemStats(&m)
					peak = max(peak, m.HeapAlloc)
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(start)
			b.Logf("streamed %d in %v", n, elapsed)
			if n != want {
				b.Fatalf("audience of %d, want %d", n, want)
			}
			b.ReportMetric(elapsed.Seconds(), "s/stream")
			b.ReportMetric(float64(n), "recipients")
			b.ReportMetric(float64(peak-min(peak, base.HeapAlloc))/(1<<20), "MiB-peak-heap")
		}
	}
	b.Run("sqlite", func(b *testing.B) { run(b, dbtest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { run(b, dbtest.Postgres(b)) })
}
