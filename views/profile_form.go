package views

import (
	"context"
	"slices"
	"strings"

	"github.com/photolab/privacyportal/internal/i18n"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// choice is one option of a profile select; Lang marks an option written
// in another language than the page.
type choice struct{ Value, Label, Lang string }

func genderChoices(ctx context.Context) []choice {
	out := []choice{{Value: "", Label: i18n.T(ctx, "profile.not_given")}}
	for _, g := range genders {
		out = append(out, choice{Value: g, Label: genderLabel(ctx, g)})
	}
	return out
}

func languageChoices(ctx context.Context) []choice {
	out := []choice{{Value: "", Label: i18n.T(ctx, "profile.language.none")}}
	for _, l := range i18n.Supported {
		out = append(out, choice{Value: l.Code, Label: l.Name, Lang: l.Code})
	}
	return out
}

// zoneChoices offers the common zones after the shop's, which is the empty
// value: a customer who never chose follows the shop if it moves. A
// stored zone no longer offered is kept, so saving never drops it.
func zoneChoices(ctx context.Context, zones []string, current string) []choice {
	out := []choice{{Value: "", Label: i18n.T(ctx, "profile.time_zone.shop_default", "Zone", zoneName(i18n.ShopZone().String()))}}
	if current != "" && !slices.Contains(zones, current) {
		zones = append(slices.Clone(zones), current)
	}
	for _, z := range zones {
		out = append(out, choice{Value: z, Label: zoneName(z)})
	}
	return out
}

// zoneName is an IANA name as people read it: "America/New York".
func zoneName(z string) string { return strings.ReplaceAll(z, "_", " ") }

// countryChoices names the offered countries in the reader's language and
// sorts them as that language does. A stored country no longer offered is
// kept, so saving the form never drops it silently.
func countryChoices(ctx context.Context, codes []string, current string) []choice {
	locale := i18n.Locale(ctx)
	if current != "" && !slices.Contains(codes, current) {
		codes = append(slices.Clone(codes), current)
	}
	list := make([]choice, 0, len(codes))
	for _, c := range codes {
		list = append(list, choice{Value: c, Label: countryName(locale, c)})
	}
	tag, err := language.Parse(locale)
	if err != nil {
		tag = language.English
	}
	col := collate.New(tag)
	slices.SortStableFunc(list, func(a, b choice) int { return col.CompareString(a.Label, b.Label) })
	return append([]choice{{Value: "", Label: i18n.T(ctx, "profile.country.choose")}}, list...)
}

// conflictOf is the value now stored for a field saved elsewhere meanwhile.
func conflictOf(f ProfileForm, name string) (string, bool) {
	for _, c := range f.Conflict {
		if c.Field == name {
			return c.Current, true
		}
	}
	return "", false
}

func addressValue(a AddressView, part string) string {
	switch part {
	case "line1":
		return a.Line1
	case "line2":
		return a.Line2
	case "postal_code":
		return a.PostalCode
	case "city":
		return a.City
	case "region":
		return a.Region
	case "country":
		return a.Country
	}
	return ""
}

// profileInput is one profile form control: a field plus, after a
// conflicting save elsewhere, the value now stored.
type profileInput struct {
	field
	Choices     []choice // a <select> when not nil
	Placeholder string
	HasConflict bool
	Current     string // already shown as the reader should see it
}

func (f profileInput) conflictID() string { return f.id() + "-conflict" }

func (f profileInput) describedBy() string {
	ids := f.field.describedBy()
	if f.HasConflict {
		ids = strings.TrimSpace(ids + " " + f.conflictID())
	}
	return ids
}

// profileInputFor builds a control with its label, value, error and
// conflict note, all keyed by the field's form name.
func profileInputFor(ctx context.Context, f ProfileForm, name, value, typ, autocomplete string, maxLength int) profileInput {
	in := profileInput{field: field{
		Name: name, Label: fieldLabel(ctx, name), Type: typ, Value: value,
		Autocomplete: autocomplete, Error: f.Errors[name], MaxLength: maxLength,
	}}
	if cur, ok := conflictOf(f, name); ok {
		in.HasConflict = true
		in.Current = fieldValue(ctx, name, cur)
	}
	return in
}

// addressInputs are the six controls of one address fieldset.
func addressInputs(ctx context.Context, f ProfileForm, kind string, a AddressView) []profileInput {
	parts := []struct {
		part, autocomplete string
		maxLength          int
	}{
		{"line1", "address-line1", 200},
		{"line2", "address-line2", 200},
		{"postal_code", "postal-code", 20},
		{"city", "address-level2", 100},
		{"region", "address-level1", 100},
		{"country", "country", 0},
	}
	// The autocomplete section for a delivery address is "shipping".
	section := kind
	if kind == "delivery" {
		section = "shipping"
	}
	out := make([]profileInput, 0, len(parts))
	for _, p := range parts {
		name := kind + "." + p.part
		in := profileInputFor(ctx, f, name, addressValue(a, p.part), "text", section+" "+p.autocomplete, p.maxLength)
		if p.part == "country" {
			in.Choices = countryChoices(ctx, f.Countries, in.Value)
		}
		out = append(out, in)
	}
	return out
}

func withPlaceholder(in profileInput, placeholder string) profileInput {
	in.Placeholder = placeholder
	return in
}

// phoneInput shows an example number of the customer's country (billing,
// else delivery, else the language's), never a French one to everybody.
func phoneInput(ctx context.Context, f ProfileForm) profileInput {
	region := f.Values.Billing.Country
	if region == "" {
		region = f.Values.Delivery.Country
	}
	example := PhoneExample(ctx, region)
	in := profileInputFor(ctx, f, "phone", f.Values.Phone, "tel", "tel", 32)
	in.Hint = i18n.T(ctx, "profile.phone_hint_example", "Example", example)
	return withPlaceholder(in, example)
}

// formOrder is profileFields in the order the form shows them in the
// reader's language, so the error summary lists errors top to bottom.
func formOrder(ctx context.Context) []string {
	out := slices.Clone(profileFields)
	names := nameFields(ctx)
	out[0], out[1] = names[0], names[1]
	return out
}

// nameInputs are the two name controls in the order the reader's language
// writes names (family name first in Chinese).
func nameInputs(ctx context.Context, f ProfileForm) []profileInput {
	out := make([]profileInput, 0, 2)
	for _, name := range nameFields(ctx) {
		if name == "first_name" {
			out = append(out, profileInputFor(ctx, f, name, f.Values.FirstName, "text", "given-name", 100))
		} else {
			out = append(out, profileInputFor(ctx, f, name, f.Values.LastName, "text", "family-name", 100))
		}
	}
	return out
}

func withHint(in profileInput, hint string) profileInput {
	in.Hint = hint
	return in
}

func withChoices(in profileInput, choices []choice) profileInput {
	in.Choices = choices
	return in
}
