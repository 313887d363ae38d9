//go:build e2e

package e2e

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/internal/config"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/demo"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/web"
)

// enrol2FAPath is where staff and admins without 2FA are sent.
const enrol2FAPath = "/security/2fa"

// portal is one running portal with its demo data.
type portal struct {
	URL         string
	DatabaseURL string
	logins      map[string]demo.Login // by role: the first demo login of each
	byEmail     map[string]demo.Login // every demo login, by email
	srv         *web.Server           // the portal itself: its database and job queue
}

// eachDB runs fn once per database the portal supports: SQLite always,
// PostgreSQL when PORTAL_TEST_POSTGRES_DSN is set (a schema of its own).
func eachDB(t *testing.T, fn func(t *testing.T, p *portal)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, startPortal(t, "")) })
	if os.Getenv(dbtest.EnvPostgres) != "" {
		t.Run("postgres", func(t *testing.T) { fn(t, startPortal(t, dbtest.PostgresURL(t))) })
	}
}

// startPortal runs the whole portal in-process on an httptest server, with a
// data directory of its own and the demo seeded. An empty databaseURL means
// SQLite in the data directory.
func startPortal(t *testing.T, databaseURL string, opts ...web.Option) *portal {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	baseURL := "http://" + srv.Listener.Addr().String()
	env := map[string]string{
		"PORTAL_DATA_DIR":     t.TempDir(),
		"PORTAL_DATABASE_URL": databaseURL,
		"PORTAL_BASE_URL":     baseURL,
		"PORTAL_LOG_LEVEL":    "warn",
		// Every request comes from 127.0.0.1; a browser loading pages and
		// assets quickly must not meet the per-IP limit.
		"PORTAL_RATE_LIMIT": "10000",
		"PORTAL_RATE_BURST": "10000",
	}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logs := &testLog{t: t}
	t.Cleanup(logs.stop) // runs last: nothing may log into a finished test
	s, err := web.New(cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})), opts...)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close portal: %v", err)
		}
	})
	srv.Config.Handler = s.Handler()
	srv.Start()
	t.Cleanup(srv.Close) // runs before s.Close: no request is in flight then

	seeded, err := s.SeedDemo(t.Context())
	if err != nil {
		t.Fatalf("seed demo: %v", err)
	}
	p := &portal{URL: srv.URL, DatabaseURL: cfg.DatabaseURL, logins: map[string]demo.Login{}, byEmail: map[string]demo.Login{}, srv: s}
	for _, l := range seeded {
		p.byEmail[strings.ToLower(l.Email)] = l
		if _, dup := p.logins[l.Role]; !dup {
			p.logins[l.Role] = l
		}
	}
	return p
}

func (p *portal) login(t *testing.T, role string) demo.Login {
	t.Helper()
	l, ok := p.logins[role]
	if !ok {
		t.Fatalf("the demo has no %s login", role)
	}
	return l
}

// loginOf is the demo login of email (a customer other than the first,
// say).
func (p *portal) loginOf(t *testing.T, email string) demo.Login {
	t.Helper()
	l, ok := p.byEmail[strings.ToLower(email)]
	if !ok {
		t.Fatalf("the demo has no login %s", email)
	}
	return l
}

// userName reads the name the portal holds for email, from the portal's own
// database (the demo logins do not carry it).
func (p *portal) userName(t *testing.T, email string) string {
	t.Helper()
	db, _, err := models.Open(p.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	var u models.User
	if err := db.WithContext(t.Context()).Where("email = ?", strings.ToLower(email)).Take(&u).Error; err != nil {
		t.Fatalf("find demo user: %v", err)
	}
	if u.Name == "" {
		t.Fatalf("demo user %s has no name", email)
	}
	return u.Name
}

// testLog forwards the portal's log to the test until the test ends.
type testLog struct {
	mu   sync.Mutex
	t    *testing.T
	done bool
}

func (l *testLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Logf("portal: %s", strings.TrimRight(string(b), "\n"))
	}
	return len(b), nil
}

func (l *testLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done = true
}

// open navigates to path and fails unless the final page answered 200.
func open(t *testing.T, ctx context.Context, base, path string) {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("open %s: status %d at %s", path, resp.Status, resp.URL)
	}
}

// submit runs the action (a click on a submit button, say) and waits for
// the page it leads to, which must answer 200 after any redirects.
func submit(t *testing.T, ctx context.Context, what string, action chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, action)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("%s: status %d at %s", what, resp.Status, resp.URL)
	}
}

// currentPath is the path of the page the tab shows.
func currentPath(t *testing.T, ctx context.Context) string {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatalf("location %q: %v", loc, err)
	}
	return u.Path
}

func wantPath(t *testing.T, ctx context.Context, want string) {
	t.Helper()
	if got := currentPath(t, ctx); got != want {
		t.Fatalf("on %s, want %s", got, want)
	}
}

// signIn fills the sign-in form as a person would and submits it. Fields
// are found by name: their ids are the views' business.
func signIn(t *testing.T, ctx context.Context, base string, l demo.Login) {
	t.Helper()
	open(t, ctx, base, "/signin")
	fill, cancel := step(ctx)
	defer cancel()
	if err := chromedp.Do(fill,
		chromedp.SendKeys(chromedp.CSS(`form[action="/signin"] input[name="email"]`), l.Email),
		chromedp.SendKeys(chromedp.CSS(`form[action="/signin"] input[name="password"]`), l.Password),
	); err != nil {
		t.Fatalf("fill sign-in form: %v", err)
	}
	submit(t, ctx, "sign in as "+l.Role, chromedp.Click(chromedp.CSS(`form[action="/signin"] [type="submit"]`)))
}

// switchLanguage uses the language switcher of the current page.
func switchLanguage(t *testing.T, ctx context.Context, code string) {
	t.Helper()
	sel := chromedp.CSS(`form[action="/language"] select[name="lang"]`)
	choose, cancel := step(ctx)
	defer cancel()
	if err := chromedp.Do(choose, chromedp.SetValue(sel, code)); err != nil {
		t.Fatalf("choose language %s: %v", code, err)
	}
	submit(t, ctx, "switch language to "+code, chromedp.Submit(sel))
	lang, err := chromedp.Run(choose, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil {
		t.Fatalf("read <html lang>: %v", err)
	}
	if lang != code {
		t.Fatalf("<html lang> = %q after choosing %s", lang, code)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func TestSignInSignOut(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		ctx := newTab(t)
		customer := p.login(t, "customer")
		// One set of screenshots is enough; the SQLite run always happens.
		screenshot := func(name string) {
			if models.DialectOf(p.DatabaseURL) == models.SQLite {
				saveScreenshot(t, ctx, name)
			}
		}

		open(t, ctx, p.URL, "/signin")
		screenshot("signin.png")
		signIn(t, ctx, p.URL, customer)
		wantPath(t, ctx, "/account")
		if h1 := text(t, ctx, "h1"); strings.TrimSpace(h1) == "" {
			t.Fatal("the account home has an empty <h1>")
		}
		name := p.userName(t, customer.Email)
		if body := text(t, ctx, "body"); !strings.Contains(body, name) {
			t.Fatalf("the account home does not show the customer's name %q", name)
		}
		screenshot("account.png")

		submit(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)))
		wantPath(t, ctx, "/signin")

		open(t, ctx, p.URL, "/account")
		wantPath(t, ctx, "/signin")
	})
}

func TestAccessibility(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			t.Run(lang, func(t *testing.T) {
				ctx := newTab(t)
				open(t, ctx, p.URL, "/signin")
				switchLanguage(t, ctx, lang)
				open(t, ctx, p.URL, "/signin")
				checkA11y(t, ctx, lang+" /signin")

				signIn(t, ctx, p.URL, p.login(t, "customer"))
				wantPath(t, ctx, "/account")
				// The cookie keeps the pages in lang after signing in;
				// choosing on the account page also offers it for mails.
				switchLanguage(t, ctx, lang)
				open(t, ctx, p.URL, "/account")
				checkA11y(t, ctx, lang+" /account")
			})
		}
		// Staff and admins must enrol 2FA before anything else: until they
		// have, their home sends them to the enrolment page, which must be
		// accessible too.
		for _, tc := range []struct{ role, home string }{{"staff", "/staff"}, {"admin", "/admin"}} {
			t.Run(tc.role, func(t *testing.T) {
				ctx := newTab(t)
				signIn(t, ctx, p.URL, p.login(t, tc.role))
				open(t, ctx, p.URL, tc.home)
				got := currentPath(t, ctx)
				if got != tc.home && got != enrol2FAPath {
					t.Fatalf("%s sent the %s to %s, want %s or %s", tc.home, tc.role, got, tc.home, enrol2FAPath)
				}
				if h1 := text(t, ctx, "h1"); strings.TrimSpace(h1) == "" {
					t.Fatalf("%s has an empty <h1>", got)
				}
				checkA11y(t, ctx, "en "+got)
			})
		}
	})
}
