package i18n

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Each case is one locale, zone and instant; winter and summer dates
// check that the zone's name follows daylight saving time.
func TestFormatDateTime(t *testing.T) {
	t.Parallel()
	winter := time.Date(2026, 3, 4, 16, 5, 0, 0, time.UTC)   // Paris on CET
	summer := time.Date(2026, 7, 14, 20, 30, 0, 0, time.UTC) // Paris on CEST
	// The night Paris moves to summer time: 01:59 CET is followed by 03:00 CEST.
	beforeSwitch := time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC)
	afterSwitch := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)
	cases := []struct {
		locale, zone string
		at           time.Time
		want         string
	}{
		{"en", "UTC", winter, "4 March 2026, 16:05 UTC"},
		{"fr", "UTC", winter, "4 mars 2026 à 16:05 UTC"},
		{"zh-CN", "UTC", winter, "2026年3月4日 16:05（UTC）"},
		{"en", "Europe/Paris", winter, "4 March 2026, 17:05 CET"},
		{"en", "Europe/Paris", summer, "14 July 2026, 22:30 CEST"},
		{"fr", "Europe/Paris", winter, "4 mars 2026 à 17:05 CET"},
		{"fr", "Europe/Paris", summer, "14 juillet 2026 à 22:30 CEST"},
		{"zh-CN", "Europe/Paris", summer, "2026年7月14日 22:30（巴黎时间）"},
		{"en", "Europe/Paris", beforeSwitch, "29 March 2026, 01:59 CET"},
		{"en", "Europe/Paris", afterSwitch, "29 March 2026, 03:00 CEST"},
		{"en", "Europe/London", winter, "4 March 2026, 16:05 GMT"},
		{"en", "Europe/London", summer, "14 July 2026, 21:30 BST"},
		// Beijing's "CST" is Chicago's too, so other languages get the offset.
		{"en", "Asia/Shanghai", winter, "5 March 2026, 00:05 UTC+8"},
		{"fr", "Asia/Shanghai", summer, "15 juillet 2026 à 04:30 UTC+8"},
		{"zh-CN", "Asia/Shanghai", winter, "2026年3月5日 00:05（北京时间）"},
		{"en", "America/Chicago", summer, "14 July 2026, 15:30 CDT"},
		{"en", "America/Chicago", winter, "4 March 2026, 10:05 CST"},
		{"en", "America/New_York", winter, "4 March 2026, 11:05 EST"},
		{"en", "Asia/Kolkata", winter, "4 March 2026, 21:35 UTC+5:30"},
		{"en", "America/Sao_Paulo", winter, "4 March 2026, 13:05 UTC-3"}, // tzdata's "-03"
		{"zh-CN", "America/Sao_Paulo", winter, "2026年3月4日 13:05（UTC-3）"},
		{"xx", "Europe/Paris", winter, "4 March 2026, 17:05 CET"}, // unknown locale: English
	}
	for _, c := range cases {
		got := FormatDateTime(c.locale, c.at, mustZone(t, c.zone))
		if got != c.want {
			t.Errorf("FormatDateTime(%s, %s, %s) = %q, want %q", c.locale, c.at.Format(time.RFC3339), c.zone, got, c.want)
		}
		if strings.Contains(got, "： ") {
			t.Errorf("%q: a space after a full-width colon", got)
		}
	}
	if got := FormatDateTime("en", time.Time{}, time.UTC); got != "" {
		t.Errorf("zero time = %q, want empty", got)
	}
}

func TestZoneFromContext(t *testing.T) {
	t.Parallel()
	paris := mustZone(t, "Europe/Paris")
	cases := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"none recorded: the shop's", context.Background(), ShopZone().String()},
		{"recorded", WithZone(context.Background(), paris), "Europe/Paris"},
		{"nil keeps the shop's", WithZone(context.Background(), nil), ShopZone().String()},
	}
	for _, c := range cases {
		if got := Zone(c.ctx).String(); got != c.want {
			t.Errorf("%s: zone = %s, want %s", c.name, got, c.want)
		}
	}
}

func TestLoadZone(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, want string }{
		{"Asia/Shanghai", "Asia/Shanghai"},
		{"", ShopZone().String()},
		{"Local", ShopZone().String()},
		{"Nowhere/Atlantis", ShopZone().String()},
		{"UTC", "UTC"},
	}
	for _, c := range cases {
		if got := LoadZone(c.name).String(); got != c.want {
			t.Errorf("LoadZone(%q) = %s, want %s", c.name, got, c.want)
		}
	}
	// UTC chosen by a customer is not the "as stored" UTC, which means
	// "the shop's zone" to the formatters.
	if LoadZone("UTC") == time.UTC {
		t.Error("a chosen UTC must be a location of its own")
	}
}

// FormatDateTime builds its text by hand; it must say what the plain
// fmt.Sprintf of each language's pattern says, on every day of a year and
// at every hour, in zones with names, offsets and half hours.
func TestFormatDateTimeIsItsPattern(t *testing.T) {
	t.Parallel()
	pattern := func(locale string, at time.Time) string {
		clock := at.Format("15:04")
		switch locale {
		case "fr":
			return fmt.Sprintf("%s %s %d à %s %s", DayFR(at.Day()), monthsFR[at.Month()-1], at.Year(), clock, ZoneLabel("fr", at))
		case "zh-CN":
			return fmt.Sprintf("%d年%d月%d日 %s（%s）", at.Year(), int(at.Month()), at.Day(), clock, ZoneLabel("zh-CN", at))
		}
		return fmt.Sprintf("%d %s %d, %s %s", at.Day(), monthsEN[at.Month()-1], at.Year(), clock, ZoneLabel("en", at))
	}
	for _, zone := range []string{"UTC", "Europe/Paris", "Asia/Shanghai", "Asia/Kolkata", "America/Sao_Paulo"} {
		loc := mustZone(t, zone)
		for at := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() == 2027; at = at.Add(7 * time.Hour) {
			for _, locale := range []string{"en", "fr", "zh-CN", "xx"} {
				if got, want := FormatDateTime(locale, at, loc), pattern(locale, at.In(loc)); got != want {
					t.Fatalf("%s %s %s: %q, want %q", locale, zone, at, got, want)
				}
			}
		}
	}
}
