//go:build e2e

package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// navRoles are the visitors whose navigation differs, with their home.
var navRoles = []struct{ role, home string }{
	{"", "/signin"}, {"customer", "/account"}, {"staff", "/staff"}, {"admin", "/admin"},
}

// headerShape measures the header bar: whether all its controls share one
// line, its inner height against its tallest control, and how the
// section menu shows.
type headerShape struct {
	OneLine       bool    `json:"oneLine"`
	Inner         float64 `json:"inner"`
	Tallest       float64 `json:"tallest"`
	Sections      int     `json:"sections"`
	SectionsShown int     `json:"sectionsShown"`
	ToggleShown   bool    `json:"toggleShown"`
}

const measureHeader = `(() => {
  const bar = document.querySelector('.site-header .header-bar');
  const items = [...bar.children].flatMap(c => c.classList.contains('header-tools') ? [...c.children] : [c]);
  const rects = items.map(e => e.getBoundingClientRect());
  const cs = getComputedStyle(bar);
  const links = [...document.querySelectorAll('.section-nav a')];
  const toggle = document.querySelector('.nav-menu__toggle');
  return {
    oneLine: Math.max(...rects.map(r => r.top)) < Math.min(...rects.map(r => r.bottom)),
    inner: bar.getBoundingClientRect().height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom),
    tallest: Math.max(...rects.map(r => r.height)),
    sections: links.length,
    sectionsShown: links.filter(a => a.checkVisibility() && a.getBoundingClientRect().width > 0).length,
    toggleShown: !!toggle && toggle.checkVisibility(),
  };
})()`

// TestHeaderOneRowAtDesktopWidth: at 1280 px the header is one row for
// every role in every language, and a signed-in user's sections are all
// shown at once, without a menu to open.
func TestHeaderOneRowAtDesktopWidth(t *testing.T) {
	p := startPortal(t, "")
	for _, who := range navRoles {
		t.Run("role="+who.role, func(t *testing.T) {
			ctx := newTab(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
				t.Fatal(err)
			}
			if who.role != "" {
				signIn(t, ctx, p.URL, p.login(t, who.role))
			} else {
				open(t, ctx, p.URL, who.home)
			}
			for _, lang := range []string{"en", "fr", "zh-CN"} {
				switchLanguage(t, ctx, lang)
				open(t, ctx, p.URL, who.home) // staff without 2FA land on enrolment: its header is the same
				got := evalJS[headerShape](t, ctx, measureHeader)
				if !got.OneLine || got.Inner > 1.5*got.Tallest {
					t.Errorf("%s: the header wraps at 1280 px: %.0f px high for controls %.0f px high", lang, got.Inner, got.Tallest)
				}
				if who.role != "" && (got.Sections == 0 || got.SectionsShown != got.Sections || got.ToggleShown) {
					t.Errorf("%s: %d of %d sections shown, menu toggle shown %v; want all shown, no toggle", lang, got.SectionsShown, got.Sections, got.ToggleShown)
				}
			}
			checkA11y(t, ctx, "1280 px "+who.role+" "+currentPath(t, ctx))
		})
	}
}

// scriptsOff switches the page's JavaScript off, so what follows proves
// the menu needs none. (The portal sends no script; this keeps it honest.)
func scriptsOff(t *testing.T, ctx context.Context, off bool) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: off})
		return err
	}))
	if err != nil {
		t.Fatalf("script execution disabled=%v: %v", off, err)
	}
}

// checkA11yScripted runs axe, which needs timers, with scripts back on
// for the check only; the page itself has no script to run.
func checkA11yScripted(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	scriptsOff(t, ctx, false)
	checkA11y(t, ctx, page)
	scriptsOff(t, ctx, true)
}

type menuState struct {
	Open      bool   `json:"open"`
	FirstLink bool   `json:"firstLink"` // the first section link is visible
	Focused   string `json:"focused"`   // href of the focused link, if any
	First     string `json:"first"`
}

const readMenu = `(() => {
  const m = document.querySelector('.nav-menu');
  const a = m.querySelector('a');
  return {open: m.open, firstLink: a.checkVisibility() && a.getBoundingClientRect().height > 0,
    focused: document.activeElement && document.activeElement.getAttribute('href') || '',
    first: a.getAttribute('href')};
})()`

// TestSectionMenuOnPhoneWithoutJS: at 360 px the sections fold into a
// "Menu" closed at first, which opens by keyboard and by click with
// JavaScript off, and whose links are then reachable.
func TestSectionMenuOnPhoneWithoutJS(t *testing.T) {
	p := startPortal(t, "")
	for _, who := range navRoles {
		t.Run("role="+who.role, func(t *testing.T) {
			ctx := newTab(t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 800, chromedp.EmulateMobile)); err != nil {
				t.Fatal(err)
			}
			if who.role == "" {
				open(t, ctx, p.URL, who.home)
				checkA11y(t, ctx, "360 px signed out "+who.home)
				return
			}
			signIn(t, ctx, p.URL, p.login(t, who.role))
			scriptsOff(t, ctx, true)
			open(t, ctx, p.URL, who.home)
			if got := evalJS[menuState](t, ctx, readMenu); got.Open || got.FirstLink {
				t.Fatalf("the menu is not collapsed at 360 px: %+v", got)
			}
			checkA11yScripted(t, ctx, "360 px "+who.role+" menu closed")

			// Keyboard: Enter on the toggle opens it; Tab reaches the first section.
			kb, cancel := step(ctx)
			err := chromedp.Do(kb, chromedp.Focus(chromedp.CSS(".nav-menu__toggle")), chromedp.KeyEvent("\r"))
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if got := evalJS[menuState](t, ctx, readMenu); !got.Open || !got.FirstLink {
				t.Fatalf("Enter did not open the menu: %+v", got)
			}
			kb, cancel = step(ctx)
			err = chromedp.Do(kb, chromedp.KeyEvent("\t"))
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if got := evalJS[menuState](t, ctx, readMenu); got.Focused != got.First {
				t.Errorf("Tab from the open menu focused %q, want the first section %q", got.Focused, got.First)
			}
			checkA11yScripted(t, ctx, "360 px "+who.role+" menu open")

			// Click: a fresh page, a tap on the toggle, a tap on the last section.
			open(t, ctx, p.URL, who.home)
			tap, cancel := step(ctx)
			err = chromedp.Do(tap, chromedp.Click(chromedp.CSS(".nav-menu__toggle")))
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if got := evalJS[menuState](t, ctx, readMenu); !got.Open || !got.FirstLink {
				t.Fatalf("a click did not open the menu: %+v", got)
			}
			// Staff who have not enrolled 2FA have one section, the set-up;
			// everyone else's last section is Security.
			last := "/security"
			if who.role != "customer" {
				last = enrol2FAPath
			}
			submit(t, ctx, "follow the last section", chromedp.Click(chromedp.CSS(`.nav-menu li:last-child a`)))
			if got := currentPath(t, ctx); got != last {
				t.Errorf("the last section led to %s, want %s", got, last)
			}
			scriptsOff(t, ctx, false)
		})
	}
}
