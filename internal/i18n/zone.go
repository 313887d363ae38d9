package i18n

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
)

// The shop's zone (PORTAL_TIMEZONE) is process-wide: it is set once at
// start-up, before any request, and read by code that has no request at
// hand (mails, jobs). A customer's own zone travels in the context.
var shopZone atomic.Pointer[time.Location]

// SetShopZone sets the zone times are shown in for people who chose none.
// nil means UTC.
func SetShopZone(loc *time.Location) {
	if loc == nil {
		loc = time.UTC
	}
	shopZone.Store(loc)
}

// ShopZone is the zone set by SetShopZone, UTC until then.
func ShopZone() *time.Location {
	if loc := shopZone.Load(); loc != nil {
		return loc
	}
	return time.UTC
}

type zoneKey struct{}

// WithZone records the reader's zone for the request.
func WithZone(ctx context.Context, loc *time.Location) context.Context {
	if loc == nil {
		return ctx
	}
	return context.WithValue(ctx, zoneKey{}, loc)
}

// Zone is the reader's zone: the one recorded by WithZone, else the shop's.
func Zone(ctx context.Context) *time.Location {
	if loc, ok := ctx.Value(zoneKey{}).(*time.Location); ok {
		return loc
	}
	return ShopZone()
}

// chosenUTC is UTC chosen by the reader. It is a location of its own
// because a time in time.UTC means "as stored", shown in the shop's zone.
var chosenUTC = time.FixedZone("UTC", 0)

// LoadZone resolves a stored IANA name; empty or unknown names (a zone
// dropped from a later tzdata) fall back to the shop's zone.
func LoadZone(name string) *time.Location {
	switch name {
	case "", "Local":
		return ShopZone()
	case "UTC":
		return chosenUTC
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return ShopZone()
	}
	zones.Store(name, loc)
	return loc
}

// zones caches loaded locations: LoadZone runs on every signed-in request,
// and time.LoadLocation parses the embedded zone data each time.
var zones sync.Map // name → *time.Location

var (
	monthsEN = [12]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	monthsFR = [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}
)

// zhZoneNames are the names Chinese readers use for the zones they know
// by a city; other zones are named by abbreviation or offset.
var zhZoneNames = map[string]string{
	"Asia/Shanghai": "北京时间", "Asia/Chongqing": "北京时间", "Asia/Harbin": "北京时间", "PRC": "北京时间",
	"Asia/Hong_Kong": "香港时间", "Asia/Macau": "澳门时间", "Asia/Taipei": "台北时间",
	"Asia/Tokyo": "东京时间", "Asia/Seoul": "首尔时间", "Asia/Singapore": "新加坡时间",
	"Europe/Paris": "巴黎时间", "Europe/London": "伦敦时间",
}

// FormatDateTime shows t in loc, in locale's conventions, always naming
// the zone: "4 March 2026, 17:05 CET", "4 mars 2026 à 17:05 CET",
// "2026年3月4日 17:05（北京时间）". Chinese puts the zone in full-width
// brackets with no space, as Chinese typography does. A nil loc is the
// shop's zone; the zero time is "".
func FormatDateTime(locale string, t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc == nil {
		loc = ShopZone()
	}
	t = t.In(loc)
	// Appended into one buffer rather than fmt.Sprintf: pages show dozens
	// of times, and each Sprintf boxes every argument.
	var buf [64]byte
	b := buf[:0]
	switch locale {
	case "fr":
		b = appendDayFR(b, t.Day())
		b = append(b, ' ')
		b = append(b, monthsFR[t.Month()-1]...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(t.Year()), 10)
		b = append(b, " à "...)
		b = t.AppendFormat(b, "15:04")
		b = append(b, ' ')
		b = append(b, ZoneLabel("fr", t)...)
	case "zh-CN":
		b = strconv.AppendInt(b, int64(t.Year()), 10)
		b = append(b, "年"...)
		b = strconv.AppendInt(b, int64(t.Month()), 10)
		b = append(b, "月"...)
		b = strconv.AppendInt(b, int64(t.Day()), 10)
		b = append(b, "日 "...)
		b = t.AppendFormat(b, "15:04")
		b = append(b, "（"...)
		b = append(b, ZoneLabel("zh-CN", t)...)
		b = append(b, "）"...)
	default:
		b = strconv.AppendInt(b, int64(t.Day()), 10)
		b = append(b, ' ')
		b = append(b, monthsEN[t.Month()-1]...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(t.Year()), 10)
		b = append(b, ", "...)
		b = t.AppendFormat(b, "15:04")
		b = append(b, ' ')
		b = append(b, ZoneLabel("en", t)...)
	}
	return string(b)
}

// ZoneLabel names the zone t is in at that instant (so CET in winter and
// CEST in summer): its usual abbreviation where it has one readers know,
// else its offset ("UTC+8", "UTC-3", "UTC+5:30").
func ZoneLabel(locale string, t time.Time) string {
	if locale == "zh-CN" {
		if name, ok := zhZoneNames[t.Location().String()]; ok {
			return name
		}
	}
	abbr, offset := t.Zone()
	if abbr == "UTC" || (lettersOnly(abbr) && !ambiguous(abbr, offset)) {
		return abbr
	}
	return offsetLabel(offset)
}

// ambiguous abbreviations name several zones: CST is Chicago's and
// Beijing's, IST Dublin's summer, India's and Israel's. Only the first
// meaning is kept; the others are shown as offsets.
func ambiguous(abbr string, offset int) bool {
	switch abbr {
	case "CST":
		return offset != -6*3600
	case "IST":
		return offset != 3600
	}
	return false
}

func lettersOnly(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

func offsetLabel(offset int) string {
	if offset == 0 {
		return "UTC"
	}
	sign := "+"
	if offset < 0 {
		sign, offset = "-", -offset
	}
	h, m := offset/3600, offset%3600/60
	var b strings.Builder
	fmt.Fprintf(&b, "UTC%s%d", sign, h)
	if m != 0 {
		fmt.Fprintf(&b, ":%02d", m)
	}
	return b.String()
}

// DayFR is a day of the month as French writes it: the first is "1er".
func DayFR(day int) string {
	if day == 1 {
		return "1er"
	}
	return strconv.Itoa(day)
}

// appendDayFR appends DayFR(day) to b.
func appendDayFR(b []byte, day int) []byte {
	if day == 1 {
		return append(b, "1er"...)
	}
	return strconv.AppendInt(b, int64(day), 10)
}
