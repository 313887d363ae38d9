//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// visibleLinks are the hrefs of the links a person can see and follow on
// the page: in-page anchors (the skip link) are left out.
const visibleLinks = `[...new Set([...document.querySelectorAll('a[href]')]
	.filter(a => a.getClientRects().length > 0 && getComputedStyle(a).visibility !== 'hidden')
	.map(a => a.getAttribute('href'))
	.filter(h => !h.startsWith('#')))]`

// signInWithCode signs in from the sign-in page's emailed-code path, as a
// person without a password would.
func signInWithCode(t *testing.T, ctx context.Context, p *portal, email string) {
	t.Helper()
	open(t, ctx, p.URL, "/signin")
	submit(t, ctx, "follow the emailed-code link", chromedp.Click(chromedp.CSS(`main a[href="/signin/code"]`)))
	fill(t, ctx, "/signin/code", "email", email)
	if status := submitForm(t, ctx, "/signin/code"); status != http.StatusOK {
		t.Fatalf("request a code: status %d", status)
	}
	fill(t, ctx, "/signin/code/enter", "code", emailedCode(t, p, email))
	if status := submitForm(t, ctx, "/signin/code/enter"); status != http.StatusOK {
		t.Fatalf("enter the code: status %d", status)
	}
}

// TestForcedTwoFactorJourneyEndsOnTheRolesHome: a fresh staff member and
// a fresh admin sign in with an emailed code, read the requirement once,
// find that every link they can see leads to the set-up (sign-out is a
// button), enrol with codes computed from the secret shown, save their
// recovery codes and land on their own home.
func TestForcedTwoFactorJourneyEndsOnTheRolesHome(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		for _, tc := range []struct {
			role models.Role
			home string
		}{
			{models.RoleStaff, "/staff"},
			{models.RoleAdmin, "/admin"},
		} {
			t.Run(string(tc.role), func(t *testing.T) {
				email := "fresh-" + string(tc.role) + "@example.com"
				u := models.User{Email: email, Name: "Fresh " + string(tc.role), Role: tc.role, Locale: "en"}
				if err := p.srv.DB().WithContext(t.Context()).Create(&u).Error; err != nil {
					t.Fatal(err)
				}
				ctx := newTab(t)
				signInWithCode(t, ctx, p, email)
				wantPath(t, ctx, enrol2FAPath)

				notice := i18n.Tl("en", "totp.mandatory")
				if n := evaluate[int](t, ctx, fmt.Sprintf(`document.body.innerText.split(%s).length - 1`, jsString(notice))); n != 1 {
					t.Errorf("the requirement is said %d times, want once", n)
				}
				if n := evaluate[int](t, ctx, `document.querySelectorAll('form[action="/signout"] button').length`); n != 1 {
					t.Errorf("%d sign-out buttons during set-up, want 1", n)
				}
				links := evaluate[[]string](t, ctx, visibleLinks)
				if len(links) == 0 {
					t.Fatal("the set-up page shows no link at all")
				}
				for _, href := range links {
					// Following it must answer 200 on the set-up: no redirect
					// loop, no page that sends straight back.
					submit(t, ctx, "follow "+href, chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href=%q]`, href))))
					got := currentPath(t, ctx)
					switch {
					case got != strings.SplitN(href, "?", 2)[0]:
						t.Errorf("the link %s bounced to %s during set-up", href, got)
					case !strings.HasPrefix(got, enrol2FAPath):
						t.Errorf("the link %s led away from the set-up, to %s", href, got)
					}
					open(t, ctx, p.URL, enrol2FAPath)
				}

				enrolTOTP(t, ctx, nil)
				if status := submitForm(t, ctx, "/security/2fa/recovery-codes/saved"); status != http.StatusOK {
					t.Fatalf("I have saved them: status %d", status)
				}
				wantPath(t, ctx, tc.home)
				if got := text(t, ctx, ".flash--success"); !strings.Contains(got, i18n.Tl("en", "recovery.saved")) {
					t.Errorf("home after enrolment says %q, want the success message", got)
				}
				// Enrolled, the role's own sections are back and open.
				if n := evaluate[int](t, ctx, fmt.Sprintf(`document.querySelectorAll('.section-nav a[href=%s]').length`, jsString(tc.home))); n != 1 {
					t.Errorf("the menu lacks the home %s after enrolment", tc.home)
				}
			})
		}
	})
}
