package views

import (
	"math"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/i18n"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// currencySymbols are the signs readers expect; x/text's own formatter
// writes "EUR 12.50", which no shop would print. A currency missing here is
// shown by its ISO code, which is never wrong, only plainer.
var currencySymbols = map[string]string{
	"EUR": "€",
	"USD": "$",
	"GBP": "£",
	"JPY": "¥",
	"CNY": "¥",
}

// printers holds a number printer per supported language, built once: a
// data page formats dozens of amounts, and building a printer (it sets up
// the language's decimal and scientific formats) cost more than printing.
// A Printer is only read once built (each Sprintf works on its own copy),
// so one serves every request.
var printers = func() map[string]*message.Printer {
	m := make(map[string]*message.Printer, len(i18n.Supported))
	for _, l := range i18n.Supported {
		m[l.Code] = newPrinter(l.Code)
	}
	return m
}()

// printerFor is the number printer of a locale, English when unknown.
func printerFor(locale string) *message.Printer {
	if p, ok := printers[locale]; ok {
		return p
	}
	return newPrinter(locale)
}

// newPrinter builds the printer of a locale. An unsupported locale is rare
// (views are given the request's, always supported) and any string may be
// passed, so it is built on each call rather than kept.
func newPrinter(locale string) *message.Printer {
	tag, err := language.Parse(locale)
	if err != nil {
		tag = language.English
	}
	return message.NewPrinter(tag)
}

// FormatMoney shows an amount in minor units (cents for EUR, yen for JPY)
// as locale writes it: "€12.50" in English and Chinese, "12,50 €" in French.
func FormatMoney(locale string, cents int64, code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	scale := 2
	if unit, err := currency.ParseISO(code); err == nil {
		scale, _ = currency.Standard.Rounding(unit)
	}
	neg := cents < 0
	if neg {
		cents = -cents
	}
	number, ok := decimalsOf(locale).format(cents, scale)
	if !ok {
		number = printerFor(locale).Sprintf("%.*f", scale, float64(cents)/math.Pow10(scale))
	}
	sign := ""
	if neg {
		sign = "-"
	}
	symbol, known := currencySymbols[code]
	if !known {
		symbol = code
	}
	if locale == "fr" {
		// French puts the sign after the number, with a no-break space
		// so the two never part at a line end.
		return sign + number + "\u00a0" + symbol
	}
	if !known {
		return sign + symbol + "\u00a0" + number
	}
	return sign + symbol + number
}

// decimals is how a language writes a number with decimals, read off its
// printer at start-up: every amount on a page went through the printer's
// Sprintf (9 allocations, most of the cost of FormatMoney); digits grouped
// by threes with these two separators print the same, as
// TestDecimalsPrintAsThePrinter checks over a wide range of amounts.
type decimals struct {
	group, point string
	ok           bool // the printer writes numbers in this shape
}

var decimalsByLocale = func() map[string]decimals {
	m := make(map[string]decimals, len(printers))
	for code, p := range printers {
		m[code] = decimalsFrom(p)
	}
	return m
}()

// decimalsOf is the locale's decimals; an unknown locale has none, so its
// amounts go through the printer.
func decimalsOf(locale string) decimals { return decimalsByLocale[locale] }

// decimalsFrom reads the separators from what p prints, and keeps them
// only when the printer groups by threes in ASCII digits; otherwise the
// printer goes on printing that language's amounts.
func decimalsFrom(p *message.Printer) decimals {
	s := p.Sprintf("%.1f", 1234567.5)
	i := strings.Index(s, "234")
	if !strings.HasPrefix(s, "1") || i < 2 {
		return decimals{}
	}
	d := decimals{group: s[1:i]}
	rest, ok := strings.CutPrefix(s[i+3:], d.group+"567")
	if !ok || !strings.HasSuffix(rest, "5") || len(rest) < 2 {
		return decimals{}
	}
	d.point = rest[:len(rest)-1]
	d.ok = !strings.ContainsAny(d.group+d.point, "0123456789") &&
		p.Sprintf("%.1f", 1234.5) == "1"+d.group+"234"+d.point+"5" &&
		p.Sprintf("%.1f", 123.5) == "123"+d.point+"5" &&
		p.Sprintf("%.0f", 1234.0) == "1"+d.group+"234"
	return d
}

// format writes minor units with scale decimals, as the printer prints
// float64(units)/10^scale with "%.*f". It declines amounts beyond 10^15
// minor units, where a float64 no longer holds every cent and the printer's
// rounding would show.
func (d decimals) format(units int64, scale int) (string, bool) {
	if !d.ok || units < 0 || units >= 1e15 || scale < 0 || scale > 6 {
		return "", false
	}
	var digits [24]byte
	all := strconv.AppendInt(digits[:0], units, 10)
	if n := len(all); n <= scale { // 5 cents: "005", so the whole part is "0"
		pad := scale + 1 - n
		all = all[:n+pad]
		copy(all[pad:], all[:n])
		for i := range pad {
			all[i] = '0'
		}
	}
	whole, frac := all[:len(all)-scale], all[len(all)-scale:]
	var buf [48]byte
	b := buf[:0]
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b = append(b, d.group...)
		}
		b = append(b, c)
	}
	if scale > 0 {
		b = append(b, d.point...)
		b = append(b, frac...)
	}
	return string(b), true
}

// byteUnits are decimal (1 kB = 1000 B), as file managers and shops show
// sizes; French names the unit after the octet.
var (
	byteUnitsEN = [...]string{"B", "kB", "MB", "GB", "TB"}
	byteUnitsFR = [...]string{"o", "ko", "Mo", "Go", "To"}
)

// FormatBytes shows a file size: "1.2 MB", "1,2 Mo", "1.2 MB".
func FormatBytes(locale string, n int64) string {
	units := byteUnitsEN
	if locale == "fr" {
		units = byteUnitsFR
	}
	if n < 0 {
		n = 0
	}
	p := printerFor(locale)
	if n < 1000 {
		return p.Sprintf("%d", n) + "\u00a0" + units[0]
	}
	v := float64(n)
	i := 0
	for v >= 999.95 && i < len(units)-1 {
		v /= 1000
		i++
	}
	return p.Sprintf("%.1f", v) + "\u00a0" + units[i]
}
