package views_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

func category(key string, edits bool) views.CategoryView {
	return views.CategoryView{
		Key: key, Name: "Cat " + key, Description: "What " + key + " is",
		RetentionText: "Kept 90 days", Source: "From you", Recipients: "Our photo lab",
		RetentionDays: 90, CustomerEdits: edits,
		Purposes: []views.PurposeView{
			{Text: "Deliver your prints", Basis: "contract"},
			{Text: "Send offers", Basis: "consent"},
			{Text: "Bookkeeping", Basis: "legal_obligation"},
			{Text: "Prevent fraud", Basis: "legitimate_interest"},
		},
	}
}

func profileValues() views.ProfileView {
	return views.ProfileView{
		Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace", Phone: "+33612345678",
		BirthDate: "1990-02-03", Gender: "female", PreferredLanguage: "fr",
		Billing:   views.AddressView{Line1: "1 rue de la Paix", PostalCode: "75002", City: "Paris", Country: "FR"},
		UpdatedAt: &when,
	}
}

var onePage = views.Pagination{Page: 1, PerPage: 2, Total: 5, BaseURL: "/account/data/x"}

// dataPages is every "Your data" page as a handler would call it.
func dataPages(locale string) map[string]templ.Component {
	pg := func(id string) views.Page { return page(locale, id, customer) }
	acked := when.Add(time.Hour)
	return map[string]templ.Component{
		"overview": views.DataOverviewPage(pg("data.title"), views.DataOverview{
			Cards: []views.CategoryCard{
				{Category: category("profile", true), Count: 1, LastChange: &when, URL: "/account/data/profile"},
				{Category: category("orders", false), Count: 12345, URL: "/account/data/orders"},
			},
			Policy: &views.PolicyStatus{Version: "V.100000002", PublishedAt: when},
		}),
		"overview acked": views.DataOverviewPage(pg("data.title"), views.DataOverview{
			Policy: &views.PolicyStatus{Version: "V.100000002", PublishedAt: when, AcknowledgedAt: &acked},
		}),
		"overview no policy": views.DataOverviewPage(pg("data.title"), views.DataOverview{}),
		"profile":            views.ProfileDataPage(pg("data.profile.title"), category("profile", true), profileValues()),
		"profile empty":      views.ProfileDataPage(pg("data.profile.title"), views.CategoryView{Name: "Profile", CustomerEdits: true}, views.ProfileView{Email: "ada@example.com"}),
		"profile edit": views.ProfileEditPage(pg("data.profile_edit.title"), views.ProfileForm{
			Values: profileValues(), Version: 7, Countries: []string{"FR", "DE", "BE"},
		}),
		"history": views.ChangeHistoryPage(pg("data.history.title"), []views.ChangeView{
			{At: when, Field: "gender", Old: "", New: "female", ActorKind: "customer"},
			{At: when, Field: "billing.country", Old: "BE", New: "FR", ActorKind: "staff"},
			{At: when, Field: "phone", Old: "+3361", New: "+33612345678", ActorKind: "api"},
		}, onePage),
		"history empty": views.ChangeHistoryPage(pg("data.history.title"), nil, views.Pagination{}),
		"orders": views.OrdersPage(pg("data.orders.title"), category("orders", false), []views.OrderView{
			{Number: "A-1001", Status: "shipped", DeliveryStatus: "in_transit", Total: "€42.00", PlacedAt: when,
				Items: []views.OrderItemView{{Description: "Print 10×15", Quantity: 3, UnitPrice: "€0.50"}}},
			{Number: "A-1002", Status: "refunded", DeliveryStatus: "returned", Total: "€9.00", PlacedAt: when},
		}, onePage),
		"orders empty": views.OrdersPage(pg("data.orders.title"), category("orders", false), nil, views.Pagination{}),
		"payments": views.PaymentsPage(pg("data.payments.title"), category("payments", false), []views.PaymentView{
			{PaidAt: when, Provider: "Stripe", Method: "card", Last4: "4242", Amount: "€42.00", OrderNumber: "A-1001"},
			{PaidAt: when, Provider: "PayPal", Amount: "€9.00"},
		}, onePage),
		"payments empty": views.PaymentsPage(pg("data.payments.title"), category("payments", false), nil, views.Pagination{}),
		"photos": views.PhotosPage(pg("data.photos.title"), category("photos", false), []views.PhotoView{
			{ID: 3, Filename: `beach "sunset".jpg`, Size: "1.2 MB", Width: 4000, Height: 3000, UploadedAt: when,
				ThumbURL: "/account/data/photos/3/thumb", FileURL: "/account/data/photos/3/file"},
		}, onePage),
		"photos empty": views.PhotosPage(pg("data.photos.title"), category("photos", false), nil, views.Pagination{}),
		"contact": views.ContactPage(pg("data.contact.title"), category("contact", false), []views.ContactView{
			{At: when, Channel: "email", Direction: "in", Subject: "Where is my order?", Body: "Hello,\nmy order is late.\nAda"},
			{At: when, Channel: "phone", Direction: "out", Body: "Called back."},
		}, onePage),
		"contact empty": views.ContactPage(pg("data.contact.title"), category("contact", false), nil, views.Pagination{}),
		"surveys": views.SurveysPage(pg("data.surveys.title"), category("surveys", false), []views.SurveyView{
			{At: when, Kind: "survey", Title: "Print quality", Question: "How were your prints?", Answer: "Great"},
			{At: when, Kind: "competition", Title: "Summer contest", Question: "Best beach?", Answer: "Etretat"},
		}, onePage),
		"surveys empty": views.SurveysPage(pg("data.surveys.title"), category("surveys", false), nil, views.Pagination{}),
		"logins":        views.LoginHistoryPage(pg("data.logins.title"), category("logins", false), overview().Events, onePage),
		"logins empty":  views.LoginHistoryPage(pg("data.logins.title"), category("logins", false), nil, views.Pagination{}),
		"policy": views.PolicyPage(pg("policy.title"), views.PolicyStatus{Version: "V.100000002", PublishedAt: when},
			"<h2>Who we are</h2><p>A photo lab.</p>", false),
		"policy acked": views.PolicyPage(pg("policy.title"), views.PolicyStatus{Version: "V.100000002", PublishedAt: when, AcknowledgedAt: &acked},
			"<h2>Who we are</h2>", true),
	}
}

// TestEveryDataPage holds the data pages to what every page must pass:
// language, title, nothing the CSP blocks, no untranslated id, images
// described and sized, tables captioned, one h1.
func TestEveryDataPage(t *testing.T) {
	imgTag := regexp.MustCompile(`<img [^>]*>`)
	for _, l := range i18n.Supported {
		for name, c := range dataPages(l.Code) {
			t.Run(l.Code+"/"+name, func(t *testing.T) {
				out := render(t, l.Code, c)
				assertContains(t, out, `<html lang="`+l.Code+`">`, `<main id="main"`,
					`<option value="`+l.Code+`" lang="`+l.Code+`" selected>`)
				title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(out)
				if title == nil || !strings.HasSuffix(html.UnescapeString(title[1]), " · "+i18n.Tl(l.Code, "app_name")) ||
					strings.Contains(title[1], ".title") {
					t.Errorf("title = %v", title)
				}
				lower := strings.ToLower(out)
				for _, banned := range []string{"style=", "<style", "<script", "javascript:"} {
					if strings.Contains(lower, banned) {
						t.Errorf("page contains %q", banned)
					}
				}
				for _, id := range catalogIDs {
					if strings.Contains(out, ">"+id+"<") || strings.Contains(out, "\""+id+"\"") {
						t.Errorf("untranslated id %q shown", id)
					}
				}
				if n := strings.Count(out, "<h1"); n != 1 {
					t.Errorf("%d h1, want 1", n)
				}
				for _, img := range imgTag.FindAllString(out, -1) {
					for _, attr := range []string{` alt="`, ` width="`, ` height="`} {
						if !strings.Contains(img, attr) {
							t.Errorf("%s lacks%s", img, attr)
						}
					}
				}
				if n := strings.Count(out, "<table"); n != strings.Count(out, "<caption") {
					t.Errorf("%d tables, %d captions", n, strings.Count(out, "<caption"))
				}
			})
		}
	}
}

// TestDataPagesContent checks each page's key content in each language.
func TestDataPagesContent(t *testing.T) {
	for _, l := range i18n.Supported {
		tl := func(id string, args ...any) string { return esc(i18n.Tl(l.Code, id, args...)) }
		pages := dataPages(l.Code)
		purposes := []string{
			tl("data.purposes.title"), tl("data.purposes.col.use"), tl("data.purposes.col.basis"),
			tl("basis.contract"), tl("basis.consent"), tl("basis.legal_obligation"), tl("basis.legitimate_interest"),
			"Deliver your prints", tl("data.retention"), "Kept 90 days", tl("data.source"), "From you",
			tl("data.recipients"), "Our photo lab", `<a href="/account/data">`,
		}
		cases := []struct {
			name        string
			want, lacks []string
		}{
			{"overview", []string{
				tl("data.intro"), `<a href="/account/data/profile">Cat profile</a>`, `<a href="/account/data/orders">Cat orders</a>`,
				tl("data.card.count", "Count", 1, "Number", "1"), tl("data.card.count", "Count", int64(12345), "Number", views.FormatNumber(l.Code, 12345)),
				labelThen(tl("data.card.last_change")) + "<time", tl("data.card.nothing_yet"),
				"V.100000002", tl("policy.not_acknowledged"), `<a href="/account/policy">` + tl("policy.read_link"),
			}, []string{tl("policy.acknowledged_badge")}},
			{"overview acked", []string{tl("policy.acknowledged_badge"),
				tl("policy.acknowledged_on", "Date", views.FormatDateTime(l.Code, when.Add(time.Hour)))}, []string{tl("policy.not_acknowledged")}},
			{"overview no policy", []string{tl("policy.none")}, []string{"V.100000002"}},
			{"profile", append([]string{
				`href="/account/data/profile/edit"`, `href="/account/data/profile/history"`,
				"Ada", "Lovelace", "+33 6 12 34 56 78", tl("profile.gender.female"), `<dd lang="fr">Français</dd>`,
				"1 rue de la Paix", "75002 Paris", ">" + esc(countryNameIn(l.Code)) + "<",
				tl("profile.billing"), tl("profile.delivery"), tl("profile.not_given"), tl("profile.field.birth_date"),
			}, purposes...), []string{tl("data.cannot_edit")}},
			{"profile empty", []string{tl("profile.not_given"), tl("data.purposes.none")}, []string{"<table"}},
			{"history", []string{
				tl("history.col.when"), tl("history.col.what"), tl("history.col.from"), tl("history.col.to"), tl("history.col.by"),
				tl("profile.field.gender"), tl("profile.gender.female"), tl("profile.field.billing.country"),
				tl("history.actor.customer"), tl("history.actor.staff"), tl("history.actor.api"),
				`href="/account/data/profile"`, `rel="next"`,
			}, nil},
			{"history empty", []string{tl("history.empty.title")}, []string{"<table"}},
			{"orders", append([]string{
				`<th scope="row" class="nowrap" data-label="` + tl("orders.col.number") + `"><div class="cell">A-1001</div></th>`,
				`<span class="badge badge--info">` + tl("order.status.shipped") + `</span>`,
				`<span class="badge badge--warning">` + tl("order.status.refunded") + `</span>`,
				// Refunded and returned are two facts; shipped and on its way one.
				tl("orders.delivery_is", "Status", i18n.Tl(l.Code, "order.delivery.returned")), "€42.00",
				`<summary>` + tl("orders.items_summary", "Count", 1, "Number", "A-1001") + `</summary>`,
				tl("orders.item", "Description", "Print 10×15", "Quantity", 3, "Price", "€0.50"), tl("data.cannot_edit"),
			}, purposes...), []string{tl("order.delivery.in_transit")}},
			{"payments", []string{tl("payments.no_card_numbers"), "Stripe", tl("payments.last4", "Last4", "4242"), "A-1001", "€9.00"}, nil},
			{"photos", []string{
				`src="/account/data/photos/3/thumb" alt="beach &#34;sunset&#34;.jpg" width="4000" height="3000" loading="lazy"`,
				`href="/account/data/photos/3/file" download`, tl("photos.download"), "1.2 MB",
				tl("photos.pixels", "Width", 4000, "Height", 3000),
			}, nil},
			{"contact", []string{
				`<p class="message-body">Hello,` + "\n" + `my order is late.` + "\n" + `Ada</p>`,
				tl("contact.author.customer"), tl("contact.author.phone_note"), tl("contact.channel.email"), tl("contact.channel.phone"),
				"Where is my order?", tl("contact.no_subject"),
			}, []string{"<pre"}},
			{"surveys", []string{
				`<span class="badge badge--neutral">` + tl("survey.kind.survey"), `<span class="badge badge--info">` + tl("survey.kind.competition"),
				"How were your prints?", "Etretat", tl("surveys.col.answer"),
			}, nil},
			{"logins", []string{tl("event.signin"), tl("method.email_code"), `<span class="badge badge--danger">` + tl("event.signin_failed")}, []string{"event.", "method."}},
			{"policy", []string{`<h2>Who we are</h2><p>A photo lab.</p>`, `action="/account/policy/ack"`,
				`<input type="hidden" name="version" value="V.100000002">`, tl("policy.ack_button")}, nil},
			{"policy acked", []string{tl("policy.acknowledged_on", "Date", views.FormatDateTime(l.Code, when.Add(time.Hour)))}, []string{`action="/account/policy/ack"`}},
		}
		for _, c := range cases {
			t.Run(l.Code+"/"+c.name, func(t *testing.T) {
				out := render(t, l.Code, pages[c.name])
				assertContains(t, out, c.want...)
				assertLacks(t, out, c.lacks...)
			})
		}
		for _, name := range []string{"orders empty", "payments empty", "photos empty", "contact empty", "surveys empty", "logins empty"} {
			out := render(t, l.Code, pages[name])
			assertContains(t, out, tl("data.empty.title"), tl("data.purposes.title"), `<a href="/account/data">`)
		}
	}
}

func countryNameIn(locale string) string {
	return map[string]string{"en": "France", "fr": "France", "zh-CN": "法国"}[locale]
}

// labelThen is a label followed by what its language puts before the
// text after it: a space, but none after the full-width colon.
func labelThen(label string) string {
	if strings.HasSuffix(label, "：") {
		return label
	}
	return label + " "
}

func TestProfileEditForm(t *testing.T) {
	for _, l := range i18n.Supported {
		t.Run(l.Code, func(t *testing.T) {
			tl := func(id string, args ...any) string { return esc(i18n.Tl(l.Code, id, args...)) }
			v := profileValues()
			v.FirstName = `Ada "<b>"`
			v.Phone = "06 12"
			f := views.ProfileForm{
				Values: v, Version: 7, Countries: []string{"FR", "DE"}, Zones: []string{"Europe/Paris", "Asia/Shanghai"},
				Errors: views.FieldErrors{
					"phone":                i18n.Tl(l.Code, "profile.error.phone_invalid"),
					"delivery.postal_code": views.ProfileErrorMessage(i18n.WithLocale(t.Context(), l.Code), "delivery.postal_code", "profile.error.postal_code", "FR"),
				},
				Conflict: []views.ConflictField{{Field: "last_name", Current: "Byron"}, {Field: "billing.country", Current: "DE"}},
			}
			out := render(t, l.Code, views.ProfileEditPage(page(l.Code, "data.profile_edit.title", customer), f))
			assertContains(t, out,
				`action="/account/data/profile/edit"`, `<input type="hidden" name="version" value="7">`,
				`<div class="banner banner--warning" role="alert"><p>`+tl("profile.conflict"),
				// typed values come back, escaped
				`name="first_name" type="text" value="Ada &#34;&lt;b&gt;&#34;" autocomplete="given-name"`,
				`name="phone" type="tel" value="06 12" autocomplete="tel"`,
				`aria-describedby="field-phone-hint field-phone-error" aria-invalid="true"`, tl("profile.phone_hint_example", "Example", "+33 6 12 34 56 78"),
				`placeholder="+33 6 12 34 56 78"`, `name="time_zone" autocomplete="off"`,
				`<option value="" selected>`+tl("profile.time_zone.shop_default", "Zone", "UTC"), `<option value="Europe/Paris">Europe/Paris</option>`,
				`id="field-delivery.postal_code-error"`, `aria-describedby="field-delivery.postal_code-error" aria-invalid="true"`,
				`<a href="#field-phone">`, `<a href="#field-delivery.postal_code">`,
				// conflicts: the value now stored, announced with the field
				`id="field-last_name-conflict">`+tl("profile.conflict.now_saved", "Value", "Byron"),
				`name="last_name" type="text" value="Lovelace" autocomplete="family-name" maxlength="100" aria-describedby="field-last_name-conflict"`,
				tl("profile.conflict.now_saved", "Value", countryNameDE(l.Code)),
				`name="birth_date" type="date" value="1990-02-03" autocomplete="bday"`,
				`name="gender" autocomplete="sex"`, `<option value="female" selected>`,
				`name="preferred_language" autocomplete="language"`, `<option value="fr" lang="fr" selected>Français</option>`,
				`<legend>`+tl("profile.billing")+`</legend>`, `<legend>`+tl("profile.delivery")+`</legend>`,
				`name="billing.line1" type="text" value="1 rue de la Paix" autocomplete="billing address-line1"`,
				`autocomplete="billing postal-code"`, `autocomplete="billing address-level2"`, `autocomplete="billing address-level1"`,
				`name="billing.country" autocomplete="billing country"`, `<option value="FR" selected>`,
				`autocomplete="shipping address-line1"`, `name="delivery.country" autocomplete="shipping country"`,
				`<a href="/account/data/profile">`+tl("common.cancel"),
			)
			for _, name := range views.ProfileFieldNames() {
				if !strings.Contains(out, `name="`+name+`"`) {
					t.Errorf("no control %s", name)
				}
				if !strings.Contains(out, `<label for="field-`+name+`">`) {
					t.Errorf("no label for %s", name)
				}
			}
			if n := strings.Count(out, `class="conflict-note"`); n != 2 {
				t.Errorf("%d conflict notes, want 2", n)
			}
			// Every control names its purpose for autofill.
			for _, ctl := range regexp.MustCompile(`<(?:input|select) [^>]*>`).FindAllString(out, -1) {
				if strings.Contains(ctl, `type="hidden"`) || strings.Contains(ctl, `id="lang-select"`) {
					continue
				}
				if !strings.Contains(ctl, `autocomplete="`) {
					t.Errorf("no autocomplete: %s", ctl)
				}
			}
		})
	}
}

func countryNameDE(locale string) string {
	return map[string]string{"en": "Germany", "fr": "Allemagne", "zh-CN": "德国"}[locale]
}

func TestProfileEditWithoutConflict(t *testing.T) {
	out := render(t, "en", views.ProfileEditPage(page("en", "data.profile_edit.title", customer), views.ProfileForm{Version: 1}))
	assertLacks(t, out, "banner--warning", "conflict-note", "aria-invalid", "error-summary")
	assertContains(t, out, `<option value="" selected>`+esc(i18n.Tl("en", "profile.country.choose")))
}

func TestCustomerHomeLinksToData(t *testing.T) {
	for _, l := range i18n.Supported {
		out := render(t, l.Code, views.CustomerHomePage(page(l.Code, "account.title", customer)))
		assertContains(t, out,
			`<a href="/account/data">`+esc(i18n.Tl(l.Code, "account.card.data.title"))+`</a>`,
			`<a href="/account/policy">`+esc(i18n.Tl(l.Code, "account.card.policy.title"))+`</a>`)
	}
}
