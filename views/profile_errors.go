package views

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/profile"
)

// ProfileErrorMessage turns a validation result (a profile field's name and
// the message id profile.Validate gave it) into a GOV.UK-style sentence that
// names the field and says how to fix it: "Enter your first name", "Enter
// the postal code of your billing address, like 75011". country is the
// address's country as typed, for the postal-code example. The summary and
// the field show the same sentence.
func ProfileErrorMessage(ctx context.Context, field, id, country string) string {
	name := i18n.T(ctx, "profile.error.name."+field)
	switch id {
	case profile.MsgRequired:
		if strings.HasSuffix(field, ".postal_code") {
			return postalCodeMessage(ctx, name, country)
		}
		if strings.HasSuffix(field, ".country") {
			return i18n.T(ctx, "profile.error.required_choice", "Field", name)
		}
		return i18n.T(ctx, "profile.error.required", "Field", name)
	case profile.MsgPostalCode:
		return postalCodeMessage(ctx, name, country)
	case profile.MsgTooLong:
		return upperFirst(i18n.T(ctx, id, "Field", name, "Max", profile.MaxLength(field)))
	case profile.MsgInvalidChars:
		return upperFirst(i18n.T(ctx, id, "Field", name))
	case profile.MsgChoice, profile.MsgCountry:
		return i18n.T(ctx, id, "Field", name)
	}
	// Phone and date messages are about one field each and already name it.
	return i18n.T(ctx, id)
}

// postalCodeMessage shows the country's own format when it is known; a
// country without a known format gets a hint instead of a made-up example.
func postalCodeMessage(ctx context.Context, name, country string) string {
	if ex := profile.PostalExample(country); ex != "" {
		return i18n.T(ctx, "profile.error.postal_code", "Field", name, "Example", ex)
	}
	return i18n.T(ctx, "profile.error.postal_code_unknown", "Field", name)
}

// upperFirst capitalises a sentence that starts with a field's name ("your
// first name must be …"); scripts without case are unchanged.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
