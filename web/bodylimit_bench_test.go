package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/photolab/privacyportal/internal/config"
)

// endlessPart is a multipart body of a sign-in form whose file part is
// n bytes long, generated as it is read so the benchmark holds none of it;
// read counts what the server consumed.
type endlessPart struct {
	head, tail []byte
	n, read    int64
}

func newEndlessPart(n int64) *endlessPart {
	return &endlessPart{
		head: []byte("--B\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\na@example.com\r\n" +
			"--B\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"big.bin\"\r\n" +
			"Content-Type: application/octet-stream\r\n\r\n"),
		tail: []byte("\r\n--B--\r\n"),
		n:    n,
	}
}

func (e *endlessPart) size() int64 { return int64(len(e.head)) + e.n + int64(len(e.tail)) }

func (e *endlessPart) Read(p []byte) (int, error) {
	total := e.size()
	if e.read >= total {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && e.read < total {
		switch {
		case e.read < int64(len(e.head)):
			p[k] = e.head[e.read]
		case e.read < int64(len(e.head))+e.n:
			p[k] = 'x'
		default:
			p[k] = e.tail[e.read-int64(len(e.head))-e.n]
		}
		k++
		e.read++
	}
	return k, nil
}

// BenchmarkOversizedMultipart sends a 20 MB multipart POST to /signin,
// once declaring its length and once chunked (the length unknown until
// read). B/op is what the portal allocates per refused request, and
// read-B/op how much of the body it consumed: both stay near the 64 KiB
// form limit, not the 20 MB sent. peak-heap-B is the live heap's growth
// over the whole run.
func BenchmarkOversizedMultipart(b *testing.B) {
	dir := b.TempDir()
	cfg, err := config.Load(nil, func(k string) string {
		return map[string]string{"PORTAL_DATA_DIR": dir, "PORTAL_DATABASE_URL": filepath.Join(dir, "portal.db"),
			"PORTAL_JOB_WORKERS": "0", "PORTAL_RATE_LIMIT": "1000000", "PORTAL_RATE_BURST": "1000000",
			"PORTAL_SIGNIN_RATE_LIMIT": "1000000"}[k]
	})
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	for _, c := range []struct {
		name    string
		chunked bool
	}{{"declared-length", false}, {"chunked", true}} {
		b.Run(c.name, func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			peak := before.HeapInuse
			var read int64
			b.ReportAllocs()
			for b.Loop() {
				body := newEndlessPart(20 << 20)
				req := httptest.NewRequest("POST", "/signin", body)
				req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
				req.ContentLength = body.size()
				if c.chunked {
					req.ContentLength = -1
				}
				w := httptest.NewRecorder()
				s.Handler().ServeHTTP(w, req)
				if w.Code != http.StatusRequestEntityTooLarge {
					b.Fatalf("status %d, want 413", w.Code)
				}
				read += body.read
				runtime.ReadMemStats(&after)
				peak = max(peak, after.HeapInuse)
			}
			b.ReportMetric(float64(read)/float64(b.N), "read-B/op")
			b.ReportMetric(float64(peak-before.HeapInuse), "peak-heap-B")
		})
	}
}
