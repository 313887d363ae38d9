package views_test

import (
	"bytes"
	"context"
	"html"
	"maps"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/assets"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

func render(t *testing.T, locale string, c templ.Component) string {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(i18n.WithLocale(context.Background(), locale), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.String()
}

func page(locale, titleID string, u *views.PageUser) views.Page {
	return views.Page{
		Title:  i18n.Tl(locale, titleID),
		Locale: locale,
		User:   u,
		Path:   "/admin/outbox?page=2&q=a b",
	}
}

var (
	customer = &views.PageUser{Name: "Ada Lovelace", Email: "ada@example.com", Role: "customer"}
	staff    = &views.PageUser{Name: "Sam", Email: "sam@example.com", Role: "staff"}
	admin    = &views.PageUser{Name: "", Email: "root@example.com", Role: "admin"}
	when     = time.Date(2026, 11, 21, 14, 5, 0, 0, time.UTC)
)

func outboxItems() []models.OutboxMessage {
	sent := when.Add(time.Minute)
	return []models.OutboxMessage{
		{ID: 6, ToAddress: "old@example.com", Template: "welcome", Subject: "Older", Status: models.OutboxSent, CreatedAt: when.Add(-time.Hour), SentAt: &sent},
		{ID: 7, ToAddress: "new@example.com", Template: "verify", Subject: "Newer", Status: models.OutboxHeld, CreatedAt: when},
	}
}

// pages is every page the package renders, as a handler would call it.
func pages(locale string) map[string]templ.Component {
	actor := int64(12)
	m := map[string]templ.Component{
		"signin":   views.SignInPage(page(locale, "signin.title", nil), views.SignInForm{Next: "/account"}),
		"customer": views.CustomerHomePage(page(locale, "account.title", customer)),
		"staff":    views.StaffHomePage(page(locale, "staff.title", staff), views.DeskDashboard{}),
		"admin": views.AdminHomePage(page(locale, "admin.title", admin),
			views.AdminStats{Users: map[string]int64{"customer": 12345, "staff": 3, "admin": 1}, OutboxHeld: 2, JobsDead: 1}),
		"outbox": views.OutboxPage(page(locale, "outbox.title", admin), views.OutboxList{
			Items: outboxItems(), Pagination: views.Pagination{Page: 1, PerPage: 1, Total: 2, BaseURL: "/admin/outbox"},
		}),
		"outbox empty": views.OutboxPage(page(locale, "outbox.title", admin), views.OutboxList{SMTPConfigured: true}),
		"outbox message": views.OutboxMessagePage(page(locale, "outbox.title", admin), models.OutboxMessage{
			ID: 7, ToAddress: "new@example.com", Subject: "Hello", Template: "verify", Locale: "fr",
			TextBody: "Plain body", HTMLBody: `<p onclick="x()">Hi</p><script>alert(1)</script>`, Status: models.OutboxFailed,
			LastError: "dial tcp: refused", CreatedAt: when,
		}),
		"audit": views.AuditPage(page(locale, "audit.title", admin), views.AuditList{
			Verified: true,
			Items: []models.AuditEntry{
				{ID: 42, CreatedAt: when, ActorID: &actor, ActorRole: "admin", Action: "admin.totp_reset", TargetType: "user", TargetID: "13", IP: "192.0.2.1"},
				{ID: 41, CreatedAt: when, ActorID: &actor, ActorRole: "staff", Action: "auth.signin", TargetType: "user", TargetID: "12", IP: "192.0.2.1"},
				{ID: 40, CreatedAt: when, Action: "session.cleanup"},
			},
			Names:       map[int64]string{12: "Alex Moreau"},
			Staff:       []views.AuditPerson{{ID: 12, Name: "Alex Moreau", Role: "admin"}},
			Pagination:  views.Pagination{Page: 1, PerPage: 2, Total: 3, BaseURL: "/admin/audit?action=auth."},
			Filter:      views.AuditFilter{Action: "auth.", To: "2026-13-01", Errors: views.FieldErrors{"to": "Bad end date"}},
			ChainIntact: true, Checked: 41,
		}),
		"audit broken": views.AuditPage(page(locale, "audit.title", admin), views.AuditList{Verified: true, ChainIntact: false, BrokenID: 40, Checked: 39}),
		"error 400":    views.ErrorPage(page(locale, "error.title.400", nil), 400),
		"error 403":    views.ErrorPage(page(locale, "error.title.403", customer), 403),
		"error 404":    views.ErrorPage(page(locale, "error.title.404", nil), 404),
		"error 429":    views.ErrorPage(page(locale, "error.title.429", nil), 429),
		"error 500":    views.ErrorPage(page(locale, "error.title.500", staff), 500),
		"error 418":    views.ErrorPage(page(locale, "error.title.generic", nil), 418),
	}
	maps.Copy(m, securityPages(locale))
	return m
}

var catalogIDs = func() []string {
	ids, err := i18n.IDs("en")
	if err != nil {
		panic(err)
	}
	return ids
}()

// TestEveryPage checks what every page in every language must have: the
// language, the title, the switcher back to the same place, the assets,
// and nothing the CSP would block.
func TestEveryPage(t *testing.T) {
	for _, l := range i18n.Supported {
		for name, c := range pages(l.Code) {
			t.Run(l.Code+"/"+name, func(t *testing.T) {
				out := render(t, l.Code, c)
				must := []string{
					`<html lang="` + l.Code + `">`,
					`<a class="skip-link" href="#main">` + html.EscapeString(i18n.Tl(l.Code, "layout.skip_to_content")),
					`<main id="main"`,
					`<form class="inline-form lang-switcher" method="post" action="/language">`,
					`<select id="lang-select" name="lang">`,
					`<input type="hidden" name="next" value="/admin/outbox?page=2&amp;q=a b">`,
					`<option value="` + l.Code + `" lang="` + l.Code + `" selected>`,
					`href="` + assets.Path("css/portal.css") + `"`,
				}
				for _, s := range must {
					if !strings.Contains(out, s) {
						t.Errorf("missing %s", s)
					}
				}
				title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(out)
				if title == nil || !strings.HasSuffix(html.UnescapeString(title[1]), " · "+i18n.Tl(l.Code, "app_name")) ||
					strings.Contains(title[1], ".title") {
					t.Errorf("title = %v", title)
				}
				for _, other := range i18n.Supported {
					if !strings.Contains(out, `lang="`+other.Code+`"`) {
						t.Errorf("switcher lacks %s", other.Code)
					}
				}
				// The language switcher marks exactly one language (other
				// selects, like the audit filters, have their own).
				if n := len(regexp.MustCompile(`<option value="[^"]*" lang="[^"]*" selected>`).FindAllString(out, -1)); n != 1 {
					t.Errorf("%d selected languages, want 1", n)
				}
				lower := strings.ToLower(out)
				for _, banned := range []string{"style=", "<style", "<script", "javascript:"} {
					if strings.Contains(lower, banned) {
						t.Errorf("page contains %q, which the CSP blocks or forbids", banned)
					}
				}
				// A form value may equal a message id (the audit filter's
				// action "profile.updated"); only shown text counts.
				shown := regexp.MustCompile(`value="[^"]*"`).ReplaceAllString(out, "")
				for _, id := range catalogIDs {
					if strings.Contains(shown, ">"+id+"<") || strings.Contains(shown, "\""+id+"\"") {
						t.Errorf("untranslated id %q shown", id)
					}
				}
			})
		}
	}
}

func TestNavigationByRole(t *testing.T) {
	cases := []struct {
		user       *views.PageUser
		path       string
		has, lacks []string
	}{
		{nil, "/signin", []string{`href="/signin" aria-current="page"`}, []string{`action="/signout"`, `href="/account"`}},
		{customer, "/account", []string{`href="/account" aria-current="page"`, `action="/signout"`, "Ada Lovelace"}, []string{`href="/admin"`, `href="/staff"`}},
		{staff, "/staff", []string{`href="/staff" aria-current="page"`}, []string{`href="/admin"`, `href="/account"`}},
		{admin, "/admin/outbox/7", []string{`href="/admin/outbox" aria-current="page"`, `href="/admin"`, `href="/admin/audit"`, `href="/staff"`, "root@example.com"},
			[]string{`href="/admin" aria-current`, `href="/account"`}},
	}
	for _, c := range cases {
		p := views.Page{Title: "x", Locale: "en", User: c.user, Path: c.path}
		out := render(t, "en", views.StaffHomePage(p, views.DeskDashboard{}))
		for _, s := range c.has {
			if !strings.Contains(out, s) {
				t.Errorf("%s: missing %s", c.path, s)
			}
		}
		for _, s := range c.lacks {
			if strings.Contains(out, s) {
				t.Errorf("%s: unexpected %s", c.path, s)
			}
		}
	}
}

func TestFlashes(t *testing.T) {
	p := views.Page{Locale: "en", Flashes: []views.Flash{
		{Kind: "success", Message: "Saved <ok>"},
		{Kind: "error", Message: "Broken"},
		{Kind: "info", Message: "FYI"},
	}}
	out := render(t, "en", views.CustomerHomePage(p))
	for _, s := range []string{
		`<div class="flash flash--success" role="status">`, `Saved &lt;ok&gt;`,
		`<div class="flash flash--error" role="alert">`, `<div class="flash flash--info" role="status">`,
	} {
		if !strings.Contains(out, s) {
			t.Errorf("missing %s", s)
		}
	}
}
