// Package profile holds the rules for a customer's profile and postal
// addresses: what counts as valid, how it is normalised, and how a save is
// applied (versioned, recorded field by field in the change history).
// Customers, staff and the shop's API all go through it; it knows no HTTP.
package profile

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"github.com/photolab/privacyportal/internal/i18n"
	"golang.org/x/text/unicode/norm"
)

// Gender choices. The empty string means the customer did not say.
const (
	GenderFemale      = "female"
	GenderMale        = "male"
	GenderNonBinary   = "non_binary"
	GenderUnspecified = "prefer_not_to_say"
)

// Message ids of validation errors; the handler translates them.
const (
	MsgRequired     = "profile.error.required"
	MsgTooLong      = "profile.error.too_long"
	MsgInvalidChars = "profile.error.invalid_chars"
	MsgPhoneInvalid = "profile.error.phone_invalid"
	MsgDateInvalid  = "profile.error.date_invalid"
	MsgDateRange    = "profile.error.date_range"
	MsgChoice       = "profile.error.choice"
	MsgCountry      = "profile.error.country"
	MsgPostalCode   = "profile.error.postal_code"
)

// defaultPhoneRegion reads national numbers when no address says where the
// customer lives: the seeds' businesses are French.
const defaultPhoneRegion = "FR"

// earliestBirthDate keeps typos like 0985 or 1085 out.
const earliestBirthDate = "1900-01-01"

// AddressInput is one postal address as typed in the form.
type AddressInput struct {
	Line1, Line2, PostalCode, City, Region, Country string
}

// empty reports whether no address was given. The country alone does not
// count: a form's country select often comes preselected, and a country
// is no address anyway.
func (a AddressInput) empty() bool { return a == AddressInput{Country: a.Country} }

// Input is the profile form.
type Input struct {
	FirstName, LastName, Phone string
	BirthDate                  string // YYYY-MM-DD, as <input type=date> sends it
	Gender, PreferredLanguage  string
	TimeZone                   string // IANA name; empty: the shop's zone
	Billing, Delivery          AddressInput
	// Version is the profile version the form was loaded from, so a save
	// from a stale copy is caught instead of overwriting newer data.
	Version int64
}

// FieldErrors maps a form field name (first_name, billing.city, ...) to an
// i18n message id.
type FieldErrors map[string]string

// Validate checks a submitted form against now (for the birth date) and
// returns it normalised: trimmed, NFC, phone in E.164, country and postal
// code as the country writes them. The errors are nil when all is valid.
// Fields with an error keep what was typed (trimmed), so the form can show
// it again.
func Validate(in Input, now time.Time) (Input, FieldErrors) {
	errs := FieldErrors{}
	out := Input{Version: in.Version}
	out.FirstName = checkText(errs, "first_name", in.FirstName, MaxLength("first_name"), true)
	out.LastName = checkText(errs, "last_name", in.LastName, MaxLength("last_name"), true)
	out.Billing = checkAddress(errs, "billing.", in.Billing)
	out.Delivery = checkAddress(errs, "delivery.", in.Delivery)
	out.Phone = checkPhone(errs, in.Phone, phoneRegion(out.Billing, out.Delivery))
	out.BirthDate = checkBirthDate(errs, in.BirthDate, now)

	out.Gender = strings.TrimSpace(in.Gender)
	switch out.Gender {
	case "", GenderFemale, GenderMale, GenderNonBinary, GenderUnspecified:
	default:
		errs["gender"] = MsgChoice
	}

	out.PreferredLanguage = strings.TrimSpace(in.PreferredLanguage)
	if out.PreferredLanguage != "" {
		errs["preferred_language"] = MsgChoice
		for _, l := range i18n.Supported {
			if strings.EqualFold(l.Code, out.PreferredLanguage) {
				out.PreferredLanguage = l.Code
				delete(errs, "preferred_language")
				break
			}
		}
	}

	out.TimeZone = checkTimeZone(errs, in.TimeZone)

	if len(errs) == 0 {
		return out, nil
	}
	return out, errs
}

// maxLengths are the free-text limits in characters, by field name
// (address parts without their billing./delivery. prefix). The form's
// maxlength and the "must be N characters or fewer" message use them too.
var maxLengths = map[string]int{
	"first_name": 100, "last_name": 100,
	"line1": 200, "line2": 200, "city": 100, "region": 100,
}

// MaxLength is a free-text field's limit in characters (0 if it has none).
func MaxLength(field string) int {
	if _, part, ok := strings.Cut(field, "."); ok {
		field = part
	}
	return maxLengths[field]
}

// checkText trims and NFC-normalises a free-text field (so the same name
// typed on two keyboards compares equal) and checks its length and
// characters.
func checkText(errs FieldErrors, field, s string, maxLen int, required bool) string {
	s = norm.NFC.String(strings.TrimSpace(s))
	switch {
	case s == "":
		if required {
			errs[field] = MsgRequired
		}
	case utf8.RuneCountInString(s) > maxLen:
		errs[field] = MsgTooLong
	case !Printable(s):
		errs[field] = MsgInvalidChars
	}
	return s
}

// Printable refuses control characters, invalid UTF-8, line separators and
// the bidirectional overrides that can make a name display as something
// else in staff screens and exports. Every name typed into the portal
// (customers, staff, admins) passes this one rule.
func Printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r), r == '\u2028', r == '\u2029',
			r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
			return false
		}
	}
	return true
}

func checkAddress(errs FieldErrors, prefix string, a AddressInput) AddressInput {
	out := AddressInput{
		Line1:      strings.TrimSpace(a.Line1),
		Line2:      strings.TrimSpace(a.Line2),
		PostalCode: strings.TrimSpace(a.PostalCode),
		City:       strings.TrimSpace(a.City),
		Region:     strings.TrimSpace(a.Region),
		Country:    strings.ToUpper(strings.TrimSpace(a.Country)),
	}
	if out.empty() {
		return AddressInput{}
	}
	out.Line1 = checkText(errs, prefix+"line1", out.Line1, MaxLength("line1"), true)
	out.Line2 = checkText(errs, prefix+"line2", out.Line2, MaxLength("line2"), false)
	out.City = checkText(errs, prefix+"city", out.City, MaxLength("city"), true)
	out.Region = checkText(errs, prefix+"region", out.Region, MaxLength("region"), false)
	switch {
	case out.Country == "":
		errs[prefix+"country"] = MsgRequired
	case !countrySet[out.Country]:
		errs[prefix+"country"] = MsgCountry
	default:
		code, ok := normalisePostalCode(out.Country, out.PostalCode)
		out.PostalCode = code
		if !ok {
			errs[prefix+"postal_code"] = MsgPostalCode
			if code == "" {
				errs[prefix+"postal_code"] = MsgRequired
			}
		}
	}
	return out
}

// phoneRegion is where a number typed without its country code is read
// from: the billing country, else the delivery country.
func phoneRegion(billing, delivery AddressInput) string {
	for _, c := range []string{billing.Country, delivery.Country} {
		if countrySet[c] {
			return c
		}
	}
	return defaultPhoneRegion
}

func checkPhone(errs FieldErrors, raw, region string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	// "00" is the international prefix in most of Europe, but the library
	// honours it only when the default region dials that way; a European
	// with a US billing address would otherwise be refused.
	if rest, ok := strings.CutPrefix(s, "00"); ok {
		s = "+" + rest
	}
	// Long inputs cannot be phone numbers and are not worth parsing.
	if len(s) > 40 {
		errs["phone"] = MsgPhoneInvalid
		return strings.TrimSpace(raw)
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		errs["phone"] = MsgPhoneInvalid
		return strings.TrimSpace(raw)
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

func checkBirthDate(errs FieldErrors, raw string, now time.Time) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		return ""
	}
	// time.Parse refuses 2026-02-30 and one-digit months, which is what
	// "a real calendar date in ISO form" means.
	if _, err := time.Parse(time.DateOnly, s); err != nil || len(s) != len(time.DateOnly) {
		errs["birth_date"] = MsgDateInvalid
		return s
	}
	// ISO dates compare as strings. "Today" is taken in now's location so
	// the caller decides whose calendar counts.
	if s < earliestBirthDate || s > now.Format(time.DateOnly) {
		errs["birth_date"] = MsgDateRange
	}
	return s
}
