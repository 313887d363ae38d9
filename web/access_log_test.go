package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

// The access log and the metrics name each request by the route pattern
// the mux matched, whether the pattern is carried out of the mux (routed
// requests) or found again (requests answered before routing).
func TestAccessLogNamesTheRoute(t *testing.T) {
	mux := http.NewServeMux()
	ok := func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }
	mux.HandleFunc("GET /t/items/{id}", ok)
	mux.HandleFunc("POST /t/items/{id}", ok)
	mux.HandleFunc("GET /t/dir/", ok)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })

	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	// Like the server: something may answer before the mux (here a
	// refusal standing in for the rate limiter), and the request the mux
	// sees is a copy (as loadSession makes).
	routed := routePattern(mux)
	gate := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Refuse") != "" {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		routed.ServeHTTP(w, r.WithContext(r.Context()))
	})
	handler := requestID(instrument(mux, logger, nil, gate))

	cases := []struct {
		method, path string
		refuse       bool
		route        string
		status       int
	}{
		{"GET", "/t/items/7", false, "GET /t/items/{id}", 200},
		{"POST", "/t/items/7", false, "POST /t/items/{id}", 200},
		{"GET", "/t/items/7", true, "GET /t/items/{id}", 429}, // refused before routing
		{"PUT", "/t/items/7", false, "unmatched", 404},        // the catch-all, as on the server
		{"GET", "/t/nothing", false, "unmatched", 404},
		{"GET", "/t/dir", false, "GET /t/dir/", 307}, // the mux's redirect to the slash
		{"GET", "/t/dir/x", false, "GET /t/dir/", 200},
	}
	for _, c := range cases {
		before := requestsCounted(t, c.route, c.method, strconv.Itoa(c.status))
		logs.Reset()
		req := httptest.NewRequest(c.method, c.path, nil)
		if c.refuse {
			req.Header.Set("X-Refuse", "1")
		}
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code != c.status {
			t.Fatalf("%s %s: status %d, want %d", c.method, c.path, w.Code, c.status)
		}
		var line struct {
			RequestID string `json:"request_id"`
			Method    string `json:"method"`
			Route     string `json:"route"`
			Status    int    `json:"status"`
		}
		if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
			t.Fatalf("%s %s: log %q: %v", c.method, c.path, logs.String(), err)
		}
		if line.Route != c.route || line.Status != c.status || line.Method != c.method {
			t.Errorf("%s %s: logged %+v, want route %q status %d", c.method, c.path, line, c.route, c.status)
		}
		if id := w.Header().Get("X-Request-Id"); len(id) != 16 || line.RequestID != id {
			t.Errorf("%s %s: logged request id %q, header %q", c.method, c.path, line.RequestID, id)
		}
		if strings.Contains(logs.String(), c.path) && !strings.Contains(c.route, c.path) {
			t.Errorf("%s %s: the raw path is in the log: %s", c.method, c.path, logs.String())
		}
		after := requestsCounted(t, c.route, c.method, strconv.Itoa(c.status))
		if after != before+1 {
			t.Errorf("%s %s: counter {%s,%s,%d} went from %v to %v", c.method, c.path, c.route, c.method, c.status, before, after)
		}
	}
}

// Header values are set by hand in securityHeaders; their names must be
// the canonical ones Header.Set would use, or Get would not find them.
func TestSecurityHeaderNamesAreCanonical(t *testing.T) {
	w := httptest.NewRecorder()
	requestID(securityHeaders(true, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))).
		ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	for k, v := range w.Header() {
		if http.CanonicalHeaderKey(k) != k || len(v) != 1 || v[0] == "" {
			t.Errorf("header %q = %q", k, v)
		}
	}
	for _, k := range []string{"Strict-Transport-Security", "Content-Security-Policy", "X-Request-Id", "Cache-Control"} {
		if w.Header().Get(k) == "" {
			t.Errorf("no %s", k)
		}
	}
	// A later Add to one header must not change another.
	w.Header().Add("Referrer-Policy", "no-referrer")
	if got := w.Header().Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("X-Frame-Options after an Add to its neighbour: %q", got)
	}
}

// requestsCounted reads portal_http_requests_total for one set of labels
// as /metrics would show it.
func requestsCounted(t *testing.T, route, method, code string) float64 {
	t.Helper()
	families, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"route": route, "method": method, "code": code}
	for _, f := range families {
		if f.GetName() != "portal_http_requests_total" {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if want[l.GetName()] != l.GetValue() {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}
