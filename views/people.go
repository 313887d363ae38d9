package views

import (
	"context"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"github.com/photolab/privacyportal/internal/i18n"
)

// familyNameFirst reports whether locale writes the family name before the
// given name (Chinese does: 王小明).
func familyNameFirst(locale string) bool { return locale == "zh-CN" }

// PersonName joins a given and a family name in the reader's order:
// "Ada Lovelace"; in Chinese "王小明" (family first, no space between
// Chinese names) or "Lovelace Ada" for Latin names. Either part may be
// empty.
func PersonName(ctx context.Context, first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" || last == "" {
		return first + last
	}
	if !familyNameFirst(i18n.Locale(ctx)) {
		return first + " " + last
	}
	if isCJK(last) && isCJK(first) {
		return last + first
	}
	return last + " " + first
}

// isCJK reports whether s is written in Han (or kana, hangul) only, the
// scripts whose names are written without spaces.
func isCJK(s string) bool {
	for _, r := range s {
		if !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) && r != '·' {
			return false
		}
	}
	return s != ""
}

// nameFields are the profile's two name fields in the reader's order.
func nameFields(ctx context.Context) [2]string {
	if familyNameFirst(i18n.Locale(ctx)) {
		return [2]string{"last_name", "first_name"}
	}
	return [2]string{"first_name", "last_name"}
}

// FormatPhone shows a stored E.164 number grouped as its country writes it
// in international form: "+33 6 12 34 56 78", "+44 7400 123456",
// "+86 131 2345 6789". Anything that is not a valid number is shown as
// stored, since it is still what we hold.
func FormatPhone(stored string) string {
	s := strings.TrimSpace(stored)
	if !strings.HasPrefix(s, "+") {
		return stored
	}
	num, err := phonenumbers.Parse(s, "")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return stored
	}
	return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
}

// localeRegions are where a language's readers most likely live, for
// examples when no address says.
var localeRegions = map[string]string{"en": "GB", "fr": "FR", "zh-CN": "CN"}

// PhoneExample is an example mobile number, in international format, for
// region (an ISO country code, e.g. the billing country) or, when it is
// empty or has no example, for the reader's language's usual country.
func PhoneExample(ctx context.Context, region string) string {
	for _, r := range []string{strings.ToUpper(region), localeRegions[i18n.Locale(ctx)], "GB"} {
		if r == "" {
			continue
		}
		if num := phonenumbers.GetExampleNumberForType(r, phonenumbers.MOBILE); num != nil {
			return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
		}
	}
	return ""
}

// labelBefore ends a label ("Error:", "错误：") with what its language puts
// before the text that follows: a space after a colon, none after the
// full-width "：", which carries its own spacing.
func labelBefore(label string) string {
	if label == "" || strings.HasSuffix(label, "：") {
		return label
	}
	return label + " "
}
