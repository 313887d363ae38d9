//go:build e2e

package e2e

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/models"
)

var confirmLink = regexp.MustCompile(`/confirm/[A-Za-z0-9_\-.~]+`)

// TestPreferencesJourney walks the marketing preferences as a customer
// would: the page (axe-clean in every language, nothing ticked), an
// email and a post opt-in saved in one click, the email one pending
// until the mailed link is used (its GET page only offers a button; the
// click confirms), then the one-click unsubscribe page reached from the
// mail's link (axe-clean in every language) and the preference page
// without it ticked again; the history shows each step. Also axe on the
// signed-out opt-out page and the staff customer page's consent panel.
func TestPreferencesJourney(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		customer := p.login(t, "customer")
		u := p.userOf(t, customer.Email)
		ctx := newTab(t)
		signIn(t, ctx, p.URL, customer)
		wantPath(t, ctx, "/account")
		submit(t, ctx, "follow Preferences", chromedp.Click(chromedp.CSS(`nav a[href="/account/preferences"]`)))
		wantPath(t, ctx, "/account/preferences")
		for _, lang := range requestLangs {
			switchLanguage(t, ctx, lang)
			checkPage(t, ctx, p, lang, "/account/preferences")
		}
		switchLanguage(t, ctx, "en")
		open(t, ctx, p.URL, "/account/preferences")
		if evalJS[int](t, ctx, `document.querySelectorAll('main input[type="checkbox"][name^="m."]:checked').length`) != 0 {
			t.Fatal("a marketing box is ticked before the customer chose anything")
		}
		click(t, ctx, `input[name="m.newsletter.email"]`)
		click(t, ctx, `input[name="m.catalogues.post"]`)
		if st := submitForm(t, ctx, "/account/preferences"); st != http.StatusOK {
			t.Fatalf("save: %d", st)
		}
		wantText(t, ctx, "after saving", "Waiting for your confirmation")
		checkA11y(t, ctx, "preferences with a pending opt-in")
		if p.srv.Dialect() == models.SQLite {
			saveScreenshot(t, ctx, "preferences.png")
		}

		// The confirmation mail's link: its page changes nothing until
		// the button is pressed.
		runJobs(t, p)
		var m models.OutboxMessage
		if err := p.srv.DB().Where("to_address = ? AND template = ?", customer.Email, "consent_confirm").Order("id DESC").Take(&m).Error; err != nil {
			t.Fatalf("no confirmation mail: %v", err)
		}
		link := confirmLink.FindString(m.TextBody)
		if link == "" {
			t.Fatalf("no confirmation link in the mail")
		}
		open(t, ctx, p.URL, link)
		checkA11y(t, ctx, "the confirmation page")
		state := func(topic, channel string) string {
			var st models.ConsentState
			p.srv.DB().Joins("JOIN consent_subjects s ON s.id = consent_states.subject_id").
				Where("s.user_id = ? AND purpose = ? AND topic = ? AND channel = ?", u.ID, models.PurposeMarketing, topic, channel).Take(&st)
			return st.Status
		}
		if got := state("newsletter", models.ChannelEmail); got != models.ConsentPending {
			t.Fatalf("opening the link changed the opt-in to %q", got)
		}
		if st := submitForm(t, ctx, link); st != http.StatusOK {
			t.Fatalf("confirm: %d", st)
		}
		if got := state("newsletter", models.ChannelEmail); got != models.ConsentGranted {
			t.Fatalf("after confirming: %q", got)
		}

		// The one-click link every marketing mail carries.
		var sub models.ConsentSubject
		if err := p.srv.DB().Where("user_id = ?", u.ID).Take(&sub).Error; err != nil {
			t.Fatal(err)
		}
		unsub, _, _ := p.srv.Consent().UnsubscribeLinks(sub.ID, "newsletter")
		unsubPath := strings.TrimPrefix(unsub, p.URL)
		anon := newTab(t)
		for _, lang := range requestLangs {
			// The token pages carry no menu: the language is chosen on
			// the sign-in page, as a visitor's cookie.
			open(t, anon, p.URL, "/signin")
			switchLanguage(t, anon, lang)
			checkPage(t, anon, p, lang, unsubPath)
			checkPage(t, anon, p, lang, unsubPath+"/prefs")
		}
		if got := state("newsletter", models.ChannelEmail); got != models.ConsentGranted {
			t.Fatalf("viewing the unsubscribe pages changed the opt-in to %q", got)
		}
		open(t, anon, p.URL, unsubPath)
		if st := submitForm(t, anon, unsubPath); st != http.StatusOK {
			t.Fatalf("unsubscribe: %d", st)
		}
		if got := state("newsletter", models.ChannelEmail); got != models.ConsentWithdrawn {
			t.Fatalf("after unsubscribing: %q", got)
		}
		open(t, ctx, p.URL, "/account/preferences")
		if evalJS[bool](t, ctx, `document.querySelector('input[name="m.newsletter.email"]').checked`) {
			t.Error("the newsletter is still ticked after the one-click unsubscribe")
		}
		for _, lang := range requestLangs {
			switchLanguage(t, ctx, lang)
			checkPage(t, ctx, p, lang, "/account/preferences/history")
			open(t, anon, p.URL, "/signin")
			switchLanguage(t, anon, lang)
			checkPage(t, anon, p, lang, "/privacy/opt-out")
		}
		switchLanguage(t, ctx, "en")
		open(t, ctx, p.URL, "/account/preferences/history")
		wantText(t, ctx, "the history", "Newsletter by email", "Link in an e-mail", "Confirmation link", "Catalogues by post")

		staff := newTab(t)
		signIn(t, staff, p.URL, p.login(t, "staff"))
		enrolTOTP(t, staff, nil)
		for _, lang := range requestLangs {
			switchLanguage(t, staff, lang)
			checkPage(t, staff, p, lang, "/staff/customers/"+strconv.FormatInt(u.ID, 10))
		}
	})
}
