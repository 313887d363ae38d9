//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestNarrowScreens opens the main pages on a 360-pixel-wide phone screen:
// nothing may make the whole page scroll sideways (wide tables scroll
// inside their own region instead).
func TestNarrowScreens(t *testing.T) {
	p := startPortal(t, "")
	for _, who := range []struct {
		role  string
		paths []string
	}{
		{"", []string{"/signin", "/signin/code"}},
		{"customer", []string{"/account", "/account/data", "/account/data/profile", "/account/data/profile/edit",
			"/account/data/orders", "/account/data/payments", "/account/data/photos", "/account/data/contact",
			"/account/data/logins", "/account/policy", "/security", "/security/sessions", "/security/2fa"}},
	} {
		ctx := newTab(t)
		if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile)); err != nil {
			t.Fatal(err)
		}
		if who.role != "" {
			signIn(t, ctx, p.URL, p.login(t, who.role))
		}
		for _, path := range who.paths {
			open(t, ctx, p.URL, path)
			overflow := evalJS[int](t, ctx, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
			if overflow > 0 {
				t.Errorf("%s at 360 px: the page is %d px wider than the screen", path, overflow)
			}
		}
	}
}
