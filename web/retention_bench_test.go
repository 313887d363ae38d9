package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// BenchmarkRetentionPurge purges PORTAL_BENCH_CONTACT (default 1,000,000)
// expired contact messages spread over the generated customers while the
// orders page of the customer with 10,000 orders is requested in a loop,
// and reports the page's p50 and p99 before and during the purge (the
// issue's target: p99 during at most 1.5× before), and the purge's rate.
// Run it once: go test ./web -run '^$' -bench RetentionPurge -benchtime 1x.
func BenchmarkRetentionPurge(b *testing.B) {
	if testing.Short() {
		b.Skip("generates a large database")
	}
	engines := []string{"sqlite"}
	if os.Getenv(dbtest.EnvPostgres) != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		b.Run(engine, func(b *testing.B) {
			url := filepath.Join(b.TempDir(), "bench.db")
			if engine == "postgres" {
				url = dbtest.PostgresURL(b)
			}
			s, heavy, _ := benchServer(b, url)
			cookie := benchSignIn(b, s, heavy)
			n := benchSize("PORTAL_BENCH_CONTACT", 1000000)
			expiredContact(b, s, n)
			page := func() time.Duration {
				req := httptest.NewRequest("GET", "/account/data/orders", nil)
				req.AddCookie(cookie)
				w := httptest.NewRecorder()
				start := time.Now()
				s.Handler().ServeHTTP(w, req)
				d := time.Since(start)
				if w.Code != http.StatusOK {
					b.Fatalf("orders page: %d", w.Code)
				}
				return d
			}
			for range 20 { // warm the caches and prepared statements
				page()
			}
			for b.Loop() {
				var before []time.Duration
				for range 2000 {
					before = append(before, page())
				}
				done := make(chan error, 1)
				start := time.Now()
				go func() {
					_, err := s.Retention().Run(context.Background())
					done <- err
				}()
				var during []time.Duration
				var purge time.Duration
			loop:
				for {
					select {
					case err := <-done:
						purge = time.Since(start)
						if err != nil {
							b.Fatal(err)
						}
						break loop
					default:
						during = append(during, page())
					}
				}
				var left int64
				s.DB().Model(&models.ContactMessage{}).Count(&left)
				if left != 0 {
					b.Fatalf("%d contact messages left", left)
				}
				p50b, p99b := percentiles(before)
				p50d, p99d := percentiles(during)
				b.ReportMetric(ms(p50b), "p50-before-ms")
				b.ReportMetric(ms(p99b), "p99-before-ms")
				b.ReportMetric(ms(p50d), "p50-during-ms")
				b.ReportMetric(ms(p99d), "p99-during-ms")
				b.ReportMetric(float64(p99d)/float64(p99b), "p99-ratio")
				b.ReportMetric(purge.Seconds(), "purge-s")
				b.ReportMetric(float64(n)/purge.Seconds(), "rows/s")
				b.ReportMetric(float64(len(during)), "pages-during")
			}
		})
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentiles are the 50th and 99th percentiles of ds.
func percentiles(ds []time.Duration) (time.Duration, time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)]
}

// expiredContact inserts n contact messages a year old, spread over the
// customers, in one statement per engine (the tallies' triggers run).
func expiredContact(b *testing.B, s *Server, n int) {
	var lo, hi int64
	if err := s.DB().Raw("SELECT MIN(id), MAX(id) FROM users WHERE role = ?", models.RoleCustomer).Row().Scan(&lo, &hi); err != nil {
		b.Fatal(err)
	}
	at := time.Now().UTC().AddDate(-1, 0, 0)
	q := `INSERT INTO contact_messages (user_id, created_at, channel, direction, subject, body)
		WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x + 1 < ?)
		SELECT ? + x % ?, ?, 'email', 'in', 'Fictional question', 'A fictional message body of a plausible length.' FROM c`
	if s.Dialect() == models.Postgres {
		q = `INSERT INTO contact_messages (user_id, created_at, channel, direction, subject, body)
		SELECT ? + x % ?, ?, 'email', 'in', 'Fictional question', 'A fictional message body of a plausible length.'
		FROM generate_series(0, ? - 1) AS x`
	}
	start := time.Now()
	var err error
	if s.Dialect() == models.Postgres {
		err = s.DB().Exec(q, lo, hi-lo+1, at, n).Error
	} else {
		err = s.DB().Exec(q, n, lo, hi-lo+1, at).Error
	}
	if err != nil {
		b.Fatal(err)
	}
	s.DB().Exec("ANALYZE")
	b.Logf("inserted %d expired contact messages in %s", n, time.Since(start).Round(time.Millisecond))
}
