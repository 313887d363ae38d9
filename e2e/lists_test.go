//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// maxPurposesTop bounds where "How we use this, and why" may start on a
// full page of orders at 1280 px: as cards, 20 orders pushed it past
// 9,000 px; as table rows the section starts near 1,400.
const maxPurposesTop = 2500

// TestRecordListsAtDesktopWidth: a full page of orders at 1280 px is a
// compact table, so the purposes section stays within reach, and an
// order's items open in place without JavaScript; the photo gallery's
// facts are readable in every language.
func TestRecordListsAtDesktopWidth(t *testing.T) {
	p := startPortal(t, "")
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	// Items must open with no script at all (the portal sends none).
	scriptsOff(t, ctx, true)
	signIn(t, ctx, p.URL, p.login(t, "customer"))
	open(t, ctx, p.URL, "/account/data/orders")
	if n := len(orderNumbers(t, ctx)); n != dataPerPage {
		t.Fatalf("the orders page lists %d orders, want a full page of %d", n, dataPerPage)
	}
	top := evalJS[float64](t, ctx, `document.getElementById('purposes-title').getBoundingClientRect().top + window.scrollY`)
	if top > maxPurposesTop {
		t.Errorf("with %d orders, %q starts at %.0f px, want at most %d", dataPerPage, "How we use this, and why", top, maxPurposesTop)
	}

	type itemsState struct {
		Open      bool `json:"open"`
		Items     int  `json:"items"`
		ListShown bool `json:"listShown"`
	}
	const readFirst = `(() => {
	  const d = document.querySelector('main table.record-table tbody tr details.row-details');
	  const ul = d.querySelector('ul');
	  return {open: d.open, items: ul.children.length, listShown: ul.checkVisibility()};
	})()`
	if got := evalJS[itemsState](t, ctx, readFirst); got.Open || got.ListShown {
		t.Fatalf("the first order's items are shown before they are asked for: %+v", got)
	}
	click, cancel := step(ctx)
	defer cancel()
	if err := chromedp.Do(click, chromedp.Click(chromedp.CSS(`main table.record-table tbody tr details.row-details > summary`))); err != nil {
		t.Fatalf("open the first order's items: %v", err)
	}
	if got := evalJS[itemsState](t, ctx, readFirst); !got.Open || got.Items == 0 || !got.ListShown {
		t.Errorf("the first order's items did not open in place: %+v", got)
	}

	// In a gallery card, a value beside its term was squeezed to a word
	// per line; each must have at least half the card's width.
	for _, lang := range []string{"en", "fr", "zh-CN"} {
		switchLanguage(t, ctx, lang)
		open(t, ctx, p.URL, "/account/data/photos")
		type squeezed struct {
			Text  string  `json:"text"`
			Width float64 `json:"width"`
			List  float64 `json:"list"`
		}
		all := evalJS[[]squeezed](t, ctx, `[...document.querySelectorAll('main .photo-facts dd')].map(dd => ({
			text: dd.textContent.trim(), width: dd.getBoundingClientRect().width,
			list: dd.closest('dl').getBoundingClientRect().width,
		}))`)
		if len(all) == 0 {
			t.Fatalf("%s: the photos page shows no facts", lang)
		}
		for _, b := range all {
			if b.Width < b.List/2 {
				t.Errorf("%s /account/data/photos: %q is squeezed to %.0fpx of its list's %.0fpx", lang, b.Text, b.Width, b.List)
			}
		}
	}
}
