package views_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/views"
)

// Each field's error, as profile.Validate reports it, must name that field
// (so the summary reads on its own) and never be the old catch-all.
func TestProfileErrorsNameTheField(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	long := strings.Repeat("a", 201)
	addr := profile.AddressInput{Line1: "1 rue A", City: "Paris", PostalCode: "75011", Country: "FR"}
	cases := []struct {
		name  string
		in    func(*profile.Input)
		field string
	}{
		{"first name missing", func(in *profile.Input) { in.FirstName = "" }, "first_name"},
		{"last name missing", func(in *profile.Input) { in.LastName = " " }, "last_name"},
		{"first name too long", func(in *profile.Input) { in.FirstName = long }, "first_name"},
		{"last name control char", func(in *profile.Input) { in.LastName = "Lo\u202Eve" }, "last_name"},
		{"phone", func(in *profile.Input) { in.Phone = "12" }, "phone"},
		{"birth date", func(in *profile.Input) { in.BirthDate = "2026-02-30" }, "birth_date"},
		{"birth date range", func(in *profile.Input) { in.BirthDate = "1850-01-01" }, "birth_date"},
		{"gender", func(in *profile.Input) { in.Gender = "x" }, "gender"},
		{"language", func(in *profile.Input) { in.PreferredLanguage = "xx" }, "preferred_language"},
		{"billing line 1", func(in *profile.Input) { in.Billing.Line1 = "" }, "billing.line1"},
		{"billing line 2 long", func(in *profile.Input) { in.Billing.Line2 = long }, "billing.line2"},
		{"billing city", func(in *profile.Input) { in.Billing.City = "" }, "billing.city"},
		{"billing region long", func(in *profile.Input) { in.Billing.Region = long }, "billing.region"},
		{"billing country", func(in *profile.Input) { in.Billing.Country = "ZZ" }, "billing.country"},
		{"delivery country missing", func(in *profile.Input) { in.Delivery = addr; in.Delivery.Country = "" }, "delivery.country"},
		{"delivery city", func(in *profile.Input) { in.Delivery = addr; in.Delivery.City = "" }, "delivery.city"},
		{"delivery postal code", func(in *profile.Input) { in.Delivery = addr; in.Delivery.PostalCode = "" }, "delivery.postal_code"},
		{"unknown time zone", func(in *profile.Input) { in.TimeZone = "Mars/Olympus_Mons" }, "time_zone"},
	}
	for _, l := range i18n.Supported {
		ctx := i18n.WithLocale(context.Background(), l.Code)
		for _, c := range cases {
			in := profile.Input{FirstName: "Ada", LastName: "Lovelace", Billing: addr}
			c.in(&in)
			_, errs := profile.Validate(in, now)
			id, ok := errs[c.field]
			if !ok || len(errs) != 1 {
				t.Fatalf("%s: Validate errors = %v, want one on %s", c.name, errs, c.field)
			}
			country := in.Billing.Country
			if strings.HasPrefix(c.field, "delivery.") {
				country = in.Delivery.Country
			}
			msg := views.ProfileErrorMessage(ctx, c.field, id, country)
			want := i18n.Tl(l.Code, "profile.error.name."+c.field)
			if c.field == "phone" || c.field == "birth_date" {
				// Their messages are written for the one field they concern.
				want = map[string]map[string]string{
					"phone":      {"en": "phone number", "fr": "numéro de téléphone", "zh-CN": "电话号码"},
					"birth_date": {"en": "date of birth", "fr": "date de naissance", "zh-CN": "出生日期"},
				}[c.field][l.Code]
			}
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(want)) {
				t.Errorf("%s %s: %q does not name the field (%q)", l.Code, c.name, msg, want)
			}
			if strings.Contains(msg, "profile.error.") || strings.Contains(msg, "{{") || strings.Contains(msg, "<no value>") {
				t.Errorf("%s %s: %q is not filled in", l.Code, c.name, msg)
			}
		}
	}
}

// A postal-code error shows how that country writes its codes.
func TestPostalCodeErrorGivesTheCountrysExample(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct{ country, typed, want string }{
		{"FR", "7501", "75011"},
		{"FR", "", "75011"},
		{"GB", "12345", "SW1A 1AA"},
		{"NL", "ABCD", "1012 AB"},
		{"JP", "12", "100-0001"},
		{"CN", "1000", "100000"},
		{"US", "ABC", "94103"},
	}
	for _, l := range i18n.Supported {
		ctx := i18n.WithLocale(context.Background(), l.Code)
		for _, c := range cases {
			in := profile.Input{FirstName: "Ada", LastName: "Lovelace",
				Billing: profile.AddressInput{Line1: "1 A St", City: "X", PostalCode: c.typed, Country: c.country}}
			_, errs := profile.Validate(in, now)
			id, ok := errs["billing.postal_code"]
			if !ok {
				t.Fatalf("%s %q: no postal-code error in %v", c.country, c.typed, errs)
			}
			msg := views.ProfileErrorMessage(ctx, "billing.postal_code", id, c.country)
			if !strings.Contains(msg, c.want) || !strings.Contains(msg, i18n.Tl(l.Code, "profile.error.name.billing.postal_code")) {
				t.Errorf("%s %s %q: %q lacks the example %q or the field", l.Code, c.country, c.typed, msg, c.want)
			}
		}
		// A country whose format is unknown gets no made-up example.
		got := views.ProfileErrorMessage(ctx, "delivery.postal_code", profile.MsgPostalCode, "BR")
		if want := i18n.Tl(l.Code, "profile.error.postal_code_unknown", "Field", i18n.Tl(l.Code, "profile.error.name.delivery.postal_code")); got != want {
			t.Errorf("%s BR: got %q, want %q", l.Code, got, want)
		}
	}
}

// The summary at the top repeats the message beside the field, as a link
// to it.
func TestProfileSummaryLinksTheSameMessage(t *testing.T) {
	t.Parallel()
	ctx := i18n.WithLocale(context.Background(), "fr")
	msg := views.ProfileErrorMessage(ctx, "first_name", profile.MsgRequired, "")
	f := views.ProfileForm{Values: profileValues(), Countries: []string{"FR"}, Errors: views.FieldErrors{"first_name": msg}}
	out := render(t, "fr", views.ProfileEditPage(page("fr", "data.profile_edit.title", customer), f))
	assertContains(t, out, `<a href="#field-first_name">`+esc(msg)+`</a>`, `id="field-first_name-error"`, esc(msg))
	if strings.Count(out, esc(msg)) != 2 {
		t.Errorf("the message appears %d times, want 2 (summary and field)", strings.Count(out, esc(msg)))
	}
}
