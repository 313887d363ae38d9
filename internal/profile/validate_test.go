package profile

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"
)

var testNow = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

func valueOf(in Input, field string) string {
	i := slices.Index(fieldNames[:], field)
	if i < 0 {
		panic("unknown field " + field)
	}
	return inputValues(in)[i]
}

func TestValidate(t *testing.T) {
	fr := func(code string) AddressInput {
		return AddressInput{Line1: "1 rue de Rivoli", City: "Paris", Country: "FR", PostalCode: code}
	}
	addr := func(country, code string) AddressInput {
		return AddressInput{Line1: "1 Main Street", City: "Town", Country: country, PostalCode: code}
	}
	cases := []struct {
		name  string
		edit  func(in *Input)
		errs  FieldErrors
		field string // when set, its normalised value must be want
		want  string
	}{
		{"minimal", func(in *Input) {}, nil, "first_name", "Ada"},
		{"names trimmed", func(in *Input) { in.LastName = "  Lovelace \t" }, nil, "last_name", "Lovelace"},
		{"names NFC", func(in *Input) { in.FirstName = "Ame\u0301lie" }, nil, "first_name", "Amélie"},
		{"first name blank", func(in *Input) { in.FirstName = "  " }, FieldErrors{"first_name": MsgRequired}, "", ""},
		{"last name missing", func(in *Input) { in.LastName = "" }, FieldErrors{"last_name": MsgRequired}, "", ""},
		{"100 characters", func(in *Input) { in.LastName = strings.Repeat("é", 100) }, nil, "", ""},
		{"101 characters", func(in *Input) { in.LastName = strings.Repeat("é", 101) }, FieldErrors{"last_name": MsgTooLong}, "", ""},
		{"control char", func(in *Input) { in.FirstName = "Ada\x07" }, FieldErrors{"first_name": MsgInvalidChars}, "", ""},
		{"newline inside", func(in *Input) { in.LastName = "Love\nlace" }, FieldErrors{"last_name": MsgInvalidChars}, "", ""},
		{"bidi override", func(in *Input) { in.FirstName = "Ada\u202Eecal" }, FieldErrors{"first_name": MsgInvalidChars}, "", ""},
		{"invalid utf8", func(in *Input) { in.FirstName = "Ada\xff" }, FieldErrors{"first_name": MsgInvalidChars}, "", ""},

		{"phone FR default", func(in *Input) { in.Phone = "06 12 34 56 78" }, nil, "phone", "+33612345678"},
		{"phone dots FR billing", func(in *Input) { in.Phone = "06.12.34.56.78"; in.Billing = fr("75001") }, nil, "phone", "+33612345678"},
		{"phone +1 parentheses", func(in *Input) { in.Phone = "+1 (415) 555-2671" }, nil, "phone", "+14155552671"},
		{"phone 00 prefix", func(in *Input) { in.Phone = "0044 20 7946 0958" }, nil, "phone", "+442079460958"},
		{"phone 00 prefix US billing", func(in *Input) { in.Phone = "0044 20 7946 0958"; in.Billing = addr("US", "94103") }, nil, "phone", "+442079460958"},
		{"phone national US billing", func(in *Input) { in.Phone = "(415) 555-2671"; in.Billing = addr("US", "94103") }, nil, "phone", "+14155552671"},
		{"phone national GB delivery", func(in *Input) { in.Phone = "020-7946-0958"; in.Delivery = addr("GB", "SW1A 1AA") }, nil, "phone", "+442079460958"},
		{"phone billing wins", func(in *Input) {
			in.Phone = "06 12 34 56 78"
			in.Billing, in.Delivery = fr("75001"), addr("US", "94103")
		}, nil, "phone", "+33612345678"},
		{"phone too short", func(in *Input) { in.Phone = "12345" }, FieldErrors{"phone": MsgPhoneInvalid}, "phone", "12345"},
		{"phone letters", func(in *Input) { in.Phone = "call me" }, FieldErrors{"phone": MsgPhoneInvalid}, "", ""},
		{"phone empty", func(in *Input) { in.Phone = "   " }, nil, "phone", ""},

		{"date trimmed", func(in *Input) { in.BirthDate = " 1990-05-17 " }, nil, "birth_date", "1990-05-17"},
		{"date Feb 30", func(in *Input) { in.BirthDate = "2026-02-30" }, FieldErrors{"birth_date": MsgDateInvalid}, "", ""},
		{"date month 13", func(in *Input) { in.BirthDate = "1990-13-01" }, FieldErrors{"birth_date": MsgDateInvalid}, "", ""},
		{"date not ISO", func(in *Input) { in.BirthDate = "17/05/1990" }, FieldErrors{"birth_date": MsgDateInvalid}, "", ""},
		{"date one-digit month", func(in *Input) { in.BirthDate = "1990-5-17" }, FieldErrors{"birth_date": MsgDateInvalid}, "", ""},
		{"date today", func(in *Input) { in.BirthDate = "2026-03-15" }, nil, "", ""},
		{"date tomorrow", func(in *Input) { in.BirthDate = "2026-03-16" }, FieldErrors{"birth_date": MsgDateRange}, "", ""},
		{"date 1899", func(in *Input) { in.BirthDate = "1899-12-31" }, FieldErrors{"birth_date": MsgDateRange}, "", ""},
		{"date 1900", func(in *Input) { in.BirthDate = "1900-01-01" }, nil, "", ""},

		{"gender", func(in *Input) { in.Gender = GenderNonBinary }, nil, "gender", "non_binary"},
		{"gender unknown", func(in *Input) { in.Gender = "other" }, FieldErrors{"gender": MsgChoice}, "", ""},
		{"language", func(in *Input) { in.PreferredLanguage = "fr" }, nil, "preferred_language", "fr"},
		{"language case", func(in *Input) { in.PreferredLanguage = "zh-cn" }, nil, "preferred_language", "zh-CN"},
		{"language unsupported", func(in *Input) { in.PreferredLanguage = "de" }, FieldErrors{"preferred_language": MsgChoice}, "", ""},

		{"address line1 only", func(in *Input) { in.Billing.Line1 = "1 rue" }, FieldErrors{"billing.city": MsgRequired, "billing.country": MsgRequired}, "", ""},
		{"address country only is none", func(in *Input) { in.Delivery.Country = "FR" }, nil, "delivery.country", ""},
		{"delivery validated", func(in *Input) { in.Delivery = AddressInput{City: "Paris", Country: "FR", PostalCode: "75001"} },
			FieldErrors{"delivery.line1": MsgRequired}, "", ""},
		{"line1 too long", func(in *Input) { in.Billing = fr("75001"); in.Billing.Line1 = strings.Repeat("a", 201) }, FieldErrors{"billing.line1": MsgTooLong}, "", ""},
		{"country lower case", func(in *Input) { in.Billing = addr(" fr ", "75001") }, nil, "billing.country", "FR"},
		{"country unknown", func(in *Input) { in.Billing = addr("XX", "75001") }, FieldErrors{"billing.country": MsgCountry}, "", ""},
		{"FR postcode short", func(in *Input) { in.Billing = fr("7500") }, FieldErrors{"billing.postal_code": MsgPostalCode}, "", ""},
		{"FR postcode missing", func(in *Input) { in.Billing = fr("") }, FieldErrors{"billing.postal_code": MsgRequired}, "", ""},
		{"DE postcode", func(in *Input) { in.Billing = addr("DE", "10115") }, nil, "billing.postal_code", "10115"},
		{"US ZIP", func(in *Input) { in.Billing = addr("US", "94103") }, nil, "billing.postal_code", "94103"},
		{"US ZIP+4", func(in *Input) { in.Billing = addr("US", "94103-1234") }, nil, "billing.postal_code", "94103-1234"},
		{"US ZIP+4 compact", func(in *Input) { in.Billing = addr("US", "941031234") }, nil, "billing.postal_code", "94103-1234"},
		{"US ZIP short", func(in *Input) { in.Billing = addr("US", "9410") }, FieldErrors{"billing.postal_code": MsgPostalCode}, "", ""},
		{"GB lower compact", func(in *Input) { in.Billing = addr("GB", "sw1a1aa") }, nil, "billing.postal_code", "SW1A 1AA"},
		{"GB short outward", func(in *Input) { in.Billing = addr("GB", "m1  1ae") }, nil, "billing.postal_code", "M1 1AE"},
		{"GB digits", func(in *Input) { in.Billing = addr("GB", "12345") }, FieldErrors{"billing.postal_code": MsgPostalCode}, "", ""},
		{"CA", func(in *Input) { in.Billing = addr("CA", "k1a0b1") }, nil, "billing.postal_code", "K1A 0B1"},
		{"CA bad letter", func(in *Input) { in.Billing = addr("CA", "D1A 0B1") }, FieldErrors{"billing.postal_code": MsgPostalCode}, "", ""},
		{"NL", func(in *Input) { in.Billing = addr("NL", "1234ab") }, nil, "billing.postal_code", "1234 AB"},
		{"NL leading zero", func(in *Input) { in.Billing = addr("NL", "0123 AB") }, FieldErrors{"billing.postal_code": MsgPostalCode}, "", ""},
		{"BE", func(in *Input) { in.Billing = addr("BE", "1000") }, nil, "billing.postal_code", "1000"},
		{"CH five digits", func(in *Input) { in.Billing = addr("CH", "80001") }, FieldErrors{"billing.postal_code": MsgPostalCode}, "", ""},
		{"SE", func(in *Input) { in.Billing = addr("SE", "11455") }, nil, "billing.postal_code", "114 55"},
		{"PL", func(in *Input) { in.Billing = addr("PL", "00950") }, nil, "billing.postal_code", "00-950"},
		{"PT", func(in *Input) { in.Billing = addr("PT", "1000-001") }, nil, "billing.postal_code", "1000-001"},
		{"JP", func(in *Input) { in.Billing = addr("JP", "1000001") }, nil, "billing.postal_code", "100-0001"},
		{"CN", func(in *Input) { in.Billing = addr("CN", "100000") }, nil, "billing.postal_code", "100000"},
		{"IN spaced", func(in *Input) { in.Billing = addr("IN", "110 001") }, nil, "billing.postal_code", "110001"},
		{"IE no Eircode", func(in *Input) { in.Billing = addr("IE", "") }, nil, "billing.postal_code", ""},
		{"IE Eircode", func(in *Input) { in.Billing = addr("IE", "a65f4e2") }, nil, "billing.postal_code", "A65 F4E2"},
		{"IE bad Eircode", func(in *Input) { in.Billing = addr("IE", "ZZZ") }, FieldErrors{"billing.postal_code": MsgPostalCode}, "", ""},
		{"HK code dropped", func(in *Input) { in.Billing = addr("HK", "999077") }, nil, "billing.postal_code", ""},
		{"AE optional", func(in *Input) { in.Billing = addr("AE", "") }, nil, "", ""},
		{"LU free form", func(in *Input) { in.Billing = addr("LU", "l-1234") }, nil, "billing.postal_code", "L-1234"},
		{"LU missing", func(in *Input) { in.Billing = addr("LU", "") }, FieldErrors{"billing.postal_code": MsgRequired}, "", ""},
		{"LU symbol", func(in *Input) { in.Billing = addr("LU", "12#4") }, FieldErrors{"billing.postal_code": MsgPostalCode}, "", ""},
		{"LU 21 chars", func(in *Input) { in.Billing = addr("LU", strings.Repeat("1", 21)) }, FieldErrors{"billing.postal_code": MsgPostalCode}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := Input{FirstName: "Ada", LastName: "Lovelace", Version: 7}
			c.edit(&in)
			got, errs := Validate(in, testNow)
			if !maps.Equal(errs, c.errs) {
				t.Fatalf("errors = %v, want %v", errs, c.errs)
			}
			if c.errs == nil && errs != nil {
				t.Fatalf("errors = %#v, want nil", errs)
			}
			if c.field != "" {
				if v := valueOf(got, c.field); v != c.want {
					t.Errorf("%s = %q, want %q", c.field, v, c.want)
				}
			}
			if got.Version != 7 {
				t.Errorf("Version = %d, want it kept", got.Version)
			}
		})
	}
}

func TestCountries(t *testing.T) {
	got := Countries()
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Fatal("Countries must be sorted without duplicates")
	}
	for _, c := range got {
		r, err := language.ParseRegion(c)
		if err != nil || !r.IsCountry() || r.String() != c {
			t.Errorf("%s is not an ISO 3166-1 country code", c)
		}
	}
	must := strings.Fields(`AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE
		GB CH NO US CA AU NZ CN HK TW JP KR SG IN BR MX ZA`)
	for _, c := range must {
		if !slices.Contains(got, c) {
			t.Errorf("Countries lacks %s", c)
		}
	}
	got[0] = "ZZ"
	if Countries()[0] == "ZZ" {
		t.Error("Countries must return a copy")
	}
	for c := range postalRules {
		if !slices.Contains(Countries(), c) {
			t.Errorf("postal rule for %s, which the form does not offer", c)
		}
	}
}
