package views_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

func TestFormatPhone(t *testing.T) {
	t.Parallel()
	cases := []struct{ stored, want string }{
		{"+33612345678", "+33 6 12 34 56 78"}, // FR mobile
		{"+33145678901", "+33 1 45 67 89 01"}, // FR landline
		{"+447400123456", "+44 7400 123456"},  // GB
		{"+442079460958", "+44 20 7946 0958"},
		{"+8613123456789", "+86 131 2345 6789"}, // CN
		{"+12015550123", "+1 201-555-0123"},     // US
		{"+331", "+331"},                        // too short: as stored
		{"0612345678", "0612345678"},            // not E.164: as stored
		{"not a number", "not a number"},
		{"", ""},
	}
	for _, c := range cases {
		if got := views.FormatPhone(c.stored); got != c.want {
			t.Errorf("FormatPhone(%q) = %q, want %q", c.stored, got, c.want)
		}
	}
}

func TestPhoneExample(t *testing.T) {
	t.Parallel()
	cases := []struct {
		locale, region, wantPrefix string
	}{
		{"en", "", "+44 "}, // the language's country when no address says
		{"fr", "", "+33 "},
		{"zh-CN", "", "+86 "},
		{"zh-CN", "FR", "+33 "}, // the billing country wins
		{"fr", "us", "+1 "},
		{"en", "ZZ", "+44 "}, // no such region: the language's
	}
	for _, c := range cases {
		got := views.PhoneExample(i18n.WithLocale(context.Background(), c.locale), c.region)
		if !strings.HasPrefix(got, c.wantPrefix) || len(got) < 10 {
			t.Errorf("PhoneExample(%s, %q) = %q, want a number starting %q", c.locale, c.region, got, c.wantPrefix)
		}
	}
}

func TestPersonName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		locale, first, last, want string
	}{
		{"en", "Ada", "Lovelace", "Ada Lovelace"},
		{"fr", "Zoé", "Martin", "Zoé Martin"},
		{"zh-CN", "小明", "王", "王小明"},                  // Chinese names: family first, no space
		{"zh-CN", "Ada", "Lovelace", "Lovelace Ada"}, // Latin names: family first, a space
		{"en", "小明", "王", "小明 王"},
		{"zh-CN", "", "王", "王"},
		{"en", " Ada ", "", "Ada"},
	}
	for _, c := range cases {
		if got := views.PersonName(i18n.WithLocale(context.Background(), c.locale), c.first, c.last); got != c.want {
			t.Errorf("PersonName(%s, %q, %q) = %q, want %q", c.locale, c.first, c.last, got, c.want)
		}
	}
}

// The form and the profile page put the family name first in Chinese.
func TestNameOrderByLocale(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		locale      string
		familyFirst bool
	}{{"en", false}, {"fr", false}, {"zh-CN", true}} {
		form := render(t, c.locale, views.ProfileEditPage(page(c.locale, "data.profile_edit.title", customer),
			views.ProfileForm{Values: profileValues(), Countries: []string{"FR"}}))
		first, last := strings.Index(form, `name="first_name"`), strings.Index(form, `name="last_name"`)
		if first < 0 || last < 0 || (last < first) != c.familyFirst {
			t.Errorf("%s form: first_name at %d, last_name at %d, family first = %v", c.locale, first, last, c.familyFirst)
		}
		shown := render(t, c.locale, dataPages(c.locale)["profile"])
		first, last = strings.Index(shown, ">Ada<"), strings.Index(shown, ">Lovelace<")
		if first < 0 || last < 0 || (last < first) != c.familyFirst {
			t.Errorf("%s profile page: Ada at %d, Lovelace at %d, family first = %v", c.locale, first, last, c.familyFirst)
		}
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// What a Chinese reader sees has no space after a full-width colon, even
// where a label and a value come from two places (a flash's hidden
// prefix, "最近更新：" and a date).
func TestChineseColonHasNoSpaceAfter(t *testing.T) {
	t.Parallel()
	pages := dataPages("zh-CN")
	for name, c := range securityPages("zh-CN") {
		pages["security "+name] = c
	}
	flash := page("zh-CN", "data.title", customer)
	flash.Flashes = []views.Flash{{Kind: "success", Message: "已保存"}, {Kind: "error", Message: "出错了"}}
	pages["flash"] = views.ProfileDataPage(flash, category("profile", true), profileValues())
	for name, c := range pages {
		text := tags.ReplaceAllString(render(t, "zh-CN", c), "")
		if i := strings.Index(text, "： "); i >= 0 {
			t.Errorf("%s: space after a full-width colon: %q", name, text[max(0, i-30):min(len(text), i+30)])
		}
	}
}

// The error summary lists the name errors in the form's order.
func TestProfileSummaryFollowsNameOrder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		locale      string
		familyFirst bool
	}{{"en", false}, {"zh-CN", true}} {
		f := views.ProfileForm{Values: profileValues(), Countries: []string{"FR"},
			Errors: views.FieldErrors{"first_name": "x", "last_name": "y"}}
		out := render(t, c.locale, views.ProfileEditPage(page(c.locale, "data.profile_edit.title", customer), f))
		first, last := strings.Index(out, `href="#field-first_name"`), strings.Index(out, `href="#field-last_name"`)
		if first < 0 || last < 0 || (last < first) != c.familyFirst {
			t.Errorf("%s: summary links first_name at %d, last_name at %d", c.locale, first, last)
		}
	}
}
