package profile

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// countryCodes is ISO 3166-1 alpha-2 without the territories nobody lives
// in (AQ, BV, GS, HM, UM): a customer can only have an address where people
// receive mail, and a shorter list is easier to pick from.
const countryCodes = `AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ
DE DJ DK DM DO DZ
EC EE EG EH ER ES ET
FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GT GU GW GY
HK HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT
JE JM JO JP
KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ
OM
PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA
RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ
UA UG US UY UZ
VA VC VE VG VI VN VU
WF WS
YE YT
ZA ZM ZW`

var (
	countryList = strings.Fields(countryCodes)
	countrySet  = func() map[string]bool {
		m := make(map[string]bool, len(countryList))
		for _, c := range countryList {
			m[c] = true
		}
		return m
	}()
)

// Countries lists the ISO 3166-1 alpha-2 codes the address form offers,
// sorted by code (the view sorts by translated name). The slice is a copy.
func Countries() []string { return slices.Clone(countryList) }

// postalRule says how one country writes its postal codes.
type postalRule struct {
	// re matches the code with spaces and dashes removed; its groups,
	// joined by sep, are the normalised form people expect to see.
	re  *regexp.Regexp
	sep string
	// optional: the country has no postal codes everywhere (or, like
	// Ireland's Eircode, few people know theirs), so none is required.
	optional bool
	// none: the country has no postal codes at all. Whatever was typed
	// (often a made-up "999077" for Hong Kong) is dropped rather than
	// refused, so the customer is not blocked by a field that means nothing.
	none bool
	// example is a real code of the country as it is written there, for
	// the error message ("Enter a postcode like 75011").
	example string
}

func rule(re, sep, example string) postalRule {
	return postalRule{re: regexp.MustCompile(re), sep: sep, example: example}
}

const (
	fiveDigits = `^(\d{5})$`
	fourDigits = `^(\d{4})$`
	sixDigits  = `^(\d{6})$`
)

var postalRules = map[string]postalRule{
	"FR": rule(fiveDigits, "", "75011"), "DE": rule(fiveDigits, "", "10115"),
	"IT": rule(fiveDigits, "", "00184"), "ES": rule(fiveDigits, "", "28001"),
	"FI": rule(fiveDigits, "", "00100"),
	"BE": rule(fourDigits, "", "1000"), "CH": rule(fourDigits, "", "8001"),
	"AT": rule(fourDigits, "", "1010"), "DK": rule(fourDigits, "", "1050"),
	"NO": rule(fourDigits, "", "0150"), "AU": rule(fourDigits, "", "2000"),
	"NZ": rule(fourDigits, "", "6011"),
	"CN": rule(sixDigits, "", "100000"), "IN": rule(sixDigits, "", "110001"),
	"US": rule(`^(\d{5})(\d{4})?$`, "-", "94103"),
	"GB": rule(`^(GIR|[A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$`, " ", "SW1A 1AA"),
	"CA": rule(`^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(\d[ABCEGHJ-NPRSTV-Z]\d)$`, " ", "K1A 0B1"),
	"NL": rule(`^([1-9]\d{3})([A-Z]{2})$`, " ", "1012 AB"),
	"SE": rule(`^(\d{3})(\d{2})$`, " ", "114 55"),
	"PL": rule(`^(\d{2})(\d{3})$`, "-", "00-950"),
	"PT": rule(`^(\d{4})(\d{3})$`, "-", "1100-148"),
	"JP": rule(`^(\d{3})(\d{4})$`, "-", "100-0001"),
	"IE": {re: regexp.MustCompile(`^([AC-FHKNPRTV-Y]\d{2}|D6W)([\dAC-FHKNPRTV-Y]{4})$`), sep: " ", optional: true, example: "D02 X285"},
	"HK": {none: true},
	"MO": {none: true},
}

// Countries where no postal code is used in everyday mail (after Google's
// address metadata); a code typed anyway is still checked loosely and kept.
func init() {
	for _, c := range strings.Fields(`AE AG AO AW BF BI BJ BO BS BW BZ CD CF CG CI CK CM DJ DM ER FJ GA
		GD GH GM GQ GY KI KM KN KP LY ML MR MW NR NU QA RW SB SC SL SR ST SY TD TF TG TK TL TO TV UG VU
		YE ZW`) {
		postalRules[c] = postalRule{optional: true}
	}
}

// PostalExample is a postal code of the country written as people there
// write it, for error messages; "" for a country whose format is unknown.
func PostalExample(country string) string {
	return postalRules[strings.ToUpper(strings.TrimSpace(country))].example
}

// normalisePostalCode checks a postal code for the (valid, upper-case)
// country and returns it as the country writes it. ok is false when the
// code is missing but required, or does not match the country's format.
func normalisePostalCode(country, raw string) (code string, ok bool) {
	code = strings.ToUpper(strings.Join(strings.Fields(raw), " "))
	r := postalRules[country]
	switch {
	case r.none:
		return "", true
	case code == "":
		return "", r.optional
	case r.re != nil:
		compact := strings.NewReplacer(" ", "", "-", "").Replace(code)
		m := r.re.FindStringSubmatch(compact)
		if m == nil {
			return code, false
		}
		parts := slices.DeleteFunc(m[1:], func(s string) bool { return s == "" })
		return strings.Join(parts, r.sep), true
	}
	// A country whose format we do not know: accept what looks like a
	// postal code anywhere, so nobody is locked out by a missing rule.
	if utf8.RuneCountInString(code) > 20 {
		return code, false
	}
	for _, c := range code {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != ' ' && c != '-' {
			return code, false
		}
	}
	return code, true
}
