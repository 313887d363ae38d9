package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/photolab/privacyportal/internal/config"
)

// BenchmarkMiddleware is the cost every request pays before and after its
// handler (request id, headers, rate limit, access log, metrics), measured
// on the health probe, whose handler does next to nothing.
func BenchmarkMiddleware(b *testing.B) {
	env := map[string]string{"PORTAL_DATA_DIR": b.TempDir(), "PORTAL_DATABASE_URL": filepath.Join(b.TempDir(), "mw.db"),
		"PORTAL_RATE_LIMIT": "1000000000", "PORTAL_RATE_BURST": "1000000000", "PORTAL_JOB_WORKERS": "0"}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	h := s.Handler()
	req := httptest.NewRequest("GET", "/healthz", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("healthz: %d", w.Code)
		}
	}
}
