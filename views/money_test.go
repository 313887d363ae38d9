package views

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
)

func TestFormatMoney(t *testing.T) {
	cases := []struct {
		locale   string
		cents    int64
		currency string
		want     string
	}{
		{"en", 1250, "EUR", "€12.50"},
		{"fr", 1250, "EUR", "12,50\u00a0€"},
		{"zh-CN", 1250, "EUR", "€12.50"},
		{"en", 123456789, "EUR", "€1,234,567.89"},
		{"fr", 123456789, "EUR", "1\u00a0234\u00a0567,89\u00a0€"},
		{"en", 5, "usd", "$0.05"},
		{"en", -1999, "GBP", "-£19.99"},
		{"fr", -1999, "GBP", "-19,99\u00a0£"},
		{"en", 1500, "JPY", "¥1,500"}, // no minor unit
		{"zh-CN", 9900, "CNY", "¥99.00"},
		{"en", 1250, "CHF", "CHF\u00a012.50"},
		{"fr", 1250, "CHF", "12,50\u00a0CHF"},
		{"en", 0, "EUR", "€0.00"},
		{"xx", 1250, "EUR", "€12.50"},
	}
	for _, c := range cases {
		if got := FormatMoney(c.locale, c.cents, c.currency); got != c.want {
			t.Errorf("FormatMoney(%s, %d, %s) = %q, want %q", c.locale, c.cents, c.currency, got, c.want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	cases := []struct {
		locale string
		n      int64
		want   string
	}{
		{"en", 0, "0\u00a0B"},
		{"en", 999, "999\u00a0B"},
		{"en", 1000, "1.0\u00a0kB"},
		{"en", 1_234_567, "1.2\u00a0MB"},
		{"fr", 1_234_567, "1,2\u00a0Mo"},
		{"zh-CN", 1_234_567, "1.2\u00a0MB"},
		{"en", 999_960, "1.0\u00a0MB"}, // never "1000.0 kB"
		{"en", 5_300_000_000, "5.3\u00a0GB"},
		{"fr", 512, "512\u00a0o"},
		{"en", -3, "0\u00a0B"},
	}
	for _, c := range cases {
		if got := FormatBytes(c.locale, c.n); got != c.want {
			t.Errorf("FormatBytes(%s, %d) = %q, want %q", c.locale, c.n, got, c.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	cases := []struct{ locale, in, want string }{
		{"en", "1990-02-03", "3 Feb 1990"},
		{"fr", "1990-02-03", "3 févr. 1990"},
		{"zh-CN", "1990-02-03", "1990年2月3日"},
		{"en", "not a date", "not a date"},
	}
	for _, c := range cases {
		if got := FormatDate(c.locale, c.in); got != c.want {
			t.Errorf("FormatDate(%s, %s) = %q, want %q", c.locale, c.in, got, c.want)
		}
	}
}

// Every label a view builds from a code must exist in every catalog, or a
// customer would read the message id.
func TestDataLabelsTranslated(t *testing.T) {
	groups := []struct {
		prefix string
		codes  []string
	}{
		{"profile.field.", profileFields},
		{"profile.gender.", genders},
		{"order.status.", orderStatuses},
		{"order.delivery.", deliveryStatuses},
		{"contact.channel.", contactChannels},
		{"survey.kind.", surveyKinds},
	}
	for _, l := range i18n.Supported {
		ids, err := i18n.IDs(l.Code)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, id := range ids {
			have[id] = true
		}
		for _, g := range groups {
			for _, c := range g.codes {
				if !have[g.prefix+c] {
					t.Errorf("%s lacks %s%s", l.Code, g.prefix, c)
				}
			}
		}
	}
}

func TestLabelsOfUnknownCodes(t *testing.T) {
	ctx := i18n.WithLocale(context.Background(), "fr")
	cases := []struct{ got, want string }{
		{orderStatusLabel(ctx, "on_hold"), "on_hold"},
		{orderStatusLabel(ctx, "shipped"), "Expédiée"},
		{deliveryLabel(ctx, ""), "—"},
		{fieldLabel(ctx, "nickname"), "nickname"},
		{fieldLabel(ctx, "billing.city"), "Ville de facturation"},
		{fieldValue(ctx, "gender", "non_binary"), "Non binaire"},
		{fieldValue(ctx, "delivery.country", "DE"), "Allemagne"},
		{fieldValue(ctx, "preferred_language", "zh-CN"), "简体中文"},
		{fieldValue(ctx, "phone", ""), "Non renseigné"},
		{basisLabel(ctx, "vital_interest"), "vital_interest"},
		{actorKindLabel(ctx, "api"), "Notre boutique en ligne"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("%d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestCountryChoices(t *testing.T) {
	ctx := i18n.WithLocale(context.Background(), "fr")
	got := countryChoices(ctx, []string{"FR", "DE", "BE"}, "CH")
	want := []string{"", "DE", "BE", "FR", "CH"} // Allemagne, Belgique, France, Suisse
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, c := range got {
		if c.Value != want[i] {
			t.Errorf("%d: %s, want %s (%v)", i, c.Value, want[i], got)
		}
	}
}

// The printers kept per language must print what a printer built for the
// call prints, for the formats the views use.
func TestCachedPrintersPrintAsFreshOnes(t *testing.T) {
	values := []float64{0, 0.05, 1, 12.5, 999.95, 1000, 1234.5678, 123456789.01, -1999.99, 5.3e9}
	for _, l := range i18n.Supported {
		cached, fresh := printerFor(l.Code), message.NewPrinter(language.MustParse(l.Code))
		if cached != printerFor(l.Code) {
			t.Errorf("%s: a new printer on each call", l.Code)
		}
		for _, v := range values {
			for _, scale := range []int{0, 1, 2, 3} {
				if got, want := cached.Sprintf("%.*f", scale, v), fresh.Sprintf("%.*f", scale, v); got != want {
					t.Errorf("%s %.*f: cached %q, fresh %q", l.Code, scale, v, got, want)
				}
			}
			if got, want := cached.Sprintf("%d", int64(v)), fresh.Sprintf("%d", int64(v)); got != want {
				t.Errorf("%s %d: cached %q, fresh %q", l.Code, int64(v), got, want)
			}
		}
	}
}

// FormatDate builds its text by hand; it must say what the plain
// fmt.Sprintf of each language's pattern says, on every day of two years.
func TestFormatDateIsItsPattern(t *testing.T) {
	pattern := func(locale string, d time.Time) string {
		switch locale {
		case "fr":
			return fmt.Sprintf("%s %s %d", i18n.DayFR(d.Day()), monthsFR[d.Month()-1], d.Year())
		case "zh-CN":
			return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
		}
		return fmt.Sprintf("%d %s %d", d.Day(), monthsEN[d.Month()-1], d.Year())
	}
	for d := time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2001; d = d.AddDate(0, 0, 1) {
		for _, locale := range []string{"en", "fr", "zh-CN", "xx"} {
			if got, want := FormatDate(locale, d.Format(time.DateOnly)), pattern(locale, d); got != want {
				t.Fatalf("%s %s: %q, want %q", locale, d.Format(time.DateOnly), got, want)
			}
		}
	}
}

// The region names kept per language are the ones a fresh look-up finds.
func TestCountryNamesAsFreshLookUps(t *testing.T) {
	for _, l := range append(i18n.Supported, i18n.Lang{Code: "xx"}) {
		for _, code := range []string{"FR", "DE", "BE", "CH", "CN", "TW", "HK", "US", "GB", "XK", "ZZ", "nope"} {
			want := code
			if region, err := language.ParseRegion(code); err == nil {
				tag, err := language.Parse(l.Code)
				if err != nil {
					tag = language.English
				}
				if name := display.Regions(tag).Name(region); name != "" {
					want = name
				}
			}
			if got := countryName(l.Code, code); got != want {
				t.Errorf("%s %s: %q, want %q", l.Code, code, got, want)
			}
		}
	}
}

// Amounts are written without the printer's Sprintf; they must read as it
// writes them, for every amount up to 120.00 and a spread of larger ones,
// in every scale a currency has.
func TestDecimalsPrintAsThePrinter(t *testing.T) {
	amounts := []int64{999_999_999_999_999, 100_000_000_000_000}
	for u := int64(1); u < 1e15; u *= 10 {
		amounts = append(amounts, u-1, u, u+1, 2*u-1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		amounts = append(amounts, r.Int64N(int64(math.Pow10(3+r.IntN(12)))))
	}
	for u := range int64(12000) {
		amounts = append(amounts, u)
	}
	for _, l := range i18n.Supported {
		d, p := decimalsOf(l.Code), message.NewPrinter(language.MustParse(l.Code))
		if !d.ok {
			t.Errorf("%s: the printer's separators were not recognised (%q)", l.Code, p.Sprintf("%.1f", 1234567.5))
			continue
		}
		for _, scale := range []int{0, 2, 3} {
			for _, u := range amounts {
				got, ok := d.format(u, scale)
				want := p.Sprintf("%.*f", scale, float64(u)/math.Pow10(scale))
				if !ok || got != want {
					t.Fatalf("%s %d at scale %d: %q (%v), printer %q", l.Code, u, scale, got, ok, want)
				}
			}
		}
	}
	if _, ok := decimalsOf("xx").format(1250, 2); ok {
		t.Error("an unknown locale's amounts must go through its printer")
	}
	if _, ok := decimalsOf("en").format(1e15, 2); ok {
		t.Error("amounts beyond what a float64 holds to the cent must go through the printer")
	}
}
