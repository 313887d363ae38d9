package views

import (
	"math"
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
	number := printerFor(locale).Sprintf("%.*f", scale, float64(cents)/math.Pow10(scale))
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
