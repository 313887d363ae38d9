package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/handlers"
	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

var linkRe = regexp.MustCompile(`<a [^>]*href="([^"]*)"`)

// signInByCode signs in as a person would without a password: ask for a
// code, read it from the mail, enter it. It returns where that led.
func signInByCode(t *testing.T, p *portal, c *http.Client, email string) string {
	t.Helper()
	if res := p.post(t, c, "/signin/code", url.Values{"email": {email}}); res.StatusCode != see {
		t.Fatalf("ask for a code: %d", res.StatusCode)
	}
	runJobs(t, p)
	m := lastMail(t, p, strings.ToLower(email), "email_code")
	if m == nil {
		t.Fatalf("no code mailed to %s", email)
	}
	res := p.post(t, c, "/signin/code/enter", url.Values{"code": {sixDigits.FindString(m.TextBody)}})
	if res.StatusCode != see {
		t.Fatalf("enter the code: %d", res.StatusCode)
	}
	return res.Header.Get("Location")
}

// pageLinks are the page's links to other pages: in-page anchors and
// stylesheets are not places a person goes.
func pageLinks(body string) []string {
	var out []string
	for _, m := range linkRe.FindAllStringSubmatch(body, -1) {
		if href := html.UnescapeString(m[1]); !strings.HasPrefix(href, "#") {
			out = append(out, href)
		}
	}
	return out
}

// TestForcedTwoFactorSetUpEndsOnTheRolesHome: a fresh staff member and a
// fresh admin, signed in by emailed code, see the requirement once, find
// no link that leads elsewhere than the set-up, and once their recovery
// codes are saved land on their own home with a success message.
func TestForcedTwoFactorSetUpEndsOnTheRolesHome(t *testing.T) {
	eachDB(t, testForcedSetUp)
}

func testForcedSetUp(t *testing.T, p *portal) {
	cases := []struct {
		role models.Role
		home string
	}{
		{models.RoleStaff, "/staff"},
		{models.RoleAdmin, "/admin"},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			email := "fresh-" + string(tc.role) + "@example.com"
			if _, err := p.handlers.Accounts.CreateStaff(t.Context(), actor.SystemActor(), email, "Fresh "+string(tc.role), tc.role, "en"); err != nil {
				t.Fatal(err)
			}
			c := p.client(t)
			if to := signInByCode(t, p, c, email); to != "/security/2fa" {
				t.Fatalf("signed in, sent to %q, want the set-up", to)
			}
			_, body := p.get(t, c, "/security/2fa")
			notice := html.EscapeString(i18n.Tl("en", "totp.mandatory"))
			if n := strings.Count(body, notice); n != 1 {
				t.Errorf("the requirement is said %d times, want once", n)
			}
			if !strings.Contains(body, `action="/signout"`) {
				t.Error("no way to sign out during set-up")
			}
			links := pageLinks(body)
			if len(links) == 0 {
				t.Fatal("the set-up page has no link at all")
			}
			for _, href := range links {
				if strings.HasPrefix(href, "/assets/") {
					continue
				}
				if !strings.HasPrefix(href, "/security/2fa") {
					t.Errorf("link to %s during set-up", href)
					continue
				}
				// A link to the set-up must open it, not bounce.
				if res, _ := p.get(t, c, href); res.StatusCode != ok {
					t.Errorf("link %s answered %d %q", href, res.StatusCode, res.Header.Get("Location"))
				}
			}
			// The home still sends back to the set-up, whose error pages
			// point back to it too.
			if res, _ := p.get(t, c, tc.home); res.StatusCode != see || res.Header.Get("Location") != "/security/2fa" {
				t.Fatalf("home before enrolment: %d %q", res.StatusCode, res.Header.Get("Location"))
			}
			_, missing := p.get(t, c, "/no-such-page")
			for _, href := range pageLinks(missing) {
				if !strings.HasPrefix(href, "/security/2fa") && !strings.HasPrefix(href, "/assets/") {
					t.Errorf("the 404 page links to %s during set-up", href)
				}
			}

			_, codes, _ := enrolTOTP(t, p, c)
			if len(codes) != 10 {
				t.Fatalf("%d recovery codes", len(codes))
			}
			res := p.post(t, c, "/security/2fa/recovery-codes/saved", url.Values{"enrolled": {"1"}})
			if res.StatusCode != see || res.Header.Get("Location") != tc.home {
				t.Fatalf("after saving the codes: %d %q, want %s", res.StatusCode, res.Header.Get("Location"), tc.home)
			}
			res, body = p.get(t, c, tc.home)
			if res.StatusCode != ok || !strings.Contains(body, html.EscapeString(i18n.Tl("en", "recovery.saved"))) {
				t.Fatalf("home after enrolment: %d, success message shown = %v", res.StatusCode, strings.Contains(body, html.EscapeString(i18n.Tl("en", "recovery.saved"))))
			}
		})
	}
}

// TestCustomerEnrolmentReturnsToSecurity: a customer who turns two-factor
// on of their own accord goes back to the security overview.
func TestCustomerEnrolmentReturnsToSecurity(t *testing.T) {
	p := startPortal(t, "", nil)
	c := p.signedIn(t, "customer")
	enrolTOTP(t, p, c)
	res := p.post(t, c, "/security/2fa/recovery-codes/saved", url.Values{"enrolled": {"1"}})
	if res.StatusCode != see || res.Header.Get("Location") != "/security" {
		t.Fatalf("after saving the codes: %d %q, want /security", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestPasswordWordsFollowTheAccount: an account that has a password is
// told "Change your password" even when an emailed code spared it the
// current one; one without is told "Set a password".
func TestPasswordWordsFollowTheAccount(t *testing.T) {
	p := startPortal(t, "", nil)
	withPassword := browsingIn(t, p, "en")
	signInByCode(t, p, withPassword, p.logins["customer"].Email)
	_, body := p.get(t, withPassword, "/security/password")
	change, set := html.EscapeString(i18n.Tl("en", "password.heading_change")), html.EscapeString(i18n.Tl("en", "password.heading_set"))
	if !strings.Contains(body, change) || strings.Contains(body, set) {
		t.Errorf("signed in by code with a password: change shown %v, set shown %v", strings.Contains(body, change), strings.Contains(body, set))
	}
	p.DB().Model(&models.User{}).Where("email = ?", strings.ToLower(p.logins["customer"].Email)).Update("password_hash", "")
	without := browsingIn(t, p, "en")
	signInByCode(t, p, without, p.logins["customer"].Email)
	_, body = p.get(t, without, "/security/password")
	if strings.Contains(body, change) || !strings.Contains(body, set) {
		t.Errorf("no password: change shown %v, set shown %v", strings.Contains(body, change), strings.Contains(body, set))
	}
}

// preferFrench makes the demo customer's preferred language French, on
// the account and on a saved profile, as a French customer's would be.
func preferFrench(t *testing.T, p *portal) *models.User {
	t.Helper()
	var u models.User
	if err := p.DB().Where("email = ?", strings.ToLower(p.logins["customer"].Email)).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	p.DB().Model(&models.User{}).Where("id = ?", u.ID).Update("locale", "fr")
	now := time.Now()
	pr := models.Profile{UserID: u.ID, FirstName: "Ada", PreferredLanguage: "fr", Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := p.DB().Where("user_id = ?", u.ID).Assign(map[string]any{"preferred_language": "fr"}).FirstOrCreate(&pr).Error; err != nil {
		t.Fatal(err)
	}
	return &u
}

// browsingIn is a client whose language cookie says lang, as after a
// choice in the header before signing in.
func browsingIn(t *testing.T, p *portal, lang string) *http.Client {
	t.Helper()
	c := p.client(t)
	if res := p.post(t, c, "/language", url.Values{"lang": {lang}, "next": {"/signin"}}); res.StatusCode != see {
		t.Fatalf("choose %s: %d", lang, res.StatusCode)
	}
	return c
}

func signInWithPassword(t *testing.T, p *portal, c *http.Client) {
	t.Helper()
	l := p.logins["customer"]
	if res := p.post(t, c, "/signin", url.Values{"email": {l.Email}, "password": {l.Password}}); res.StatusCode != see {
		t.Fatalf("sign in: %d", res.StatusCode)
	}
}

// TestLanguageAtSignIn: the browser's current choice wins for pages at
// sign-in; without one, the preferred language is used.
func TestLanguageAtSignIn(t *testing.T) {
	p := startPortal(t, "", nil)
	preferFrench(t, p)
	cases := []struct {
		name, cookie, want string
	}{
		{"browsing in English", "en", `lang="en"`},
		{"browsing in Chinese", "zh-CN", `lang="zh-CN"`},
		{"no choice made", "", `lang="fr"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := p.client(t)
			if tc.cookie != "" {
				c = browsingIn(t, p, tc.cookie)
			}
			signInWithPassword(t, p, c)
			if _, body := p.get(t, c, "/account"); !strings.Contains(body, tc.want) {
				t.Errorf("after sign-in the page lacks %s", tc.want)
			}
		})
	}
}

// TestLanguageOfferChangesThePreferredLanguage: a header choice applies
// to pages only and is offered for mails; accepting sets the account's
// and the profile's language, audited, and the next mail follows it.
func TestLanguageOfferChangesThePreferredLanguage(t *testing.T) {
	eachDB(t, testLanguageOffer)
}

func testLanguageOffer(t *testing.T, p *portal) {
	u := preferFrench(t, p)
	c := browsingIn(t, p, "fr")
	signInWithPassword(t, p, c)

	res := p.post(t, c, "/language", url.Values{"lang": {"en"}, "next": {"/account"}})
	if res.StatusCode != see || res.Header.Get("Location") != "/account" {
		t.Fatalf("switch: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	var stored models.User
	p.DB().Where("id = ?", u.ID).Take(&stored)
	if stored.Locale != "fr" {
		t.Fatalf("the header choice changed the preferred language to %q", stored.Locale)
	}
	_, body := p.get(t, c, "/account")
	offer := html.EscapeString(i18n.Tl("en", "language.offer.mails", "Mails", "Français"))
	if !strings.Contains(body, `lang="en"`) || !strings.Contains(body, offer) || !strings.Contains(body, `action="/language/preferred"`) {
		t.Fatalf("after switching to English: English page %v, offer shown %v", strings.Contains(body, `lang="en"`), strings.Contains(body, offer))
	}
	// Said once: the next page does not repeat it.
	if _, again := p.get(t, c, "/account"); strings.Contains(again, `action="/language/preferred"`) {
		t.Error("the offer shows again on the next page")
	}

	res = p.post(t, c, "/language/preferred", url.Values{"lang": {"en"}, "next": {"/account"}})
	if res.StatusCode != see || res.Header.Get("Location") != "/account" {
		t.Fatalf("accept: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	p.DB().Where("id = ?", u.ID).Take(&stored)
	var pr models.Profile
	p.DB().Where("user_id = ?", u.ID).Take(&pr)
	if stored.Locale != "en" || pr.PreferredLanguage != "en" {
		t.Fatalf("after accepting: users.locale %q, profile %q, want en and en", stored.Locale, pr.PreferredLanguage)
	}
	var audited int64
	p.DB().Model(&models.AuditEntry{}).Where("action = ? AND target_id = ?", "account.locale_changed", strconv.FormatInt(u.ID, 10)).Count(&audited)
	if audited != 1 {
		t.Errorf("%d audit entries for the change, want 1", audited)
	}
	var history int64
	p.DB().Model(&models.ProfileChange{}).Where("user_id = ? AND field = ? AND new_value = ?", u.ID, "preferred_language", "en").Count(&history)
	if history != 1 {
		t.Errorf("%d profile history rows for the change, want 1", history)
	}

	// Mails follow the preferred language, not the page: a French page
	// now, an English mail.
	fr := browsingIn(t, p, "fr")
	p.post(t, fr, "/signin/code", url.Values{"email": {p.logins["customer"].Email}})
	runJobs(t, p)
	if m := lastMail(t, p, strings.ToLower(p.logins["customer"].Email), "email_code"); m == nil || m.Locale != "en" {
		t.Fatalf("sign-in mail after accepting: %+v, want locale en", m)
	}
}

// TestSetupNavigationStaysReachable: the menu shown while two-factor
// set-up is required links only to GET routes open before enrolment, so
// none of its links bounces back.
func TestSetupNavigationStaysReachable(t *testing.T) {
	t.Parallel()
	before := map[string]bool{}
	for _, rt := range (&handlers.Handler{}).Routes() {
		if rt.Method == "GET" && rt.Before2FA {
			before[rt.Pattern] = true
		}
	}
	items := views.SetupNavigation()
	if len(items) == 0 {
		t.Fatal("the set-up menu is empty")
	}
	for _, it := range items {
		if !before[it.Path] {
			t.Errorf("set-up menu links to %s, which is not open before enrolment", it.Path)
		}
	}
}
