package views_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

func assertContains(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(out, s) {
			t.Errorf("missing %s", s)
		}
	}
}

func assertLacks(t *testing.T, out string, unwanted ...string) {
	t.Helper()
	for _, s := range unwanted {
		if strings.Contains(out, s) {
			t.Errorf("unexpected %s", s)
		}
	}
}

func TestSignInErrors(t *testing.T) {
	for _, l := range i18n.Supported {
		t.Run(l.Code, func(t *testing.T) {
			f := views.SignInForm{
				Email: `ada"<x>@example.com`,
				Next:  "/account/data",
				Errors: views.FieldErrors{
					"email":    i18n.Tl(l.Code, "signin.error.email_required"),
					"password": i18n.Tl(l.Code, "signin.error.password_required"),
					"form":     i18n.Tl(l.Code, "signin.error.invalid"),
				},
			}
			out := render(t, l.Code, views.SignInPage(page(l.Code, "signin.title", nil), f))
			assertContains(t, out,
				`action="/signin"`,
				`<input type="hidden" name="next" value="/account/data">`,
				`value="ada&#34;&lt;x&gt;@example.com"`,
				`autocomplete="username"`,
				`type="password" autocomplete="current-password"`,
				`id="field-email-error"`,
				`aria-describedby="field-email-error" aria-invalid="true"`,
				`aria-describedby="field-password-error" aria-invalid="true"`,
				`<a href="#field-email">`, `<a href="#field-password">`,
				`<div class="banner banner--error" role="alert">`,
				i18n.Tl(l.Code, "signin.error.invalid"),
				i18n.Tl(l.Code, "signin.error.password_required"),
			)
			// The password input never carries a value, whatever was typed.
			if i := strings.Index(out, `name="password"`); i < 0 || strings.Contains(out[i:i+strings.Index(out[i:], ">")], "value=") {
				t.Error("password input has a value")
			}
		})
	}
}

func TestSignInClean(t *testing.T) {
	out := render(t, "en", views.SignInPage(page("en", "signin.title", nil), views.SignInForm{}))
	assertLacks(t, out, "aria-invalid", "error-summary", `role="alert"`)
}

func TestOutbox(t *testing.T) {
	out := render(t, "en", pages("en")["outbox"])
	assertContains(t, out,
		`<a href="/admin/outbox/7">Newer</a>`,
		`<a href="/admin/outbox/6">Older</a>`,
		`<span class="badge badge--warning">Held</span>`,
		`<span class="badge badge--success">Sent</span>`,
		`21 November 2026, 14:05 UTC`,
		i18n.Tl("en", "outbox.no_smtp.title"),
		`action="/admin/outbox/test"`, `name="to" type="email"`,
		`<a href="/admin/outbox?page=2" rel="next">`,
	)
	if strings.Index(out, "Newer") > strings.Index(out, "Older") {
		t.Error("outbox is not newest first")
	}

	empty := render(t, "en", pages("en")["outbox empty"])
	assertContains(t, empty, i18n.Tl("en", "outbox.empty.title"))
	assertLacks(t, empty, i18n.Tl("en", "outbox.no_smtp.title"), "<table", `class="pagination"`)

	form := views.OutboxList{SMTPConfigured: true, Form: views.OutboxForm{To: "not-an-address",
		Errors: views.FieldErrors{"to": i18n.Tl("en", "outbox.error.invalid_address")}}}
	bad := render(t, "en", views.OutboxPage(page("en", "outbox.title", admin), form))
	assertContains(t, bad, `value="not-an-address"`, `aria-describedby="field-to-hint field-to-error" aria-invalid="true"`,
		`<a href="#field-to">`)
}

func TestOutboxMessageShowsHTMLOnlyAsSource(t *testing.T) {
	out := render(t, "en", pages("en")["outbox message"])
	assertContains(t, out,
		`<pre>Plain body</pre>`,
		`<details>`,
		`&lt;p onclick=&#34;x()&#34;&gt;Hi&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<a class="back-link" href="/admin/outbox">`,
		`<span class="badge badge--danger">Failed</span>`,
		`dial tcp: refused`,
	)
	assertLacks(t, out, `<p onclick`, "<script")
}

func TestAudit(t *testing.T) {
	out := render(t, "en", pages("en")["audit"])
	assertContains(t, out, `role="status"`, "41 entries checked", "192.0.2.1",
		// names and a sentence per action; a deleted account is said so
		`<div class="cell">Alex Moreau signed in</div>`, `<div class="cell">Deleted account #13’s second factor was reset by Alex Moreau</div>`,
		// an action without a sentence still reads, with its code
		"The portal: session.cleanup (—)",
		// the filter form keeps what was typed, with the error beside the field and in the summary
		`<option value="auth." selected>`, `<option value="12">Alex Moreau (Admin)</option>`,
		`value="2026-13-01"`, `<a href="#field-to">Bad end date</a>`, `id="field-to-error"`,
		`href="/admin/audit">`+i18n.Tl("en", "audit.filter.clear"),
		// paging keeps the filter
		`href="/admin/audit?action=auth.&amp;page=2"`)
	assertLacks(t, out, "auth.signin<", "user #12", "Staff #12")
	if strings.Index(out, "signed in") > strings.Index(out, "session.cleanup") {
		t.Error("audit is not newest first")
	}
	fr := render(t, "fr", pages("fr")["audit"])
	assertContains(t, fr, "Connexion d’Alex Moreau", "Le second facteur du compte supprimé n° 13 a été réinitialisé par Alex Moreau",
		`<optgroup label="Connexion">`, "Tout : Connexion")
	one := render(t, "en", views.AuditPage(page("en", "audit.title", admin), views.AuditList{Verified: true, ChainIntact: true, Checked: 1}))
	assertContains(t, one, "1 entry checked")

	broken := render(t, "fr", pages("fr")["audit broken"])
	assertContains(t, broken, `<div class="banner banner--error" role="alert">`, "L’entrée 40 ne correspond pas")
	assertLacks(t, broken, i18n.Tl("fr", "audit.chain.intact.title"))
}

func TestErrorPages(t *testing.T) {
	cases := []struct {
		status int
		user   *views.PageUser
		want   []string
		lacks  []string
	}{
		{400, nil, []string{"Error 400", i18n.Tl("en", "errorpage.400.next")}, nil},
		{403, nil, []string{`<a class="button" href="/signin">`, i18n.Tl("en", "errorpage.403.next")}, []string{`action="/signout"><button type="submit" class="button">`}},
		{403, customer, []string{i18n.Tl("en", "errorpage.switch_account"), `href="/account">` + i18n.Tl("en", "errorpage.home")}, []string{`<a class="button" href="/signin">`}},
		{404, nil, []string{i18n.Tl("en", "error.title.404"), `href="/">`}, nil},
		{429, nil, []string{i18n.Tl("en", "error.title.429"), "Wait a minute, then try again."}, nil},
		{413, nil, []string{i18n.Tl("en", "error.title.413"), "Go back, shorten what you entered"}, nil},
		{500, admin, []string{i18n.Tl("en", "error.title.500"), `href="/admin">`}, nil},
		{418, nil, []string{"Error 418", i18n.Tl("en", "error.title.generic")}, nil},
	}
	for _, c := range cases {
		out := render(t, "en", views.ErrorPage(views.Page{Locale: "en", User: c.user, Path: "/x"}, c.status))
		assertContains(t, out, c.want...)
		assertLacks(t, out, c.lacks...)
	}
	if got := views.ErrorTitle(i18n.WithLocale(t.Context(), "zh-CN"), 404); got != "找不到页面" {
		t.Errorf("ErrorTitle = %q", got)
	}
}

func TestHomes(t *testing.T) {
	out := render(t, "en", pages("en")["customer"])
	assertContains(t, out, "Welcome, Ada Lovelace", i18n.Tl("en", "account.card.preferences.title"))
	// Every card is a link to its page (the preferences card is real since issue 12).
	main := out[strings.Index(out, "<main"):]
	links := regexp.MustCompile(`<a [^>]*href="([^"]*)"`).FindAllStringSubmatch(main, -1)
	// The data card keeps its promise of a copy with a link to it.
	if len(links) != 5 || links[0][1] != "/account/data" || links[1][1] != "/account/export" || links[2][1] != "/account/preferences" ||
		links[3][1] != "/account/requests" || links[4][1] != "/account/policy" {
		t.Errorf("customer home links = %v, want /account/data, /account/export, /account/preferences, /account/requests and /account/policy only", links)
	}
	assertContains(t, render(t, "fr", pages("fr")["staff"]), i18n.Tl("fr", "staff.queue.empty.title"))
	adminOut := render(t, "fr", pages("fr")["admin"])
	assertContains(t, adminOut, "12\u00a0345", `href="/admin/outbox"`, `href="/admin/audit"`, i18n.Tl("fr", "admin.card.jobs.attention"))
}
