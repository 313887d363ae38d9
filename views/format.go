package views

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Month abbreviations are spelled out here rather than taken from a
// catalog: their form is fixed by each language's conventions (French uses
// the standard CLDR abbreviations with their dots), not by our wording.
var (
	monthsEN = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	monthsFR = [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}
)

// FormatDateTime shows an instant in UTC, as the portal stores it, in the
// conventions of locale: "21 Nov 2026, 14:05 UTC", "21 nov. 2026, 14:05 UTC",
// "2026年11月21日 14:05 UTC". The zero time is shown as an empty string.
func FormatDateTime(locale string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	clock := t.Format("15:04") + " UTC"
	switch locale {
	case "fr":
		return fmt.Sprintf("%d %s %d, %s", t.Day(), monthsFR[t.Month()-1], t.Year(), clock)
	case "zh-CN":
		return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), int(t.Month()), t.Day(), clock)
	}
	return fmt.Sprintf("%d %s %d, %s", t.Day(), monthsEN[t.Month()-1], t.Year(), clock)
}

// isoTime is the machine-readable value for <time datetime>.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// FormatNumber groups digits as locale does ("12,345", "12 345").
func FormatNumber(locale string, n int64) string {
	tag, err := language.Parse(locale)
	if err != nil {
		tag = language.English
	}
	return message.NewPrinter(tag).Sprintf("%d", n)
}

// totalPages is at least 1, so "page 1 of 1" reads right for an empty list.
func (p Pagination) totalPages() int {
	if p.PerPage <= 0 || p.Total <= 0 {
		return 1
	}
	return int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage))
}

// current clamps the page number into range.
func (p Pagination) current() int {
	return min(max(p.Page, 1), p.totalPages())
}

// pageURL adds page=n to BaseURL, replacing any page parameter it has.
func (p Pagination) pageURL(n int) string {
	base, query, _ := strings.Cut(p.BaseURL, "?")
	values, err := url.ParseQuery(query)
	if err != nil {
		values = url.Values{}
	}
	values.Set("page", strconv.Itoa(n))
	return base + "?" + values.Encode()
}

// pathOnly drops the query so the navigation can mark the current section.
func pathOnly(p string) string {
	path, _, _ := strings.Cut(p, "?")
	return path
}

// navCurrent reports whether href is where the user is, for aria-current.
// Section links also match their sub-pages (/admin/outbox/7 is in Outbox);
// home links match only themselves, or every admin page would mark "Admin home".
func navCurrent(current, href string, exact bool) bool {
	current = pathOnly(current)
	return current == href || (!exact && strings.HasPrefix(current, href+"/"))
}
