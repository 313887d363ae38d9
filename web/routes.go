package web

import (
	"context"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/photolab/privacyportal/api"
	"github.com/photolab/privacyportal/assets"
	"github.com/photolab/privacyportal/handlers"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/ratelimit"
	"github.com/photolab/privacyportal/internal/session"
	"github.com/photolab/privacyportal/models"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes registers every handler behind its access check and wraps the mux
// in the middleware every response goes through.
func (s *Server) routes(limiter *ratelimit.Limiter, clientIP func(*http.Request) string) http.Handler {
	h := s.handlers
	mux := http.NewServeMux()
	for _, rt := range h.Routes() {
		mux.Handle(rt.Method+" "+rt.Pattern, s.requireAccess(rt))
	}
	mux.Handle("GET /assets/", assets.Handler())
	// The integration API: system tokens, problem+json (api/).
	mux.Handle("/api/", (&api.API{Erasure: s.erasure, Logger: s.logger}).Handler())
	mux.HandleFunc("GET /readyz", s.ready)
	mux.Handle("GET /metrics", s.metricsAuth(promhttp.Handler()))
	// Anything unmatched gets the designed 404 (or 405) page.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { h.RenderError(w, r, http.StatusNotFound) })

	// A refused cross-origin request is rare, so only it pays for loading
	// the session: its page then has the visitor's language and menu.
	cop := http.NewCrossOriginProtection()
	// A route flagged CrossOrigin (the one-click unsubscribe POST alone)
	// is exempt: mail providers post it from their own origin.
	for _, rt := range h.Routes() {
		if rt.CrossOrigin {
			cop.AddInsecureBypassPattern(rt.Method + " " + rt.Pattern)
		}
	}
	cop.SetDenyHandler(s.loadSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.RenderError(w, r, http.StatusForbidden)
	})))

	var handler http.Handler = routePattern(mux)
	handler = s.loadSession(handler)
	handler = cop.Handler(handler)
	handler = rateLimit(limiter, clientIP, renderInLanguage(h.RenderError), handler)
	handler = rateLimitSignIn(s.signinLimiter, clientIP, renderInLanguage(h.RenderError), handler)
	handler = securityHeaders(s.cfg.SecureCookies, handler)
	handler = instrument(mux, s.logger, clientIP, handler)
	handler = recoverPanics(s.logger, h.RenderError, handler)
	handler = requestID(handler)
	return liveness(s.cfg.SecureCookies, handler)
}

// renderInLanguage renders an error page in the visitor's language from
// the language cookie or Accept-Language alone: the rate limiter answers
// before any database work, so a flood cannot make it load sessions.
func renderInLanguage(render func(http.ResponseWriter, *http.Request, int)) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, status int) {
		ctx := i18n.WithLocale(r.Context(), handlers.Locale(r, nil))
		render(w, r.WithContext(ctx), status)
	}
}

// loadSession resolves the session, the language and the time zone once
// per request (the zone is copied onto the user row, so it costs no query).
// Assets and probes skip it: they do not depend on who asks, and loading
// (and touching) a session row for each stylesheet or health check would
// put database work on the busiest paths.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, assets.Prefix) || r.URL.Path == "/readyz" || r.URL.Path == "/metrics" {
			next.ServeHTTP(w, r)
			return
		}
		sess, err := s.sessions.Get(r, session.Name)
		if err != nil && handlers.ClientGone(r) {
			return // the hang-up cut the query; the access log says 499
		}
		if err != nil {
			s.logger.ErrorContext(r.Context(), "session load failed", "err", err)
			http.Error(w, "service unavailable", http.StatusServiceUnavailable)
			return
		}
		ctx := handlers.WithSession(r.Context(), sess)
		ctx = i18n.WithLocale(ctx, handlers.Locale(r, session.User(sess)))
		zone := s.cfg.TimeZone
		if u := session.User(sess); u != nil && u.TimeZone != "" {
			zone = i18n.LoadZone(u.TimeZone)
		}
		ctx = i18n.WithZone(ctx, zone)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireAccess is the one place a route's conditions are checked, in
// this order: the body's size (parseBody: 413 over the route's limit),
// the role (signed-out visitors are sent to sign in and back afterwards;
// a wrong role gets 403), then staff without two-factor are sent to
// enrol, then a sensitive route asks to "confirm it's you".
func (s *Server) requireAccess(rt handlers.Route) http.Handler {
	limit := rt.BodyLimit()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The body is capped first: an oversized request is refused
		// whoever sends it, and before it is read.
		ok, cleanup := s.parseBody(w, r, limit)
		defer cleanup()
		if !ok {
			return
		}
		u := handlers.CurrentUser(r)
		switch {
		case !rt.Access.Allows(u) && u == nil:
			target := "/signin"
			if r.Method == http.MethodGet {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
		case !rt.Access.Allows(u):
			s.handlers.RenderError(w, r, http.StatusForbidden)
		case handlers.SetupRequired(u) && !rt.Before2FA:
			http.Redirect(w, r, "/security/2fa", http.StatusSeeOther)
		case rt.Reauth && !s.handlers.RecentlyAuthenticated(r, time.Now()):
			next := r.URL.RequestURI()
			if r.Method != http.MethodGet {
				next = refererPath(r, "/security")
			}
			http.Redirect(w, r, "/security/confirm?next="+url.QueryEscape(next), http.StatusSeeOther)
		default:
			rt.Handle(w, r)
		}
	})
}

// refererPath is where a refused POST came from, so confirming leads back
// to the same page; only same-origin paths are kept.
func refererPath(r *http.Request, fallback string) string {
	ref, err := url.Parse(r.Referer())
	if err != nil || ref.Host != r.Host || !strings.HasPrefix(ref.Path, "/") {
		return fallback
	}
	return ref.Path
}

// ready answers 503 while draining so a load balancer stops sending
// traffic before the instance goes away, and when the database is down.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("draining\n"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := models.Ping(ctx, s.db); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

func (s *Server) metricsAuth(next http.Handler) http.Handler {
	if s.cfg.MetricsToken == "" {
		return next
	}
	want := []byte("Bearer " + s.cfg.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
