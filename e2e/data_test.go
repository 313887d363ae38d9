//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/models"
)

// profileEditAction is where the profile form posts.
const profileEditAction = "/account/data/profile/edit"

// demoPhoneShown is the phone the demo seeds for the demo customer
// (+33600000012 in E.164) as pages show it: grouped as France writes it.
const demoPhoneShown = "+33 6 00 00 00 12"

// profileControl is the input or select called name in the profile form.
func profileControl(name string) string {
	return `form[action="` + profileEditAction + `"] [name="` + name + `"]`
}

// jsString quotes s for a script.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// evalJS runs a script in the page the tab shows and returns its value.
func evalJS[T any](t *testing.T, ctx context.Context, script string) T {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", script, err)
	}
	return v
}

// typeIn replaces what the control sel holds by value, typed key by key.
// The value property is emptied first by script: chromedp.Clear only
// resets the attribute, which a control typed into no longer follows, and
// chromedp.SetValue refuses to set an empty value.
func typeIn(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	if !evalJS[bool](t, ctx, `(() => { const e = document.querySelector(`+jsString(sel)+`); if (!e) return false; e.value = ''; return true; })()`) {
		t.Fatalf("type %q into %s: no such control", value, sel)
	}
	ctx, cancel := step(ctx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("type %q into %s: %v", value, sel, err)
	}
	if got := controlValue(t, ctx, sel); got != value {
		t.Fatalf("typed %q into %s, it holds %q", value, sel, got)
	}
}

// choose picks the option with value in the select sel.
func choose(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("choose %q in %s: %v", value, sel, err)
	}
	if got := evalJS[string](t, ctx, `document.querySelector(`+jsString(sel)+`).value`); got != value {
		t.Fatalf("%s has no option %q (value is %q)", sel, value, got)
	}
}

// controlValue is the current value of the control sel, as the browser
// would submit it.
func controlValue(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	return evalJS[string](t, ctx, `(() => { const e = document.querySelector(`+jsString(sel)+`); return e ? e.value : '<missing>'; })()`)
}

// follow clicks the element sel (a link) and waits for the page it leads
// to, which must answer 200.
func follow(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	submit(t, ctx, "follow "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// saveProfile clicks the profile form's submit button and returns the
// status of the page it leads to (after redirects), whatever it is.
func saveProfile(t *testing.T, ctx context.Context) int {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="`+profileEditAction+`"] [type="submit"]`)))
	if err != nil {
		t.Fatalf("save the profile form: %v", err)
	}
	return int(resp.Status)
}

func countOf(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	return evalJS[int](t, ctx, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

// sameContextTab opens a second tab in the browser context of ctx: it
// shares ctx's cookies, hence its session, as a second tab of one browser
// window would. Script errors in it fail the test like in newTab's tabs.
func sameContextTab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tabCtx, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("open a second tab: %v", err)
	}
	if chromedp.FromContext(tabCtx).BrowserContextID != chromedp.FromContext(ctx).BrowserContextID {
		t.Fatal("the second tab is not in the first tab's browser context")
	}
	problems := watchPage(t, tabCtx)
	t.Cleanup(func() {
		for _, p := range problems.list() {
			t.Errorf("browser reported (second tab): %s", p)
		}
	})
	return tabCtx
}

// screenshotOnSQLite saves a screenshot on the SQLite run only: one set
// is enough, and the SQLite run always happens.
func screenshotOnSQLite(t *testing.T, ctx context.Context, p *portal, name string) {
	t.Helper()
	if models.DialectOf(p.DatabaseURL) == models.SQLite {
		saveScreenshot(t, ctx, name)
	}
}

var pageNumbers = regexp.MustCompile(`\d+`)

// pageIndicator reads "Page N of M" (in any language) off the pagination.
func pageIndicator(t *testing.T, ctx context.Context) (page, total int) {
	t.Helper()
	s := text(t, ctx, `nav.pagination [aria-current="page"]`)
	n := pageNumbers.FindAllString(s, -1)
	if len(n) != 2 {
		t.Fatalf("page indicator %q does not read as page N of M", s)
	}
	page, _ = strconv.Atoi(n[0])
	total, _ = strconv.Atoi(n[1])
	return page, total
}

// orderNumbers lists the order numbers on the orders page, in order.
func orderNumbers(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return evalJS[[]string](t, ctx, `[...document.querySelectorAll('table.record-table tbody th[scope=row]')].map(e => e.textContent.trim())`)
}

// profileFact is the value shown for a profile field on
// /account/data/profile, without the "something is wrong" link beside it.
func profileFact(t *testing.T, ctx context.Context, n int) string {
	t.Helper()
	return evalJS[string](t, ctx, `(() => {
		const d = document.querySelectorAll('main dl.facts')[0].querySelectorAll('dd')[`+strconv.Itoa(n)+`];
		if (!d) return '';
		const c = d.cloneNode(true);
		c.querySelectorAll('a.dd-link').forEach(a => a.remove());
		return c.textContent.trim();
	})()`)
}

// Positions of the facts on /account/data/profile: email, first name,
// last name, phone, ...
const (
	factFirstName = 1
	factPhone     = 3
)

func TestProfileAndOrdersJourney(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		ctx := newTab(t)
		signIn(t, ctx, p.URL, p.login(t, "customer"))
		wantPath(t, ctx, "/account")
		// The demo customer's own language is French; the screenshots are
		// in English like the others.
		switchLanguage(t, ctx, "en")
		wantPath(t, ctx, "/account")

		follow(t, ctx, `main a[href="/account/data"]`)
		wantPath(t, ctx, "/account/data")
		screenshotOnSQLite(t, ctx, p, "data-overview.png")
		follow(t, ctx, `main .cards a[href="/account/data/profile"]`)
		wantPath(t, ctx, "/account/data/profile")
		if got := profileFact(t, ctx, factPhone); got != demoPhoneShown {
			t.Fatalf("profile shows phone %q before any edit, want the demo's %s", got, demoPhoneShown)
		}
		follow(t, ctx, `main a[href="/account/data/profile/edit"]`)
		wantPath(t, ctx, profileEditAction)

		// A postal code France does not use, and a new phone typed the
		// French way.
		const badPostal, newPhone = "ABC", "06 98 76 54 32"
		choose(t, ctx, profileControl("billing.country"), "FR")
		typeIn(t, ctx, profileControl("billing.postal_code"), badPostal)
		typeIn(t, ctx, profileControl("phone"), newPhone)
		if status := saveProfile(t, ctx); status != http.StatusUnprocessableEntity {
			t.Fatalf("saving a bad postal code answered %d, want %d", status, http.StatusUnprocessableEntity)
		}
		wantPath(t, ctx, profileEditAction)
		type fieldState struct {
			Invalid     string   `json:"invalid"`
			DescribedBy bool     `json:"describedBy"`
			Error       string   `json:"error"`
			AllInvalid  []string `json:"allInvalid"`
		}
		st := evalJS[fieldState](t, ctx, `(() => {
			const i = document.querySelector(`+jsString(profileControl("billing.postal_code"))+`);
			const e = i.closest('.field').querySelector('.field-error');
			return {
				invalid: i.getAttribute('aria-invalid') || '',
				describedBy: !!e && (i.getAttribute('aria-describedby') || '').split(/\s+/).includes(e.id),
				error: e ? e.textContent.trim() : '',
				allInvalid: [...document.querySelectorAll('[aria-invalid="true"]')].map(x => x.name),
			};
		})()`)
		if st.Invalid != "true" {
			t.Errorf("the postal code input has aria-invalid=%q, want true", st.Invalid)
		}
		if st.Error == "" || !st.DescribedBy {
			t.Errorf("no error next to the postal code bound to it by aria-describedby (error %q, bound %v)", st.Error, st.DescribedBy)
		}
		// The message names the field and shows how France writes its codes.
		if !strings.Contains(st.Error, "75011") || !strings.Contains(st.Error, "billing address") {
			t.Errorf("postal code error %q does not name the field or give France's example", st.Error)
		}
		if !slices.Equal(st.AllInvalid, []string{"billing.postal_code"}) {
			t.Errorf("fields marked invalid: %q, want only billing.postal_code", st.AllInvalid)
		}
		if got := controlValue(t, ctx, profileControl("billing.postal_code")); got != badPostal {
			t.Errorf("postal code input holds %q after the error, want what was typed, %q", got, badPostal)
		}
		if got := controlValue(t, ctx, profileControl("phone")); got != newPhone {
			t.Errorf("phone input holds %q after the error, want what was typed, %q", got, newPhone)
		}
		if got := controlValue(t, ctx, profileControl("billing.country")); got != "FR" {
			t.Errorf("billing country holds %q after the error, want FR", got)
		}
		if t.Failed() {
			t.FailNow()
		}

		typeIn(t, ctx, profileControl("billing.postal_code"), "69002")
		if status := saveProfile(t, ctx); status != http.StatusOK {
			t.Fatalf("saving the corrected form answered %d", status)
		}
		wantPath(t, ctx, "/account/data/profile")
		if n := countOf(t, ctx, `.flashes .flash--success`); n != 1 {
			t.Errorf("%d success messages after saving, want 1", n)
		}
		if got := profileFact(t, ctx, factPhone); got != "+33 6 98 76 54 32" {
			t.Errorf("profile shows phone %q after saving %q, want +33 6 98 76 54 32", got, newPhone)
		}
		// Saving other fields keeps the language chosen with the switcher
		// (the profile's preferred language is French).
		if got := evalJS[string](t, ctx, `document.documentElement.lang`); got != "en" {
			t.Errorf("page language after saving the profile = %q, want en", got)
		}

		follow(t, ctx, `main a[href="/account/data/profile/history"]`)
		wantPath(t, ctx, "/account/data/profile/history")
		// Columns: when, what (a th), from, to, by.
		changes := evalJS[[][]string](t, ctx, `[...document.querySelectorAll('main table tbody tr')].map(r => [...r.children].map(c => c.textContent.trim()))`)
		found := false
		for _, c := range changes {
			if len(c) == 5 && c[2] == demoPhoneShown && c[3] == "+33 6 98 76 54 32" {
				found = true
			}
		}
		if !found {
			t.Errorf("change history does not list the phone change %s → +33 6 98 76 54 32; rows: %q", demoPhoneShown, changes)
		}

		// Orders, reached from the overview, paged with the pagination links.
		follow(t, ctx, `nav.breadcrumb a[href="/account/data"]`)
		follow(t, ctx, `main .cards a[href="/account/data/orders"]`)
		wantPath(t, ctx, "/account/data/orders")
		screenshotOnSQLite(t, ctx, p, "orders.png")
		seen := map[string]int{}
		page1 := orderNumbers(t, ctx)
		if len(page1) != dataPerPage {
			t.Fatalf("orders page 1 lists %d orders, want %d", len(page1), dataPerPage)
		}
		cur, pages := pageIndicator(t, ctx)
		if cur != 1 {
			t.Fatalf("orders page 1 says it is page %d", cur)
		}
		if n := countOf(t, ctx, `nav.pagination a[rel="prev"]`); n != 0 {
			t.Errorf("page 1 has a previous link")
		}
		for _, n := range page1 {
			seen[n] = 1
		}
		prev := page1
		for want := 2; want <= pages; want++ {
			follow(t, ctx, `nav.pagination a[rel="next"]`)
			got, gotPages := pageIndicator(t, ctx)
			if got != want || gotPages != pages {
				t.Fatalf("after %d clicks on next the indicator says page %d of %d, want %d of %d", want-1, got, gotPages, want, pages)
			}
			if q := currentQuery(t, ctx); q != "page="+strconv.Itoa(want) {
				t.Errorf("page %d is at ?%s", want, q)
			}
			numbers := orderNumbers(t, ctx)
			if len(numbers) == 0 || slices.Equal(numbers, prev) {
				t.Fatalf("page %d shows the same orders as page %d: %q", want, want-1, numbers)
			}
			for _, n := range numbers {
				if at, dup := seen[n]; dup {
					t.Fatalf("order %s is on page %d and on page %d", n, at, want)
				}
				seen[n] = want
			}
			if want < pages && len(numbers) != dataPerPage {
				t.Errorf("page %d of %d lists %d orders, want %d", want, pages, len(numbers), dataPerPage)
			}
			if n := countOf(t, ctx, `nav.pagination a[rel="prev"]`); n != 1 {
				t.Errorf("page %d has %d previous links, want 1", want, n)
			}
			prev = numbers
		}
		// The last page was reached by following "next": there it ends.
		if n := countOf(t, ctx, `nav.pagination a[rel="next"]`); n != 0 {
			t.Errorf("the last page (%d) still has a next link", pages)
		}
		total := p.ordersOf(t, p.login(t, "customer").Email)
		if int64(len(seen)) != total {
			t.Errorf("paging through %d pages showed %d orders, the customer has %d", pages, len(seen), total)
		}
		if want := int((total + dataPerPage - 1) / dataPerPage); pages != want {
			t.Errorf("pagination says %d pages for %d orders, want %d", pages, total, want)
		}
	})
}

// dataPerPage is how many rows a data page lists (handlers.dataPerPage).
const dataPerPage = 20

// currentQuery is the query string of the page the tab shows.
func currentQuery(t *testing.T, ctx context.Context) string {
	t.Helper()
	return strings.TrimPrefix(evalJS[string](t, ctx, `location.search`), "?")
}

// ordersOf counts the orders the portal holds for email.
func (p *portal) ordersOf(t *testing.T, email string) int64 {
	t.Helper()
	db, _, err := models.Open(p.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer models.Close(db)
	var n int64
	err = db.WithContext(t.Context()).Model(&models.Order{}).
		Where("user_id = (SELECT id FROM users WHERE email = ?)", strings.ToLower(email)).Count(&n).Error
	if err != nil {
		t.Fatalf("count orders: %v", err)
	}
	return n
}

func TestConcurrentProfileEditInTwoTabs(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		tabA := newTab(t)
		signIn(t, tabA, p.URL, p.login(t, "customer"))
		switchLanguage(t, tabA, "en") // for the screenshot
		tabB := sameContextTab(t, tabA)
		open(t, tabA, p.URL, profileEditAction)
		open(t, tabB, p.URL, profileEditAction) // signed in already: the tabs share cookies
		wantPath(t, tabB, profileEditAction)
		oldFirst := controlValue(t, tabB, profileControl("first_name"))

		// Tab A renames and saves.
		const newFirst = "Camila"
		typeIn(t, tabA, profileControl("first_name"), newFirst)
		if status := saveProfile(t, tabA); status != http.StatusOK {
			t.Fatalf("tab A: saving answered %d", status)
		}
		wantPath(t, tabA, "/account/data/profile")
		if got := profileFact(t, tabA, factFirstName); got != newFirst {
			t.Fatalf("tab A: first name shown %q after saving, want %q", got, newFirst)
		}
		if got := evalJS[string](t, tabA, `document.documentElement.lang`); got != "en" {
			t.Errorf("tab A: page language after saving = %q, want en", got)
		}

		// Tab B, still on the form loaded before, changes the phone.
		const phoneB = "06 11 22 33 44"
		typeIn(t, tabB, profileControl("phone"), phoneB)
		if status := saveProfile(t, tabB); status != http.StatusUnprocessableEntity {
			t.Fatalf("tab B: saving a stale form answered %d, want %d", status, http.StatusUnprocessableEntity)
		}
		wantPath(t, tabB, profileEditAction)
		if n := countOf(t, tabB, `main [role="alert"].banner--warning`); n != 1 {
			t.Errorf("tab B: %d conflict alerts, want 1", n)
		}
		if got := controlValue(t, tabB, profileControl("phone")); got != phoneB {
			t.Errorf("tab B: phone input holds %q after the conflict, want what was typed, %q", got, phoneB)
		}
		if got := controlValue(t, tabB, profileControl("first_name")); got != oldFirst {
			t.Errorf("tab B: first name input holds %q after the conflict, want the form's %q", got, oldFirst)
		}
		// The first name changed meanwhile: the field says what is stored now.
		note := evalJS[string](t, tabB, `(() => {
			const n = document.querySelector(`+jsString(profileControl("first_name"))+`).closest('.field').querySelector('.conflict-note');
			return n ? n.textContent.trim() : '';
		})()`)
		if !strings.Contains(note, newFirst) {
			t.Errorf("tab B: the first name field's conflict note is %q, want it to name %q", note, newFirst)
		}
		screenshotOnSQLite(t, tabB, p, "profile-edit-conflict.png")

		// Saving again from the conflict page goes through.
		if status := saveProfile(t, tabB); status != http.StatusOK {
			t.Fatalf("tab B: saving again answered %d", status)
		}
		wantPath(t, tabB, "/account/data/profile")
		if n := countOf(t, tabB, `.flashes .flash--success`); n != 1 {
			t.Errorf("tab B: %d success messages after saving again, want 1", n)
		}
		if got := profileFact(t, tabB, factPhone); got != "+33 6 11 22 33 44" {
			t.Errorf("tab B: phone shown %q after saving again, want +33 6 11 22 33 44", got)
		}
	})
}

// dataPages are the customer's data pages, each checked with axe.
var dataPages = []string{
	"/account/data",
	"/account/data/profile",
	"/account/data/profile/edit",
	"/account/data/profile/history",
	"/account/data/orders",
	"/account/data/payments",
	"/account/data/photos",
	"/account/data/contact",
	"/account/data/surveys",
	"/account/data/logins",
	"/account/policy",
}

func TestDataPagesAccessible(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		ctx := newTab(t)
		signIn(t, ctx, p.URL, p.login(t, "customer"))
		wantPath(t, ctx, "/account")
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			t.Run(lang, func(t *testing.T) {
				// The switcher sets this browser's page language (a cookie).
				switchLanguage(t, ctx, lang)
				for _, path := range dataPages {
					open(t, ctx, p.URL, path)
					if got := evalJS[string](t, ctx, `document.documentElement.lang`); got != lang {
						t.Fatalf("%s is in %q, want %s", path, got, lang)
					}
					checkA11y(t, ctx, lang+" "+path)
					if path == "/account/data" {
						checkCardFactsReadable(t, ctx, lang)
					}
					if path == "/account/data/photos" {
						checkThumbnailLoads(t, ctx)
						if lang == "en" {
							screenshotOnSQLite(t, ctx, p, "photos.png")
						}
					}
				}
			})
		}
	})
}

// checkThumbnailLoads fails unless the first thumbnail of the photos page
// really is an image: loaded, decoded, with a width.
func checkThumbnailLoads(t *testing.T, ctx context.Context) {
	t.Helper()
	const first = `.photo-grid img`
	sctx, cancel := step(ctx)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.ScrollIntoView(chromedp.CSS(first))); err != nil {
		t.Fatalf("scroll to the first thumbnail: %v", err)
	}
	type imgState struct {
		Src          string `json:"src"`
		NaturalWidth int    `json:"naturalWidth"`
		Error        string `json:"error"`
	}
	st := evalJS[imgState](t, ctx, `(async () => {
		const i = document.querySelector(`+jsString(first)+`);
		let error = '';
		try { await i.decode(); } catch (e) { error = String(e); }
		return {src: i.currentSrc || i.src, naturalWidth: i.naturalWidth, error};
	})()`)
	if st.NaturalWidth <= 0 {
		t.Errorf("the first thumbnail %s did not load: naturalWidth %d (%s)", st.Src, st.NaturalWidth, st.Error)
	}
}

// checkCardFactsReadable fails when a value in a card's facts list (the
// policy card's version and date on /account/data) is squeezed into a
// sliver beside its term, a letter or two per line.
func checkCardFactsReadable(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	type squeezed struct {
		Text  string  `json:"text"`
		Width float64 `json:"width"`
		List  float64 `json:"list"`
	}
	bad := evalJS[[]squeezed](t, ctx, `[...document.querySelectorAll('main .card dl.facts dd')].map(dd => ({
		text: dd.textContent.trim(), width: dd.getBoundingClientRect().width,
		list: dd.closest('dl').getBoundingClientRect().width,
	})).filter(d => d.width < d.list / 2)`)
	for _, b := range bad {
		t.Errorf("%s /account/data: card value %q is squeezed to %.0fpx of its list's %.0fpx", lang, b.Text, b.Width, b.List)
	}
}
