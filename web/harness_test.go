package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/config"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/demo"
	"github.com/photolab/privacyportal/models"
	"github.com/pquerna/otp/totp"
)

// portal is a running test instance with the demo shop loaded.
type portal struct {
	*Server
	URL    string
	logins map[string]demo.Login // the first demo login of each role
	all    []demo.Login
}

// startPortal serves a portal on the given database URL ("" = SQLite in a
// temp dir). extra settings override the defaults.
func startPortal(t *testing.T, databaseURL string, extra map[string]string, opts ...Option) *portal {
	t.Helper()
	return startPortalLogging(t, databaseURL, extra, io.Discard, opts...)
}

// startPortalLogging is startPortal with the server's log written to logs.
func startPortalLogging(t *testing.T, databaseURL string, extra map[string]string, logs io.Writer, opts ...Option) *portal {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	env := map[string]string{
		"PORTAL_DATA_DIR":          t.TempDir(),
		"PORTAL_DATABASE_URL":      databaseURL,
		"PORTAL_BASE_URL":          "http://" + ts.Listener.Addr().String(),
		"PORTAL_RATE_LIMIT":        "1000",
		"PORTAL_RATE_BURST":        "1000",
		"PORTAL_JOB_WORKERS":       "0",
		"PORTAL_SIGNIN_RATE_LIMIT": "100000",
	}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg, slog.New(slog.NewTextHandler(logs, nil)), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = s.Handler()
	ts.Start()
	t.Cleanup(func() { ts.Close(); s.Close() })
	logins, err := s.SeedDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := &portal{Server: s, URL: ts.URL, logins: map[string]demo.Login{}, all: logins}
	for _, l := range logins {
		if _, ok := p.logins[l.Role]; !ok {
			p.logins[l.Role] = l
		}
	}
	// Staff must use two-factor; give the demo staff and admin a known
	// secret so tests can act as fully enrolled staff.
	if err := s.DB().Model(&models.User{}).Where("role IN ?", []string{"staff", "admin"}).
		Update("totp_secret", testTOTPSecret).Error; err != nil {
		t.Fatal(err)
	}
	return p
}

const testTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// totpCode is the code an authenticator app would show at t.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// eachDB starts a portal on SQLite and, when configured, on PostgreSQL.
func eachDB(t *testing.T, fn func(t *testing.T, p *portal)) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		fn(t, startPortal(t, db.URL, nil))
	})
}

// client is a browser-like client: it keeps cookies and does not follow
// redirects, so tests see each 303.
func (p *portal) client(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signedIn returns a client signed in as the demo user of role ("" = anonymous).
func (p *portal) signedIn(t *testing.T, role string) *http.Client {
	t.Helper()
	if role == "" {
		return p.client(t)
	}
	return p.signedInAs(t, p.logins[role])
}

// signedInAs signs in with one demo login.
func (p *portal) signedInAs(t *testing.T, l demo.Login) *http.Client {
	t.Helper()
	c := p.client(t)
	role := l.Role
	res := p.post(t, c, "/signin", url.Values{"email": {l.Email}, "password": {l.Password}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d", role, res.StatusCode)
	}
	if res.Header.Get("Location") == "/signin/2fa" {
		// Tests sign in many times within one 30-second step; forget the
		// last used step so the replay guard does not refuse them.
		p.DB().Model(&models.User{}).Where("email = ?", l.Email).Update("totp_last_step", 0)
		res = p.post(t, c, "/signin/2fa", url.Values{"code": {totpCode(t, testTOTPSecret, time.Now())}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") == "/signin/2fa" {
			t.Fatalf("second factor as %s: status %d to %q", role, res.StatusCode, res.Header.Get("Location"))
		}
	}
	return c
}

func (p *portal) get(t *testing.T, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(p.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (p *portal) post(t *testing.T, c *http.Client, path string, form url.Values) *http.Response {
	t.Helper()
	res, _ := p.postBody(t, c, path, form, nil)
	return res
}

func (p *portal) postBody(t *testing.T, c *http.Client, path string, form url.Values, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", p.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}
