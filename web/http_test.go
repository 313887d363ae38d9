package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/session"
	"github.com/photolab/privacyportal/models"
)

func TestSignInAndOut(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		c := p.client(t)
		l := p.logins["customer"]

		cases := []struct {
			name       string
			form       url.Values
			wantStatus int
			wantText   []string
			notText    []string
		}{
			{"empty", url.Values{}, invalid, []string{`aria-invalid="true"`}, nil},
			{"wrong password keeps email", url.Values{"email": {l.Email}, "password": {"wrong-password-123"}}, invalid,
				[]string{`value="` + l.Email + `"`}, []string{"wrong-password-123"}},
			{"unknown email", url.Values{"email": {"nobody@example.com"}, "password": {"whatever-123"}}, invalid, nil, []string{"whatever-123"}},
		}
		for _, tc := range cases {
			res, body := p.postBody(t, c, "/signin", tc.form, nil)
			if res.StatusCode != tc.wantStatus {
				t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.wantStatus)
			}
			for _, s := range tc.wantText {
				if !strings.Contains(body, s) {
					t.Errorf("%s: body lacks %q", tc.name, s)
				}
			}
			for _, s := range tc.notText {
				if strings.Contains(body, s) {
					t.Errorf("%s: body echoes %q", tc.name, s)
				}
			}
		}
		// Unknown email and wrong password look the same to the visitor.
		_, b1 := p.postBody(t, p.client(t), "/signin", url.Values{"email": {"nobody@example.com"}, "password": {"x-123456"}}, nil)
		_, b2 := p.postBody(t, p.client(t), "/signin", url.Values{"email": {l.Email}, "password": {"x-123456"}}, nil)
		if strip(b1, "nobody@example.com") != strip(b2, l.Email) {
			t.Error("responses for unknown and known email differ")
		}

		// A session cookie set before sign-in is replaced (no fixation).
		before := sessionCookie(t, p, c)
		res := p.post(t, c, "/signin", url.Values{"email": {l.Email}, "password": {l.Password}, "next": {"/account"}})
		if res.StatusCode != see || res.Header.Get("Location") != "/account" {
			t.Fatalf("sign-in: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		after := sessionCookie(t, p, c)
		if after == "" || after == before {
			t.Fatal("session id not renewed at sign-in")
		}
		if res, body := p.get(t, c, "/account"); res.StatusCode != ok || !strings.Contains(body, "Oliver Hughes") && !strings.Contains(body, "Camille Laurent") {
			t.Fatalf("account home: %d", res.StatusCode)
		}

		// Sign out: the same cookie no longer works.
		stolen := &http.Cookie{Name: session.CookieName, Value: after}
		if res := p.post(t, c, "/signout", nil); res.StatusCode != see {
			t.Fatalf("sign-out: %d", res.StatusCode)
		}
		replay := p.client(t)
		u, _ := url.Parse(p.URL)
		replay.Jar.SetCookies(u, []*http.Cookie{stolen})
		if res, _ := p.get(t, replay, "/account"); res.StatusCode != see {
			t.Fatalf("signed-out session reused: %d", res.StatusCode)
		}
		var audits int64
		p.DB().Model(&models.AuditEntry{}).Where("action IN ?", []string{"auth.signin", "auth.signout", "auth.signin_failed"}).Count(&audits)
		if audits < 4 {
			t.Fatalf("sign-ins and sign-outs not audited: %d rows", audits)
		}
	})
}

func TestOpenRedirectRefused(t *testing.T) {
	p := startPortal(t, "", nil)
	l := p.logins["customer"]
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		res := p.post(t, p.client(t), "/signin", url.Values{"email": {l.Email}, "password": {l.Password}, "next": {next}})
		if loc := res.Header.Get("Location"); loc != "/account" {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
}

func sessionCookie(t *testing.T, p *portal, c *http.Client) string {
	u, _ := url.Parse(p.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == session.CookieName {
			return ck.Value
		}
	}
	return ""
}

func strip(body, email string) string { return strings.ReplaceAll(body, email, "") }

func TestLanguageChoice(t *testing.T) {
	p := startPortal(t, "", nil)
	cases := []struct {
		accept, want string
	}{
		{"fr-FR,fr;q=0.9", `lang="fr"`},
		{"zh-CN,zh;q=0.9", `lang="zh-CN"`},
		{"de", `lang="en"`},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", p.URL+"/signin", nil)
		req.Header.Set("Accept-Language", c.accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(res)
		if !strings.Contains(body, c.want) {
			t.Errorf("Accept-Language %q: page lacks %s", c.accept, c.want)
		}
	}

	// The switcher wins over Accept-Language and is remembered.
	c := p.client(t)
	res := p.post(t, c, "/language", url.Values{"lang": {"zh-CN"}, "next": {"/signin"}})
	if res.StatusCode != see || res.Header.Get("Location") != "/signin" {
		t.Fatalf("switch: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	req, _ := http.NewRequest("GET", p.URL+"/signin", nil)
	req.Header.Set("Accept-Language", "fr")
	res, _ = c.Do(req)
	if body := readAll(res); !strings.Contains(body, `lang="zh-CN"`) {
		t.Error("language choice not remembered")
	}
	if res := p.post(t, c, "/language", url.Values{"lang": {"xx"}}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown language: %d", res.StatusCode)
	}

	// A signed-in user's choice is this browser's page language only; the
	// account's language (mails) changes when they accept the offer.
	cu := p.signedIn(t, "customer")
	var before, after models.User
	p.DB().Where("email = ?", p.logins["customer"].Email).Take(&before)
	other := "fr"
	if before.Locale == "fr" {
		other = "zh-CN"
	}
	p.post(t, cu, "/language", url.Values{"lang": {other}, "next": {"/account"}})
	p.DB().Where("email = ?", p.logins["customer"].Email).Take(&after)
	if after.Locale != before.Locale {
		t.Errorf("user locale = %q after a header choice, want %q until the offer is accepted", after.Locale, before.Locale)
	}
	p.post(t, cu, "/language/preferred", url.Values{"lang": {other}, "next": {"/account"}})
	p.DB().Where("email = ?", p.logins["customer"].Email).Take(&after)
	if after.Locale != other {
		t.Errorf("user locale = %q after accepting, want %q", after.Locale, other)
	}
}

func readAll(res *http.Response) string {
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			return sb.String()
		}
	}
}

func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	p := startPortal(t, "", nil)
	admin := p.signedIn(t, "admin")
	paths := []string{"/healthz", "/readyz", "/metrics", "/no-such-page"}
	for key, row := range matrix {
		if strings.HasPrefix(key, "GET ") && !strings.Contains(row.path, "{") {
			paths = append(paths, row.path)
		}
	}
	for _, path := range paths {
		res, _ := p.get(t, admin, path)
		h := res.Header
		checks := map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "same-origin",
			"Cache-Control":          "no-store",
		}
		for k, v := range checks {
			if h.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", path, k, h.Get(k), v)
			}
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		// A request id finds a request's log lines; the liveness probe
		// writes none (see liveness), so it carries none.
		if h.Get("X-Request-Id") == "" && path != "/healthz" {
			t.Errorf("%s: no request id", path)
		}
	}
	// Session cookie flags.
	res := p.post(t, p.client(t), "/signin", url.Values{"email": {p.logins["customer"].Email}, "password": {p.logins["customer"].Password}})
	for _, ck := range res.Cookies() {
		if ck.Name == session.CookieName && (!ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode) {
			t.Errorf("session cookie flags: %+v", ck)
		}
	}
}

func TestCrossOriginPostRejected(t *testing.T) {
	p := startPortal(t, "", nil)
	l := p.logins["customer"]
	form := url.Values{"email": {l.Email}, "password": {l.Password}}
	cases := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"cross-site fetch metadata", http.Header{"Sec-Fetch-Site": {"cross-site"}}, forbid},
		{"foreign origin", http.Header{"Origin": {"https://evil.example"}}, forbid},
		{"same origin", http.Header{"Sec-Fetch-Site": {"same-origin"}}, see},
	}
	for _, c := range cases {
		res, body := p.postBody(t, p.client(t), "/signin", form, c.header)
		if res.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d", c.name, res.StatusCode, c.want)
		}
		if c.want == forbid && !strings.Contains(body, "<html") {
			t.Errorf("%s: 403 is not the designed page", c.name)
		}
	}
}

func TestErrorPagesAndRateLimit(t *testing.T) {
	p := startPortal(t, "", map[string]string{"PORTAL_RATE_LIMIT": "1", "PORTAL_RATE_BURST": "3"})
	c := p.client(t)
	res, body := p.get(t, c, "/no-such-page")
	if res.StatusCode != notFound || !strings.Contains(body, "<main") {
		t.Fatalf("404 page: %d", res.StatusCode)
	}
	var last *http.Response
	for range 5 {
		last, body = p.get(t, c, "/signin")
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" || !strings.Contains(body, "<main") {
		t.Fatalf("rate limit: %d retry-after=%q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if res, _ := p.get(t, c, "/healthz"); res.StatusCode != ok {
		t.Fatalf("health probe rate-limited: %d", res.StatusCode)
	}
}
