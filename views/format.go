package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
)

// Month abbreviations (for dates without a time: FormatDate) are spelled
// out here rather than taken from a catalog: their form is fixed by each
// language's conventions (French uses the standard CLDR abbreviations with
// their dots), not by our wording.
var monthsEN = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
var monthsFR = [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// FormatDateTime shows an instant in the conventions of locale, naming the
// zone: "4 March 2026, 17:05 CET", "4 mars 2026 à 17:05 CET",
// "2026年3月4日 17:05（北京时间）". A time in UTC (as read from the database)
// is shown in the shop's zone (PORTAL_TIMEZONE); a time already moved into
// a zone (InZone: the reader's) is shown in that zone. The zero time is "".
func FormatDateTime(locale string, t time.Time) string {
	loc := t.Location()
	if loc == time.UTC || loc == time.Local {
		loc = nil
	}
	return i18n.FormatDateTime(locale, t, loc)
}

// InZone moves t into the reader's zone (their profile's, else the shop's),
// so FormatDateTime shows it there.
func InZone(ctx context.Context, t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(i18n.Zone(ctx))
}

// DateTime is FormatDateTime in the reader's language and zone.
func DateTime(ctx context.Context, t time.Time) string {
	return FormatDateTime(i18n.Locale(ctx), InZone(ctx, t))
}

// isoTime is the machine-readable value for <time datetime>.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// FormatNumber groups digits as locale does ("12,345", "12 345").
func FormatNumber(locale string, n int64) string {
	return printerFor(locale).Sprintf("%d", n)
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
