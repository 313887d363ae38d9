// Package handlers holds the portal's thin HTTP handlers: each parses the
// request, calls a service and renders a view. Business rules live in
// internal/*; authorization by role is declared per route in Routes and
// enforced in one place (web), and again at object level in the queries.
package handlers

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"
	"github.com/gorilla/sessions"
	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/retention"
	"github.com/photolab/privacyportal/internal/session"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// Handler holds what the handlers depend on: services only. The database
// belongs to the services (a test checks this package never imports gorm),
// so a change and its audit row are always written together, below HTTP.
type Handler struct {
	Sessions *session.Store
	Audit    *audit.Log
	Outbox   *mail.Outbox
	Accounts *account.Service
	Holdings *holdings.Store
	Profiles *profile.Service
	Requests *requests.Service
	Exports  *export.Service
	Consent  *consent.Service
	// Erasure is the erasure engine (cool-off, report, connected systems);
	// Retention the scheduled purge and its dry run.
	Erasure   *erasure.Service
	Retention *retention.Service
	Vault     *vault.Vault
	Queue     *jobs.Queue
	Logger    *slog.Logger
	ClientIP  func(*http.Request) string
	// SecureCookies marks the language cookie Secure (the portal runs on HTTPS).
	SecureCookies bool
}

// Access is who may call a route. Staff routes admit admins too.
type Access int

const (
	Public Access = iota
	Customer
	Staff
	Admin
	SignedIn // any role
)

func (a Access) String() string {
	return [...]string{"public", "customer", "staff", "admin", "signed-in"}[a]
}

// Allows reports whether a user (nil when signed out) may use a route.
func (a Access) Allows(u *models.User) bool {
	switch a {
	case Public:
		return true
	case Customer:
		return u != nil && u.Role == models.RoleCustomer
	case Staff:
		return u != nil && u.Role.IsStaff()
	case Admin:
		return u != nil && u.Role == models.RoleAdmin
	case SignedIn:
		return u != nil
	}
	return false
}

// Route is one entry of the routing table.
type Route struct {
	Method  string
	Pattern string
	Access  Access
	Handle  http.HandlerFunc
	// Reauth routes need a password or TOTP confirmation within
	// the re-authentication window, an admin setting ("confirm it's you").
	Reauth bool
	// Before2FA routes stay reachable for staff who have not enrolled
	// two-factor authentication yet; every other route sends them to enrol.
	Before2FA bool
	// MaxBody caps the request body in bytes; 0 means DefaultMaxBody,
	// enough for any form. A route taking uploads sets its own limit.
	MaxBody int64
	// CrossOrigin exempts the route from the cross-origin check: only the
	// one-click unsubscribe POST (RFC 8058), which mail providers send
	// from their own origin, without cookies. Its token is its authority.
	CrossOrigin bool
}

// DefaultMaxBody is the body limit of a route that states none: forms
// are small, and a larger body is refused (413) before it is read.
const DefaultMaxBody = 64 << 10

// BodyLimit is the route's body cap.
func (rt Route) BodyLimit() int64 {
	if rt.MaxBody > 0 {
		return rt.MaxBody
	}
	return DefaultMaxBody
}

type ctxKey int

const sessionKey ctxKey = iota

// WithSession attaches the request's loaded session (web's middleware does this).
func WithSession(ctx context.Context, s *sessions.Session) context.Context {
	return context.WithValue(ctx, sessionKey, s)
}

// Session is the request's session, never nil after web's middleware.
func Session(r *http.Request) *sessions.Session {
	if s, ok := r.Context().Value(sessionKey).(*sessions.Session); ok {
		return s
	}
	return sessions.NewSession(nil, session.Name)
}

// CurrentUser is the signed-in user, or nil.
func CurrentUser(r *http.Request) *models.User {
	return session.User(Session(r))
}

// flash kinds, matching views.Flash.Kind.
const (
	flashSuccess = "success"
	flashError   = "error"
	flashInfo    = "info"
)

// addFlash queues a message id for the next page; it is translated when
// shown, so it follows a language change in between.
func addFlash(r *http.Request, kind, messageID string) {
	Session(r).AddFlash(kind + ":" + messageID)
}

// page builds what every view needs, consuming pending flashes.
func (h *Handler) page(r *http.Request, title string) views.Page {
	ctx := r.Context()
	p := views.Page{Title: title, Locale: i18n.Locale(ctx), Path: r.URL.RequestURI()}
	if u := CurrentUser(r); u != nil {
		p.User = &views.PageUser{Name: u.Name, Email: u.Email, Role: string(u.Role)}
		p.SetupRequired = SetupRequired(u)
		p.LanguageOffer = languageOffer(r, u)
	}
	for _, f := range Session(r).Flashes() {
		s, _ := f.(string)
		kind, id, ok := strings.Cut(s, ":")
		if !ok {
			continue
		}
		p.Flashes = append(p.Flashes, views.Flash{Kind: kind, Message: i18n.T(ctx, id)})
	}
	return p
}

// pageAt is page for a page that a POST to a URL without a GET of its
// own may re-render (with errors): the language switcher and the language
// offer go back to getPath, the page's own address, not to a 404.
func (h *Handler) pageAt(r *http.Request, title, getPath string) views.Page {
	p := h.page(r, title)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		p.Path = getPath
		if p.LanguageOffer != nil {
			p.LanguageOffer.ReturnPath = getPath
		}
	}
	return p
}

// render saves the session (flashes were consumed) and writes the page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	if err := h.saveSession(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	h.write(w, r, status, c)
}

// pageBuffers hold pages while they render. A page is written in one
// piece with its length: a handful of write calls fewer than rendering
// through the connection's 4 KB buffer, no chunked encoding, and a page
// that fails to render can still be answered with the error page.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledPage keeps a rare huge page's buffer out of the pool.
const maxPooledPage = 1 << 20

func (h *Handler) write(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooledPage {
			pageBuffers.Put(buf)
		}
	}()
	if err := c.Render(r.Context(), buf); err != nil {
		if ClientGone(r) {
			return
		}
		h.Logger.ErrorContext(r.Context(), "render failed", "err", err)
		if status != http.StatusInternalServerError {
			h.RenderError(w, r, http.StatusInternalServerError)
		} else {
			http.Error(w, "internal server error", http.StatusInternalServerError)
		}
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *Handler) saveSession(w http.ResponseWriter, r *http.Request) error {
	s := Session(r)
	if s.Store() == nil {
		return nil
	}
	return s.Save(r, w)
}

// redirect saves the session and sends a 303 to a local path.
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, to string) {
	if err := h.saveSession(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// RenderError renders the designed error page for status.
func (h *Handler) RenderError(w http.ResponseWriter, r *http.Request, status int) {
	title := i18n.T(r.Context(), "error.title."+statusKey(status))
	h.write(w, r, status, views.ErrorPage(h.page(r, title), status))
}

func statusKey(status int) string {
	switch status {
	case 400, 403, 404, 405, 409, 410, 413, 422, 429:
		return strconv.Itoa(status)
	}
	return "500"
}

// StatusOf is the one mapping from a service's error kind to an HTTP
// status. A kind missing here would be a 500, and a test walks them all.
func StatusOf(k fault.Kind) int {
	switch k {
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.Conflict:
		return http.StatusConflict
	case fault.Invalid:
		return http.StatusUnprocessableEntity
	case fault.Throttled:
		return http.StatusTooManyRequests
	case fault.Gone:
		return http.StatusGone
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// StatusClientClosedRequest is what the access log and metrics record for
// a request whose client left before it was answered (nginx's 499), so a
// hang-up is counted apart from the portal's own failures.
const StatusClientClosedRequest = 499

// ClientGone reports whether the request's client has left: net/http
// cancels the request's context when the connection closes. Whatever fails
// after that (a query cut short surfaces as "context canceled", or on
// PostgreSQL as "driver: bad connection" or a pgconn error) is the
// leaving's doing: nothing can reach the client, and it is no error of the
// portal's. A deadline is not a hang-up: no middleware sets one today,
// and one that did would be the portal's own time-out, worth logging.
func ClientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
}

// fail renders the designed error page for err's kind. Only unexpected
// errors are logged: a missing row or a refused action is the visitor's
// doing, not the portal's. A throttle says when to come back. After the
// client has left nothing is written or logged: the access log says 499.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if ClientGone(r) {
		return
	}
	k := fault.KindOf(err)
	switch k {
	case fault.Internal:
		h.Logger.ErrorContext(r.Context(), "request failed", "err", err)
	case fault.Throttled:
		secs := int(math.Ceil(fault.WaitOf(err).Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	}
	h.RenderError(w, r, StatusOf(k))
}

// localPath accepts only same-site absolute paths as redirect targets, so
// a crafted ?next= cannot send anyone elsewhere.
func localPath(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return fallback
	}
	return u.RequestURI()
}

// SetupRequired reports whether u must enrol two-factor authentication
// before anything else: staff and admins must, and until they have, web
// sends them to the set-up and the pages offer no link elsewhere.
func SetupRequired(u *models.User) bool {
	return u != nil && u.NeedsTOTPSetup()
}

// homeFor is where a user lands after signing in.
func homeFor(u *models.User) string {
	if u == nil {
		return "/signin"
	}
	return u.Role.Home()
}

// actor is who makes this request, with the evidence services record: the
// signed-in user by role, or a visitor without an account.
func (h *Handler) actor(r *http.Request) actor.Actor {
	return actor.Of(CurrentUser(r), actor.Evidence{IP: h.ClientIP(r), UserAgent: r.UserAgent(), Locale: i18n.Locale(r.Context())})
}
