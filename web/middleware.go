package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/handlers"
	"github.com/photolab/privacyportal/internal/ratelimit"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

type ctxKey int

const requestIDKey ctxKey = iota

// requestInfo is what the middleware records about one request: its id,
// and the route pattern the mux matched (set by routePattern), so the
// access log need not route the request a second time. One allocation
// holds both, and the header value too.
type requestInfo struct {
	id       string
	pattern  string
	idHeader [1]string
}

// requestID tags each request so its log lines can be found together.
// An id from a trusted upstream is not accepted: it could be used to
// forge log correlation.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var raw [8]byte
		rand.Read(raw[:])
		var id [16]byte
		hex.Encode(id[:], raw[:])
		info := &requestInfo{id: string(id[:])}
		info.idHeader[0] = info.id
		w.Header()["X-Request-Id"] = info.idHeader[:] // the key is canonical, as Set would make it
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, info)))
	})
}

// RequestID returns the request's id, for log lines.
func RequestID(ctx context.Context) string {
	if info, ok := ctx.Value(requestIDKey).(*requestInfo); ok {
		return info.id
	}
	return ""
}

// routePattern serves the request with the mux and notes the pattern the
// mux matched: the mux sets it on the request it routes, which is not the
// one the outer middleware holds (loadSession passes on a copy).
func routePattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if info, ok := r.Context().Value(requestIDKey).(*requestInfo); ok {
			info.pattern = r.Pattern
		}
	})
}

func recoverPanics(logger *slog.Logger, renderError func(http.ResponseWriter, *http.Request, int), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic", "request_id", RequestID(r.Context()),
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				renderError(w, r, http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries. Pages may hold
// personal data, so nothing is cached unless a handler (assets) says so.
func securityHeaders(tls bool, next http.Handler) http.Handler {
	set := securityHeaderSetter(tls)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set(w.Header())
		next.ServeHTTP(w, r)
	})
}

// securityHeaderSetter returns what writes the security headers into a
// response's header map.
func securityHeaderSetter(tls bool) func(http.Header) {
	const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
	headers := [][2]string{
		{"Content-Security-Policy", csp},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "same-origin"},
		{"X-Frame-Options", "DENY"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
		{"Cache-Control", "no-store"},
	}
	if tls {
		headers = append(headers, [2]string{"Strict-Transport-Security", "max-age=63072000; includeSubDomains"})
	}
	return func(hd http.Header) {
		// What Header.Set does (the names are canonical), with one
		// allocation for all the values rather than one each. Each value
		// slice is capped at its one element, so a later Add to a header
		// copies it instead of writing into its neighbour.
		values := make([]string, len(headers))
		for i, h := range headers {
			values[i] = h[1]
			hd[h[0]] = values[i : i+1 : i+1]
		}
	}
}

// liveness answers GET /healthz ahead of everything else, with the
// security headers and nothing more: a load balancer asks every few
// seconds, the answer depends on nothing, and a request id, an access-log
// line and metrics for each probe cost the probe twice its own work and
// drown the log. /readyz, which does look at the database, goes the
// whole way.
func liveness(tls bool, next http.Handler) http.Handler {
	set := securityHeaderSetter(tls)
	ok := []byte("ok\n")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			next.ServeHTTP(w, r)
			return
		}
		hd := w.Header()
		set(hd)
		hd["Content-Type"] = []string{"text/plain; charset=utf-8"}
		w.Write(ok)
	})
}

// rateLimit refuses clients that exceed their per-IP budget with the
// designed 429 page and a Retry-After header. Health probes are exempt so
// a load balancer is never locked out.
func rateLimit(l *ratelimit.Limiter, clientIP func(*http.Request) string, renderError func(http.ResponseWriter, *http.Request, int), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" { // /healthz is answered before this
			next.ServeHTTP(w, r)
			return
		}
		ip := clientIP(r)
		if !l.Allow(ip) {
			secs := int(math.Ceil(l.RetryAfter(ip).Seconds()))
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			renderError(w, r, http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// rateLimitSignIn puts a tighter per-IP budget on the POSTs that check a
// secret (password, codes), on top of the per-account throttle, so one
// address cannot spray guesses across many accounts.
func rateLimitSignIn(l *ratelimit.Limiter, clientIP func(*http.Request) string, renderError func(http.ResponseWriter, *http.Request, int), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && (strings.HasPrefix(r.URL.Path, "/signin") || r.URL.Path == "/security/confirm") {
			rateLimit(l, clientIP, renderError, next).ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

var (
	httpRequests = promauto.NewCounterVec(prometheus.CounterOpts{
		Name: "portal_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
	}, []string{"route", "method", "code"})
	httpDuration = promauto.NewHistogramVec(prometheus.HistogramOpts{
		Name: "portal_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: prometheus.DefBuckets,
	}, []string{"route"})
)

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// instrument writes the access log and the metrics. It logs the route
// pattern, never the raw path or query (they may hold ids, emails or
// tokens), and no IP: the access log must carry no personal data.
func instrument(mux *http.ServeMux, logger *slog.Logger, clientIP func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		var pattern string
		if info, ok := r.Context().Value(requestIDKey).(*requestInfo); ok {
			pattern = info.pattern
		}
		if pattern == "" {
			// Not routed: answered before the mux (rate limit, a refused
			// cross-origin request), or the mux matched no pattern. Such
			// requests are counted under the route they asked for, as the
			// mux would match it.
			_, pattern = mux.Handler(r)
		}
		if pattern == "" || pattern == "/" {
			pattern = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
			if handlers.ClientGone(r) { // left before any answer
				sw.status = handlers.StatusClientClosedRequest
			}
		}
		d := time.Since(start)
		code := strconv.Itoa(sw.status)
		httpRequests.WithLabelValues(pattern, r.Method, code).Inc()
		httpDuration.WithLabelValues(pattern).Observe(d.Seconds())
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("route", pattern),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Duration("duration", d))
	})
}

// newClientIP returns the function that decides a request's client IP.
// X-Forwarded-For is believed only when the direct peer is a trusted
// proxy, and then the right-most address not itself trusted is taken.
func newClientIP(trusted []string) func(*http.Request) string {
	var prefixes []netip.Prefix
	for _, t := range trusted {
		if p, err := netip.ParsePrefix(t); err == nil {
			prefixes = append(prefixes, p)
		} else if a, err := netip.ParseAddr(t); err == nil {
			prefixes = append(prefixes, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	isTrusted := func(a netip.Addr) bool {
		for _, p := range prefixes {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return func(r *http.Request) string {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		peer, err := netip.ParseAddr(host)
		if err != nil {
			return host
		}
		if len(prefixes) == 0 || !isTrusted(peer) {
			return peer.Unmap().String()
		}
		hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			if !isTrusted(a) {
				return a.Unmap().String()
			}
		}
		return peer.Unmap().String()
	}
}
