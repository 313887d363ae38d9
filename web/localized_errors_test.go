package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// TestCrossOriginAndRateLimitPagesLocalized: the pages refusing a
// cross-origin POST and a flood are in the visitor's language, and the
// 403 has the signed-in visitor's menu.
func TestCrossOriginAndRateLimitPagesLocalized(t *testing.T) {
	p := startPortal(t, "", map[string]string{"PORTAL_SIGNIN_RATE_LIMIT": "2"})
	l := p.logins["customer"]
	form := url.Values{"email": {l.Email}, "password": {l.Password}}
	evil := http.Header{"Origin": {"https://evil.example"}}
	withLang := func(h http.Header, lang string) http.Header {
		out := http.Header{"Accept-Language": {lang}}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	customer := p.signedIn(t, "customer")
	// A signed-in user's own language wins over the browser's.
	var u models.User
	if err := p.DB().Where("email = ?", strings.ToLower(l.Email)).Take(&u).Error; err != nil || u.Name == "" || !i18n.Valid(u.Locale) {
		t.Fatalf("demo customer: %+v %v", u, err)
	}
	name := u.Name

	cases := []struct {
		name       string
		client     *http.Client
		path       string
		header     http.Header
		repeat     int // the last of repeat POSTs is checked
		status     int
		lang       string
		has, lacks []string
	}{
		{"cross-origin, French visitor", p.client(t), "/signin", withLang(evil, "fr-FR,fr;q=0.9"), 1, forbid, "fr",
			[]string{`<html lang="fr">`, `href="/signin"`}, []string{`action="/signout"`}},
		{"cross-origin, signed-in customer", customer, "/security/sessions/revoke-others", withLang(evil, "en"), 1, forbid, u.Locale,
			[]string{`action="/signout"`, html.EscapeString(name), `href="/security"`}, nil},
		{"sign-in flood, Chinese visitor", p.client(t), "/signin", http.Header{"Accept-Language": {"zh-CN,zh;q=0.9"}}, 3, http.StatusTooManyRequests, "zh-CN",
			[]string{`<html lang="zh-CN">`}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var res *http.Response
			var body string
			for range c.repeat {
				res, body = p.postBody(t, c.client, c.path, form, c.header)
			}
			if res.StatusCode != c.status {
				t.Fatalf("status %d, want %d", res.StatusCode, c.status)
			}
			title := html.EscapeString(i18n.Tl(c.lang, "error.title."+res.Status[:3]))
			if !strings.Contains(body, title) {
				t.Errorf("page lacks the %s title %q", c.lang, title)
			}
			for _, s := range c.has {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %s", s)
				}
			}
			for _, s := range c.lacks {
				if strings.Contains(body, s) {
					t.Errorf("page has %s", s)
				}
			}
		})
	}
}
