package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/assets"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/pquerna/otp/totp"
)

func TestPanicsBecomeTheErrorPage(t *testing.T) {
	var rendered int
	h := recoverPanics(slog.New(slog.NewTextHandler(io.Discard, nil)),
		func(w http.ResponseWriter, r *http.Request, status int) { rendered = status; w.WriteHeader(status) },
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusInternalServerError || rendered != http.StatusInternalServerError {
		t.Fatalf("panic answered %d (rendered %d)", w.Code, rendered)
	}
}

func TestClientIP(t *testing.T) {
	cases := []struct {
		trusted []string
		remote  string
		xff     string
		want    string
	}{
		{nil, "203.0.113.7:5000", "198.51.100.1", "203.0.113.7"},                           // no proxy trusted: header ignored
		{[]string{"10.0.0.0/8"}, "10.0.0.2:5000", "198.51.100.1", "198.51.100.1"},          // behind the load balancer
		{[]string{"10.0.0.0/8"}, "10.0.0.2:5000", "6.6.6.6, 198.51.100.1", "198.51.100.1"}, // a forged first hop is not believed
		{[]string{"10.0.0.0/8"}, "203.0.113.7:5000", "198.51.100.1", "203.0.113.7"},        // header from an untrusted peer
		{[]string{"10.0.0.2"}, "10.0.0.2:5000", "198.51.100.1, 10.0.0.9", "10.0.0.9"},      // only listed proxies are skipped
		{[]string{"10.0.0.0/8"}, "[::ffff:10.0.0.2]:5000", "198.51.100.1", "198.51.100.1"}, // IPv4-mapped peer
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		r.Header.Set("X-Forwarded-For", c.xff)
		if got := newClientIP(c.trusted)(r); got != c.want {
			t.Errorf("trusted %v, peer %s, XFF %q: got %s, want %s", c.trusted, c.remote, c.xff, got, c.want)
		}
	}
}

func TestSignInAttemptsAreLimitedPerIP(t *testing.T) {
	p := startPortal(t, "", map[string]string{"PORTAL_SIGNIN_RATE_LIMIT": "3"})
	c := p.client(t)
	var last *http.Response
	for i := range 4 {
		last = p.post(t, c, "/signin", url.Values{"email": {"someone" + strings.Repeat("x", i) + "@example.com"}, "password": {"guess-123"}})
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th sign-in attempt in a minute from one IP: %d", last.StatusCode)
	}
	if res, _ := p.get(t, c, "/signin"); res.StatusCode != ok {
		t.Fatalf("reading pages is not limited by the sign-in budget: %d", res.StatusCode)
	}
}

// An emailed code is a first factor only: it never skips two-factor.
func TestEmailedCodeDoesNotBypassTOTP(t *testing.T) {
	p := startPortal(t, "", nil)
	l := p.logins["customer"]
	p.DB().Model(&models.User{}).Where("email = ?", l.Email).Update("totp_secret", testTOTPSecret)
	c := p.client(t)
	p.post(t, c, "/signin/code", url.Values{"email": {l.Email}})
	runJobs(t, p)
	code := sixDigits.FindString(lastMail(t, p, l.Email, "email_code").TextBody)
	res := p.post(t, c, "/signin/code/enter", url.Values{"code": {code}})
	if res.Header.Get("Location") != "/signin/2fa" {
		t.Fatalf("code sign-in went to %q, want the second factor", res.Header.Get("Location"))
	}
	if res, _ := p.get(t, c, "/account"); res.StatusCode != see {
		t.Fatalf("account reachable before the second factor: %d", res.StatusCode)
	}
	now, _ := totp.GenerateCode(testTOTPSecret, time.Now())
	if res := p.post(t, c, "/signin/2fa", url.Values{"code": {now}}); res.Header.Get("Location") != "/account" {
		t.Fatalf("after TOTP: %q", res.Header.Get("Location"))
	}
}

// Assets and probes must not cost a database round trip per request.
func TestStaticPathsSkipTheSession(t *testing.T) {
	p := startPortal(t, "", nil)
	c := p.signedIn(t, "customer")
	for _, path := range []string{assets.Path("css/portal.css"), "/healthz"} {
		var status int
		n := countQueries(t, p.DB(), func() {
			res, _ := p.get(t, c, path)
			status = res.StatusCode
		})
		if status != ok || n != 0 {
			t.Errorf("%s: status %d after %d queries, want 200 after none", path, status, n)
		}
	}
}

func TestAuditPageVerifiesOnRequest(t *testing.T) {
	p := startPortal(t, "", nil)
	admin := p.signedIn(t, "admin")
	unchecked, intact := i18n.Tl("en", "audit.chain.unchecked.title"), i18n.Tl("en", "audit.chain.intact.title")
	_, body := p.get(t, admin, "/admin/audit")
	if !strings.Contains(body, unchecked) || strings.Contains(body, intact) || !strings.Contains(body, `name="verify"`) {
		t.Fatal("plain view should offer the check, not run it")
	}
	_, body = p.get(t, admin, "/admin/audit?verify=1")
	if !strings.Contains(body, intact) || strings.Contains(body, unchecked) {
		t.Fatal("the requested check did not report an intact chain")
	}
}
