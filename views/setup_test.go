package views_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

var hrefRe = regexp.MustCompile(`<a [^>]*href="([^"]*)"`)

// TestSetupRequiredPagesLinkOnlyToTheSetUp: while a staff member or
// admin must enrol two-factor, every other page sends them back to the
// set-up, so each page they can see links only to the set-up itself (or
// within the page, or to a stylesheet). Sign-out is a form and stays.
func TestSetupRequiredPagesLinkOnlyToTheSetUp(t *testing.T) {
	t.Parallel()
	for _, l := range i18n.Supported {
		for _, u := range []*views.PageUser{staff, admin} {
			p := views.Page{Locale: l.Code, User: u, Path: "/security/2fa", SetupRequired: true}
			pages := map[string]templ.Component{
				"2fa":     views.TOTPPage(p, views.TOTPStatus{Mandatory: true}),
				"set-up":  views.TOTPSetupPage(p, views.TOTPSetup{Secret: "JBSW Y3DP"}),
				"confirm": views.ConfirmPage(p, views.ConfirmForm{Next: "/security/2fa", HasPassword: true}),
				"error":   views.ErrorPage(p, 404),
				"refused": views.ErrorPage(p, 403),
			}
			for name, c := range pages {
				t.Run(l.Code+"/"+u.Role+"/"+name, func(t *testing.T) {
					t.Parallel()
					out := render(t, l.Code, c)
					for _, m := range hrefRe.FindAllStringSubmatch(out, -1) {
						href := html.UnescapeString(m[1])
						if !strings.HasPrefix(href, "/security/2fa") && !strings.HasPrefix(href, "#") {
							t.Errorf("link to %s while set-up is required", href)
						}
					}
					assertContains(t, out, `action="/signout"`, `<a href="/security/2fa"`)
					if name == "2fa" {
						notice := html.EscapeString(i18n.Tl(l.Code, "totp.mandatory"))
						if n := strings.Count(out, notice); n != 1 {
							t.Errorf("the set-up notice shows %d times, want 1", n)
						}
					}
				})
			}
		}
	}
}

// TestEnrolledStaffSeeTheirSections: the set-up menu is only for the
// set-up; once enrolled, the role's own sections and the back link return.
func TestEnrolledStaffSeeTheirSections(t *testing.T) {
	t.Parallel()
	out := render(t, "en", views.TOTPPage(views.Page{Locale: "en", User: staff, Path: "/security/2fa"}, views.TOTPStatus{Enabled: true, Mandatory: true}))
	assertContains(t, out, `<a href="/staff"`, `<a class="back-link" href="/security"`, `<a class="brand" href="/staff"`)
	assertLacks(t, out, html.EscapeString(i18n.Tl("en", "nav.setup_2fa")))
}

// TestLanguageOfferSaysTheRule: after a header choice that differs from
// the preferred language, the page says which language pages and mails
// use and offers one button to align mails.
func TestLanguageOfferSaysTheRule(t *testing.T) {
	t.Parallel()
	for _, l := range i18n.Supported {
		t.Run(l.Code, func(t *testing.T) {
			t.Parallel()
			p := views.Page{Locale: l.Code, User: customer, Path: "/account",
				LanguageOffer: &views.LanguageOffer{Code: l.Code, PagesName: "English", MailsName: "Français", ReturnPath: "/account?x=1"}}
			out := render(t, l.Code, views.StaffHomePage(p, views.DeskDashboard{}))
			assertContains(t, out,
				html.EscapeString(i18n.Tl(l.Code, "language.offer.now", "Pages", "English")),
				html.EscapeString(i18n.Tl(l.Code, "language.offer.mails", "Mails", "Français")),
				`action="/language/preferred"`, `name="lang" value="`+l.Code+`"`, `name="next" value="/account?x=1"`,
				html.EscapeString(i18n.Tl(l.Code, "language.offer.accept", "Pages", "English")))
		})
	}
	out := render(t, "en", views.StaffHomePage(views.Page{Locale: "en", User: customer}, views.DeskDashboard{}))
	assertLacks(t, out, `action="/language/preferred"`)
}

// TestSignInOffersAWayBackWithoutPassword: "Forgot your password?" leads
// to the emailed-code sign-in and says what happens next.
func TestSignInOffersAWayBackWithoutPassword(t *testing.T) {
	t.Parallel()
	for _, l := range i18n.Supported {
		out := render(t, l.Code, views.SignInPage(views.Page{Locale: l.Code}, views.SignInForm{}))
		assertContains(t, out, html.EscapeString(i18n.Tl(l.Code, "signin.forgot.question")),
			`<a href="/signin/code">`+html.EscapeString(i18n.Tl(l.Code, "signin.forgot.link"))+`</a>`)
	}
}
