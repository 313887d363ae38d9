package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/config"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/loadgen"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
)

// BenchmarkPages measures the server-side time of whole pages (session,
// queries, rendering; no network) on a generated database of
// PORTAL_BENCH_CUSTOMERS customers (default 100,000) and
// PORTAL_BENCH_ORDERS orders (default 1,000,000), for a customer holding
// 10,000 orders and for a typical one, on SQLite and, when configured,
// PostgreSQL.
func BenchmarkPages(b *testing.B) {
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
			s, heavy, typical := benchServer(b, url)
			for _, who := range []struct {
				name string
				id   int64
			}{{"heavy", heavy}, {"typical", typical}} {
				cookie := benchSignIn(b, s, who.id)
				for _, path := range []string{"/account/data", "/account/data/orders", "/account/data/orders?page=400"} {
					if who.name == "typical" && strings.Contains(path, "page=400") {
						continue
					}
					b.Run(who.name+strings.ReplaceAll(path, "/", "_"), func(b *testing.B) {
						for b.Loop() {
							req := httptest.NewRequest("GET", path, nil)
							req.AddCookie(cookie)
							w := httptest.NewRecorder()
							s.Handler().ServeHTTP(w, req)
							if w.Code != http.StatusOK {
								b.Fatalf("%s: %d", path, w.Code)
							}
						}
					})
				}
			}
		})
	}
}

func benchSize(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func benchServer(b *testing.B, databaseURL string) (*Server, int64, int64) {
	env := map[string]string{"PORTAL_DATA_DIR": b.TempDir(), "PORTAL_DATABASE_URL": databaseURL,
		"PORTAL_RATE_LIMIT": "1000000", "PORTAL_RATE_BURST": "1000000", "PORTAL_JOB_WORKERS": "0"}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	customers := benchSize("PORTAL_BENCH_CUSTOMERS", 100000)
	orders := benchSize("PORTAL_BENCH_ORDERS", 1000000)
	// The demo first: it refuses a database that already holds other accounts.
	if _, err := s.SeedDemo(ctx); err != nil { // data categories and the policy
		b.Fatal(err)
	}
	heavy, typical, err := loadgen.Generate(ctx, s.DB(), s.Dialect(), customers, orders, min(10000, orders))
	if err != nil {
		b.Fatal(err)
	}
	return s, heavy, typical
}

// benchSignIn gives the generated customer a password and signs in
// through the real form, returning the session cookie.
func benchSignIn(b *testing.B, s *Server, userID int64) *http.Cookie {
	const pw = "benchmark passphrase"
	hash, err := password.New(1).Hash(context.Background(), pw)
	if err != nil {
		b.Fatal(err)
	}
	var u models.User
	if err := s.DB().Take(&u, userID).Error; err != nil {
		b.Fatal(err)
	}
	s.DB().Model(&u).Update("password_hash", hash)
	form := url.Values{"email": {u.Email}, "password": {pw}}
	req := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, req)
	for _, c := range w.Result().Cookies() {
		if c.Name == "portal_session" {
			return c
		}
	}
	b.Fatalf("sign-in failed: %d", w.Code)
	return nil
}
