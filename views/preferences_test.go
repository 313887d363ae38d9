package views_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// rawID is a message id that reached the page untranslated.
var rawID = regexp.MustCompile(`\b(prefs|optout|label\.consent_[a-z]+)\.[a-z_.]+\b`)

// TestPreferencePagesInThreeLanguages: every state of the preferences,
// history and opt-out pages renders in each language without a raw
// message id; pending is shown, the boxes are unticked unless chosen.
func TestPreferencePagesInThreeLanguages(t *testing.T) {
	t.Parallel()
	v := views.PrefsView{GPCHonoured: true, NoSaleShare: true, Blocked: "prefs.blocked.under_age", Minor: true, AskAge: true,
		Errors: views.FieldErrors{"m.newsletter.email": "refused"},
		Topics: []views.PrefTopic{{Key: "newsletter", Name: "Newsletter", Description: "News", Channels: []views.PrefChannel{
			{Field: "m.newsletter.email", Channel: models.ChannelEmail, Status: models.ConsentPending, On: true},
			{Field: "m.newsletter.post", Channel: models.ChannelPost}}}}}
	events := []views.ConsentEventView{{ID: 1, At: time.Now(), Purpose: models.PurposeMarketing, Topic: "newsletter", Channel: models.ChannelSMS,
		Action: models.ConsentWithdrawn, Method: models.MethodOneClick, WordingHash: "abcdef0123456789", Locale: "fr"},
		{ID: 2, At: time.Now(), Purpose: models.PurposeSaleShare, Action: models.ConsentWithdrawn, Method: models.MethodGPC}}
	for _, loc := range []string{"en", "fr", "zh-CN"} {
		u := &views.PageUser{Name: "Ada", Role: "customer"}
		for name, out := range map[string]string{
			"preferences": render(t, loc, views.PreferencesPage(page(loc, "prefs.title", u), v)),
			"history":     render(t, loc, views.ConsentHistoryPage(page(loc, "data.consents.title", u), views.CategoryView{Name: "x"}, events, views.Pagination{Page: 1, PerPage: 20, Total: 2})),
			"opt-out":     render(t, loc, views.OptOutPage(page(loc, "optout.title", nil), "", views.FieldErrors{"email": "bad"}, false)),
			"opted out":   render(t, loc, views.OptOutPage(page(loc, "optout.title", nil), "", nil, true)),
		} {
			if m := rawID.FindString(out); m != "" {
				t.Errorf("%s %s: raw message id %q", loc, name, m)
			}
		}
	}
	out := render(t, "en", views.PreferencesPage(page("en", "prefs.title", &views.PageUser{Role: "customer"}), v))
	assertContains(t, out, "Waiting for your confirmation", "Opt-out preference signal honoured", `name="age"`,
		`id="field-m.newsletter.email-error"`, "Newsletter by email", `action="/account/preferences/unsubscribe-all"`)
	assertLacks(t, out, `id="field-m.newsletter.post" value="1" checked`)
}
