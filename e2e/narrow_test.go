//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/models"
)

// narrowLangs are the languages every page is checked in at 360 px.
var narrowLangs = []string{"en", "fr", "zh-CN"}

// narrowPage is one page to check on a phone; rowActions says it must
// show at least one link, button or toggle inside a table row, so the
// check that they are on screen cannot pass on an empty table.
type narrowPage struct {
	path       string
	rowActions bool
}

// narrowRole is everything one kind of visitor can open.
type narrowRole struct {
	role  string
	pages []narrowPage
	// setUp runs once the visitor is signed in, to give the pages rows
	// with actions; it may add pages only known then (a mail's own page).
	setUp func(t *testing.T, ctx context.Context, p *portal) []narrowPage
}

func narrowRoles() []narrowRole {
	return []narrowRole{
		{role: "", pages: []narrowPage{{path: "/signin"}, {path: "/signin/code"}}},
		{role: "customer", pages: []narrowPage{
			{path: "/account"}, {path: "/account/data"}, {path: "/account/data/profile"},
			{path: "/account/data/profile/edit"}, {path: "/account/data/profile/history"},
			{path: "/account/data/orders", rowActions: true}, {path: "/account/data/payments"},
			{path: "/account/data/photos"}, {path: "/account/data/contact"}, {path: "/account/data/surveys"},
			{path: "/account/data/logins"}, {path: "/account/policy"},
			{path: "/security"}, {path: "/security/sessions", rowActions: true}, {path: "/security/2fa"},
			{path: "/security/password"}, {path: "/security/email"}, {path: "/security/confirm"},
		}, setUp: func(t *testing.T, _ context.Context, p *portal) []narrowPage {
			// A second device, so the sessions page has one to sign out.
			other := newTab(t)
			signIn(t, other, p.URL, p.login(t, "customer"))
			wantPath(t, other, "/account")
			return nil
		}},
		{role: "staff", pages: []narrowPage{
			{path: "/staff"}, {path: "/security"}, {path: "/security/sessions"}, {path: "/security/2fa"},
		}},
		{role: "admin", pages: []narrowPage{
			{path: "/admin"}, {path: "/admin/staff", rowActions: true}, {path: "/admin/outbox", rowActions: true},
			{path: "/admin/jobs"}, {path: "/admin/jobs?status=dead", rowActions: true}, {path: "/admin/audit"},
			{path: "/security"},
		}, setUp: func(t *testing.T, ctx context.Context, p *portal) []narrowPage {
			// A failed job, so the jobs page shows a retry button.
			dead := models.Job{Kind: "mail.deliver", Status: models.JobDead, RunAt: time.Now(), Attempts: 10, MaxAttempts: 10,
				LastError: "dial tcp 127.0.0.1:25: connect: connection refused"}
			if err := p.srv.DB().Create(&dead).Error; err != nil {
				t.Fatal(err)
			}
			// A mail in the outbox, and its own page.
			open(t, ctx, p.URL, "/admin/outbox")
			fill(t, ctx, "/admin/outbox/test", "to", "a-rather-long-mailbox-name@photolab.example.com")
			submitForm(t, ctx, "/admin/outbox/test")
			open(t, ctx, p.URL, "/admin/outbox")
			href := evalJS[string](t, ctx, `(document.querySelector('main table a[href^="/admin/outbox/"]') || {}).pathname || ''`)
			if href == "" {
				t.Fatal("the outbox lists no mail after sending a test message")
			}
			return []narrowPage{{path: href}}
		}},
	}
}

// signInWithTOTP signs a staff member or admin in with a TOTP secret set
// in the database, as if set-up had been done: otherwise every page sends
// them to the set-up page.
func signInWithTOTP(t *testing.T, ctx context.Context, p *portal, role, secret string) {
	t.Helper()
	l := p.login(t, role)
	if err := p.srv.DB().WithContext(t.Context()).Model(&models.User{}).Where("email = ?", strings.ToLower(l.Email)).
		Updates(map[string]any{"totp_secret": secret, "totp_enabled_at": time.Now()}).Error; err != nil {
		t.Fatalf("give the %s a TOTP secret: %v", role, err)
	}
	signIn(t, ctx, p.URL, l)
	if status := passSecondFactor(t, ctx, totpCode(t, secret, time.Now())); status != 200 {
		t.Fatalf("%s second factor: status %d", role, status)
	}
}

// narrowLayout is what a page looks like on the phone: its scrolling
// width against the screen, and the controls inside table rows that
// reach outside the screen.
type narrowLayout struct {
	ScrollWidth int `json:"scrollWidth"`
	ClientWidth int `json:"clientWidth"`
	RowControls int `json:"rowControls"`
	Offscreen   []struct {
		Text  string  `json:"text"`
		Left  float64 `json:"left"`
		Right float64 `json:"right"`
	} `json:"offscreen"`
}

// measureNarrow counts the links, buttons and toggles in table rows that
// are shown (a closed <details> hides its content) and lists those not
// wholly inside the viewport.
const measureNarrow = `(() => {
  const se = document.scrollingElement;
  const vw = document.documentElement.clientWidth;
  let rowControls = 0;
  const offscreen = [];
  for (const el of document.querySelectorAll('main table tbody tr :is(a, button, summary, input, select)')) {
    if (!el.checkVisibility()) continue;
    const r = el.getBoundingClientRect();
    rowControls++;
    if (r.left < 0 || r.right > vw + 0.5) {
      offscreen.push({text: (el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 60), left: r.left, right: r.right});
    }
  }
  return {scrollWidth: se.scrollWidth, clientWidth: se.clientWidth, rowControls, offscreen};
})()`

func checkNarrowLayout(t *testing.T, ctx context.Context, what string, pg narrowPage) {
	t.Helper()
	got := evalJS[narrowLayout](t, ctx, measureNarrow)
	if got.ScrollWidth > got.ClientWidth {
		t.Errorf("%s at 360 px: the page scrolls sideways (%d px wide for %d)", what, got.ScrollWidth, got.ClientWidth)
	}
	for _, o := range got.Offscreen {
		t.Errorf("%s at 360 px: %q in a table row is outside the screen (%.0f to %.0f px)", what, o.Text, o.Left, o.Right)
	}
	if pg.rowActions && got.RowControls == 0 {
		t.Errorf("%s at 360 px: no link or button in any table row, want some to check", what)
	}
}

// TestNarrowScreens opens every page of every role on a 360-pixel-wide
// phone screen in three languages: no page may scroll sideways, every
// control in a table row must be on screen, and axe must find nothing.
// One tab per role, signed in once, keeps it to a few minutes.
func TestNarrowScreens(t *testing.T) {
	p := startPortal(t, "")
	secrets := map[string]string{"staff": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXQ", "admin": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}
	for _, r := range narrowRoles() {
		name := r.role
		if name == "" {
			name = "visitor"
		}
		t.Run(name, func(t *testing.T) {
			ctx := newTab(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile)); err != nil {
				t.Fatal(err)
			}
			switch r.role {
			case "":
				open(t, ctx, p.URL, "/signin")
			case "customer":
				signIn(t, ctx, p.URL, p.login(t, r.role))
			default:
				signInWithTOTP(t, ctx, p, r.role, secrets[r.role])
			}
			pages := r.pages
			if r.setUp != nil {
				pages = append(pages, r.setUp(t, ctx, p)...)
			}
			for _, lang := range narrowLangs {
				t.Run(lang, func(t *testing.T) {
					// A signed-in user's own language wins over the cookie:
					// the switcher sets both.
					switchLanguage(t, ctx, lang)
					for _, pg := range pages {
						open(t, ctx, p.URL, pg.path)
						if got := evalJS[string](t, ctx, `document.documentElement.lang`); got != lang {
							t.Fatalf("%s is in %q, want %s", pg.path, got, lang)
						}
						what := lang + " " + pg.path
						checkNarrowLayout(t, ctx, what, pg)
						checkA11y(t, ctx, what+" at 360 px")
					}
				})
			}
		})
	}
}
