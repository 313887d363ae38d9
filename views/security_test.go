package views_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

const qrURI = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

var recoveryCodes = []string{"k7p2-x9qm", "a3f8-zz41", "b&c d/e+f"}

func overview() views.SecurityOverview {
	changed := when.Add(-48 * time.Hour)
	return views.SecurityOverview{
		Email: "ada@example.com", HasPassword: true, PasswordChangedAt: &changed,
		TOTPEnabled: true, TOTPEnabledAt: &changed, RecoveryCodesLeft: 1, SessionCount: 3,
		Events: []views.LoginEventView{
			{At: when, Event: "signin", Method: "email_code", IP: "192.0.2.1", Browser: "Firefox", OS: "Linux"},
			{At: when.Add(-time.Hour), Event: "signin_failed", Method: "password", IP: "198.51.100.9", Browser: "Chrome", OS: "Windows"},
			{At: when.Add(-2 * time.Hour), Event: "password_changed", IP: "192.0.2.1"},
		},
		EventsPagination: views.Pagination{Page: 1, PerPage: 3, Total: 7, BaseURL: "/security"},
	}
}

func sessions() []views.SessionView {
	return []views.SessionView{
		{ID: 11, Browser: "Firefox", OS: "Linux", IP: "192.0.2.1", CreatedAt: when.Add(-time.Hour), LastSeenAt: when, Current: true},
		{ID: 12, Browser: "Safari", OS: "iOS", IP: "198.51.100.9", CreatedAt: when.Add(-72 * time.Hour), LastSeenAt: when.Add(-24 * time.Hour)},
	}
}

func staffMembers() []views.StaffMember {
	return []views.StaffMember{
		{ID: 3, Name: "Sam", Email: "sam@example.com", Role: "staff", TOTPEnabled: true, CreatedAt: when},
		{ID: 4, Name: "", Email: "new@example.com", Role: "admin", CreatedAt: when},
	}
}

// securityPages joins pages(): each is rendered in every language by
// TestEveryPage, with the checks every page must pass.
func securityPages(locale string) map[string]templ.Component {
	return map[string]templ.Component{
		"code request":      views.CodeRequestPage(page(locale, "signin_code.title", nil), views.CodeRequestForm{}),
		"code enter":        views.CodeEnterPage(page(locale, "signin_code.enter_title", nil), views.CodeEnterForm{Email: "ada@example.com"}),
		"second factor":     views.SecondFactorPage(page(locale, "second_factor.title", nil), views.SecondFactorForm{}),
		"security":          views.SecurityPage(page(locale, "security.title", customer), overview()),
		"security empty":    views.SecurityPage(page(locale, "security.title", customer), views.SecurityOverview{Email: "ada@example.com", SessionCount: 1}),
		"confirm both":      views.ConfirmPage(page(locale, "confirm.title", customer), views.ConfirmForm{Next: "/security/email", HasPassword: true, HasTOTP: true}),
		"confirm none":      views.ConfirmPage(page(locale, "confirm.title", customer), views.ConfirmForm{Next: "/security/email"}),
		"password change":   views.PasswordPage(page(locale, "password.title", customer), views.PasswordForm{HasPassword: true, NeedsCurrent: true}),
		"password by code":  views.PasswordPage(page(locale, "password.title", customer), views.PasswordForm{HasPassword: true}),
		"password set":      views.PasswordPage(page(locale, "password.title", customer), views.PasswordForm{}),
		"totp off":          views.TOTPPage(page(locale, "totp.title", customer), views.TOTPStatus{}),
		"totp on":           views.TOTPPage(page(locale, "totp.title", customer), views.TOTPStatus{Enabled: true, EnabledAt: &when, RecoveryCodesLeft: 8}),
		"totp staff needed": views.TOTPPage(page(locale, "totp.title", staff), views.TOTPStatus{Mandatory: true}),
		"totp staff on":     views.TOTPPage(page(locale, "totp.title", staff), views.TOTPStatus{Mandatory: true, Enabled: true, RecoveryCodesLeft: 1}),
		"totp setup":        views.TOTPSetupPage(page(locale, "totp.setup_title", customer), views.TOTPSetup{Secret: "JBSW Y3DP EHPK 3PXP", QRDataURI: qrURI}),
		"recovery codes":    views.RecoveryCodesPage(page(locale, "recovery.title", customer), recoveryCodes, true),
		"email change":      views.EmailChangePage(page(locale, "email_change.title", customer), views.EmailChangeForm{Current: "ada@example.com"}),
		"email confirm":     views.EmailConfirmPage(page(locale, "email_confirm.title", customer), views.EmailConfirmForm{NewEmail: "ada@new.example"}),
		"sessions":          views.SessionsPage(page(locale, "sessions.title", customer), sessions()),
		"sessions one":      views.SessionsPage(page(locale, "sessions.title", customer), sessions()[:1]),
		"sessions none":     views.SessionsPage(page(locale, "sessions.title", customer), nil),
		"staff admin":       views.StaffPage(page(locale, "staff_admin.title", admin), staffMembers(), views.StaffForm{}),
		"staff admin empty": views.StaffPage(page(locale, "staff_admin.title", admin), nil, views.StaffForm{}),
	}
}

// TestSecurityPagesContent checks each page's key content in each language.
func TestSecurityPagesContent(t *testing.T) {
	for _, l := range i18n.Supported {
		tl := func(id string, args ...any) string { return i18n.Tl(l.Code, id, args...) }
		pages := securityPages(l.Code)
		cases := []struct {
			name        string
			want, lacks []string
		}{
			{"code request", []string{`action="/signin/code"`, `name="email" type="email"`, `href="/signin"`}, nil},
			{"code enter", []string{
				`action="/signin/code/enter"`, esc(tl("signin_code.sent", "Email", "ada@example.com", "Minutes", 15)),
				`name="code" type="text" value="" autocomplete="one-time-code" inputmode="numeric" maxlength="7"`,
				`<a href="/signin/code">`,
			}, nil},
			{"second factor", []string{
				`action="/signin/2fa"`, `name="code" type="text" value="" autocomplete="one-time-code"`,
				esc(tl("second_factor.code_hint")), `action="/signout"`,
			}, []string{"maxlength"}},
			{"security", []string{
				`href="/security/email"`, `href="/security/password"`, `href="/security/2fa"`, `href="/security/sessions"`,
				esc(tl("event.signin")), esc(tl("method.email_code")), esc(tl("security.device", "Browser", "Firefox", "OS", "Linux")),
				`<span class="badge badge--danger">` + esc(tl("event.signin_failed")) + `</span>`,
				`<td data-label="` + esc(tl("security.col.method")) + `"><div class="cell">—</div></td>`, labelThen(esc(tl("security.card.password.changed"))) + "<time", esc(tl("totp.status.on")), esc(tl("totp.codes_left", "Count", 1, "Number", "1")),
				`<div class="table-wrap" role="region"`, `href="/security?page=2" rel="next"`,
			}, []string{"event.", "method."}},
			{"security empty", []string{esc(tl("security.history.empty.title")), esc(tl("security.card.password.not_set")), esc(tl("totp.status.off"))}, []string{"<table"}},
			{"confirm both", []string{
				`action="/security/confirm"`, `<input type="hidden" name="next" value="/security/email">`,
				`name="password" type="password" autocomplete="current-password"`, `name="code" type="text"`, esc(tl("confirm.or")),
			}, nil},
			{"confirm none", []string{esc(tl("confirm.signin_again")), `action="/signout"`}, []string{`name="password"`, `name="code"`, `action="/security/confirm"`}},
			{"password change", []string{
				`action="/security/password"`, `name="current" type="password" autocomplete="current-password"`,
				`name="new" type="password" autocomplete="new-password"`, `name="confirm" type="password" autocomplete="new-password"`,
				`aria-describedby="field-new-hint"`, esc(tl("password.new_hint")),
			}, []string{"onpaste", "maxlength"}},
			{"password set", []string{`name="new"`, `name="confirm"`, esc(tl("password.heading_set")), esc(tl("password.intro_set"))},
				[]string{`name="current"`, esc(tl("password.heading_change"))}},
			// Signed in with an emailed code just now: no current password
			// asked, but the account has one, so it is changed, not set.
			{"password by code", []string{esc(tl("password.heading_change")), esc(tl("password.intro_change")), `name="new"`},
				[]string{`name="current"`, esc(tl("password.heading_set")), esc(tl("password.intro_set"))}},
			{"totp off", []string{`action="/security/2fa/start"`, esc(tl("totp.status.off"))}, []string{`action="/security/2fa/disable"`, esc(tl("totp.mandatory"))}},
			{"totp on", []string{
				`action="/security/2fa/recovery-codes"`, `action="/security/2fa/disable"`, "button--danger",
				esc(tl("totp.codes_left", "Count", 8, "Number", "8")), `<time datetime="2026-11-21T14:05:00Z">`,
			}, []string{`action="/security/2fa/start"`}},
			{"totp staff needed", []string{`<div class="banner banner--info" role="status">`, esc(tl("totp.mandatory")), `action="/security/2fa/start"`}, nil},
			{"totp staff on", []string{esc(tl("totp.staff_must_keep")), esc(tl("totp.codes_low"))}, []string{`action="/security/2fa/disable"`, esc(tl("totp.mandatory"))}},
			{"totp setup", []string{
				`<img class="qr-code" src="` + qrURI + `" alt="` + esc(tl("totp.qr_alt")) + `"`,
				`<code class="secret">JBSW Y3DP EHPK 3PXP</code>`, `action="/security/2fa/setup"`,
				`name="code" type="text" value="" autocomplete="one-time-code" inputmode="numeric"`,
			}, []string{"TemplFailedSanitization"}},
			{"recovery codes", []string{
				`<ol class="recovery-codes">`, `<li><code>k7p2-x9qm</code></li>`, `<li><code>b&amp;c d/e+f</code></li>`,
				`download="recovery-codes.txt" href="data:text/plain;charset=utf-8,`, esc(tl("recovery.print_hint")),
				`action="/security/2fa/recovery-codes/saved"`, `<input type="hidden" name="enrolled" value="1">`,
			}, []string{"TemplFailedSanitization", `action="/security/2fa/recovery-codes"`, `action="/security/2fa/setup"`}},
			{"email change", []string{`<dd>ada@example.com</dd>`, `action="/security/email"`, `name="email" type="email" value="" autocomplete="email"`}, nil},
			{"email confirm", []string{esc(tl("email_confirm.sent", "Email", "ada@new.example")), `action="/security/email/confirm"`, `name="code"`}, nil},
			{"sessions", []string{
				`action="/security/sessions/revoke-others"`, `action="/security/sessions/12/revoke"`,
				`<span class="badge badge--info">` + esc(tl("sessions.this_device")) + `</span>`,
				esc(tl("security.device", "Browser", "Safari", "OS", "iOS")), "198.51.100.9",
			}, []string{`action="/security/sessions/11/revoke"`}},
			{"sessions one", []string{esc(tl("sessions.this_device"))}, []string{"revoke-others", "/revoke\""}},
			{"sessions none", []string{esc(tl("sessions.empty.title"))}, []string{"<table", "revoke-others"}},
			{"staff admin", []string{
				`action="/admin/staff/3/reset-2fa"`, "button--danger", `action="/admin/staff"`,
				`<select id="field-role" name="role" required`, `<option value="staff">` + esc(tl("role.staff")) + `</option>`,
				`<option value="admin">` + esc(tl("role.admin")) + `</option>`, esc(tl("staff_admin.add.intro")),
				`<span class="badge badge--success">` + esc(tl("totp.status.on")) + `</span>`,
				`<span class="badge badge--warning">` + esc(tl("staff_admin.totp_pending")) + `</span>`,
			}, []string{`action="/admin/staff/4/reset-2fa"`}},
			{"staff admin empty", []string{esc(tl("staff_admin.empty.title")), `action="/admin/staff"`}, []string{"<table"}},
		}
		for _, c := range cases {
			t.Run(l.Code+"/"+c.name, func(t *testing.T) {
				comp, ok := pages[c.name]
				if !ok {
					t.Fatalf("no page %q", c.name)
				}
				out := render(t, l.Code, comp)
				assertContains(t, out, c.want...)
				assertLacks(t, out, c.lacks...)
			})
		}
	}
}

func esc(s string) string { return templ.EscapeString(s) }

// TestSecurityFormErrors checks that every form shows its errors beside
// the fields and in the summary, and keeps what was typed, except passwords.
func TestSecurityFormErrors(t *testing.T) {
	const secret = "hunter2-secret"
	en := func(id string) string { return i18n.Tl("en", id) }
	cases := []struct {
		name   string
		c      templ.Component
		fields []string
		want   []string
	}{
		{"code request", views.CodeRequestPage(page("en", "signin_code.title", nil),
			views.CodeRequestForm{Email: "not-an-address", Errors: views.FieldErrors{"email": en("email.error.invalid")}}),
			[]string{"email"}, []string{`value="not-an-address"`}},
		{"code enter", views.CodeEnterPage(page("en", "signin_code.enter_title", nil),
			views.CodeEnterForm{Email: "ada@example.com", Errors: views.FieldErrors{"code": en("code.error.invalid")}}),
			[]string{"code"}, []string{`aria-describedby="field-code-hint field-code-error" aria-invalid="true"`}},
		{"second factor", views.SecondFactorPage(page("en", "second_factor.title", nil),
			views.SecondFactorForm{Errors: views.FieldErrors{"code": en("totp.error.invalid"), "form": "Too many"}}),
			[]string{"code"}, []string{`<div class="banner banner--error" role="alert">`}},
		{"confirm", views.ConfirmPage(page("en", "confirm.title", customer),
			views.ConfirmForm{HasPassword: true, HasTOTP: true, Errors: views.FieldErrors{"password": en("confirm.error.invalid"), "code": en("totp.error.invalid")}}),
			[]string{"password", "code"}, nil},
		{"password", views.PasswordPage(page("en", "password.title", customer), views.PasswordForm{NeedsCurrent: true, Errors: views.FieldErrors{
			"current": en("password.error.current_wrong"), "new": en("password.error.common"), "confirm": en("password.error.mismatch"),
		}}), []string{"current", "new", "confirm"}, []string{`aria-describedby="field-new-hint field-new-error" aria-invalid="true"`}},
		{"totp setup", views.TOTPSetupPage(page("en", "totp.setup_title", customer),
			views.TOTPSetup{Secret: "ABCD", QRDataURI: qrURI, Errors: views.FieldErrors{"code": en("totp.error.invalid")}}),
			[]string{"code"}, nil},
		{"email change", views.EmailChangePage(page("en", "email_change.title", customer),
			views.EmailChangeForm{Current: "ada@example.com", NewEmail: `x"@y`, Errors: views.FieldErrors{"email": en("email.error.same")}}),
			[]string{"email"}, []string{`value="x&#34;@y"`}},
		{"email confirm", views.EmailConfirmPage(page("en", "email_confirm.title", customer),
			views.EmailConfirmForm{NewEmail: "ada@new.example", Errors: views.FieldErrors{"code": en("code.error.required")}}),
			[]string{"code"}, nil},
		{"staff", views.StaffPage(page("en", "staff_admin.title", admin), staffMembers(), views.StaffForm{
			Email: "sam@example.com", Name: "Sam <b>", Role: "admin",
			Errors: views.FieldErrors{"email": en("staff.error.email_taken"), "role": en("staff.error.role")},
		}), []string{"email", "role"}, []string{`value="Sam &lt;b&gt;"`, `<option value="admin" selected>`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, "en", c.c)
			assertContains(t, out, c.want...)
			assertContains(t, out, `<div class="error-summary" role="alert"`)
			for _, f := range c.fields {
				assertContains(t, out,
					`id="field-`+f+`-error"`,
					`<a href="#field-`+f+`">`,
				)
				tag := regexp.MustCompile(`<(?:input|select)[^>]*id="field-` + f + `"[^>]*>`).FindString(out)
				if !strings.Contains(tag, `aria-invalid="true"`) || !regexp.MustCompile(`aria-describedby="[^"]*field-`+f+`-error"`).MatchString(tag) {
					t.Errorf("field %s not wired to its error: %s", f, tag)
				}
			}
			assertLacks(t, out, secret)
			// No password input ever carries a value.
			for _, tag := range regexp.MustCompile(`<input[^>]*type="password"[^>]*>`).FindAllString(out, -1) {
				if strings.Contains(tag, "value=") {
					t.Errorf("password input has a value: %s", tag)
				}
			}
		})
	}
}

func TestRecoveryCodesDownload(t *testing.T) {
	out := render(t, "en", views.RecoveryCodesPage(page("en", "recovery.title", customer), recoveryCodes, true))
	m := regexp.MustCompile(`download="recovery-codes.txt" href="(data:text/plain;charset=utf-8,[^"]*)"`).FindStringSubmatch(out)
	if m == nil {
		t.Fatal("no data: download link")
	}
	href := strings.ReplaceAll(m[1], "&amp;", "&")
	body, err := url.PathUnescape(strings.TrimPrefix(href, "data:text/plain;charset=utf-8,"))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(recoveryCodes, "\n") + "\n"; body != want {
		t.Errorf("download = %q, want %q", body, want)
	}
	if strings.ContainsAny(strings.TrimPrefix(href, "data:text/plain;charset=utf-8,"), " \n+&") {
		t.Errorf("download href not fully percent-encoded: %s", href)
	}
}

func TestQRImageOnlyFromDataPNG(t *testing.T) {
	out := render(t, "en", views.TOTPSetupPage(page("en", "totp.setup_title", customer),
		views.TOTPSetup{Secret: "ABCD", QRDataURI: "https://evil.example/x.png"}))
	assertLacks(t, out, "evil.example", "<img class=\"qr-code\"")
	assertContains(t, out, `<code class="secret">ABCD</code>`)

	good := render(t, "en", views.TOTPSetupPage(page("en", "totp.setup_title", customer), views.TOTPSetup{QRDataURI: qrURI}))
	src := regexp.MustCompile(`<img class="qr-code" src="([^"]*)"`).FindStringSubmatch(good)
	if src == nil || !strings.HasPrefix(src[1], "data:image/png;base64,") {
		t.Errorf("qr src = %v", src)
	}
}

func TestSignInOffersEmailedCode(t *testing.T) {
	for _, l := range i18n.Supported {
		out := render(t, l.Code, views.SignInPage(page(l.Code, "signin.title", nil), views.SignInForm{}))
		assertContains(t, out, `<a href="/signin/code">`+esc(i18n.Tl(l.Code, "signin.code_link"))+`</a>`, esc(i18n.Tl(l.Code, "signin.no_password.body")))
	}
}

func TestSecurityNavigation(t *testing.T) {
	cases := []struct {
		user       *views.PageUser
		path       string
		has, lacks []string
	}{
		{nil, "/signin", nil, []string{`href="/security"`}},
		{customer, "/security/2fa", []string{`href="/security" aria-current="page"`}, []string{`href="/admin/staff"`}},
		{staff, "/staff", []string{`href="/security">`}, []string{`href="/admin/staff"`}},
		{admin, "/admin/staff", []string{`href="/admin/staff" aria-current="page"`, `href="/security">`, `href="/staff">`}, nil},
	}
	for _, c := range cases {
		out := render(t, "en", views.StaffHomePage(views.Page{Title: "x", Locale: "en", User: c.user, Path: c.path}, views.DeskDashboard{}))
		assertContains(t, out, c.has...)
		assertLacks(t, out, c.lacks...)
	}
}
