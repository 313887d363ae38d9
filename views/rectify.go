package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/profile"
)

// RectifyChoice is one field the customer may ask to have corrected;
// Value is "category:field".
type RectifyChoice struct{ Value, Label string }

// RectifyForm is the customer's rectification form: first which field
// (Chosen false), then its current value, the proposed one and why.
type RectifyForm struct {
	Chosen                 bool
	Category, Field        string
	RecordID               int64
	CategoryName, FieldLbl string
	Current                string // as stored
	Proposed, Reason       string
	Choices                []RectifyChoice
	Countries              []string
	Errors                 FieldErrors // proposed, reason, field, form
}

// RectifyURL is the rectification form prefilled for one field (recordID
// 0: the customer's own record, the profile).
func RectifyURL(category, field string, recordID int64) string {
	q := url.Values{"category": {category}, "field": {field}}
	if recordID > 0 {
		q.Set("record", strconv.FormatInt(recordID, 10))
	}
	return "/account/requests/new/rectification?" + q.Encode()
}

func (f RectifyForm) isProfile() bool { return f.Category == "profile" }

// current is the stored value as the reader reads it.
func (f RectifyForm) current(ctx context.Context) string {
	if f.isProfile() {
		return fieldValue(ctx, f.Field, f.Current)
	}
	return notGiven(ctx, f.Current)
}

// proposedInput is the control for the proposed value, shaped like the
// profile form's control of the same field.
func (f RectifyForm) proposedInput(ctx context.Context) profileInput {
	in := profileInput{field: field{Name: "proposed", Label: i18n.T(ctx, "rectify.proposed"), Type: "text",
		Value: f.Proposed, Error: f.Errors["proposed"], Required: true}}
	if !f.isProfile() {
		return in
	}
	in.MaxLength = profile.MaxLength(f.Field)
	switch {
	case f.Field == "birth_date":
		in.Type = "date"
	case f.Field == "phone":
		in.Type, in.Autocomplete = "tel", "tel"
	case f.Field == "gender":
		in.Choices = genderChoices(ctx)
	case strings.HasSuffix(f.Field, ".country"):
		in.Choices = countryChoices(ctx, f.Countries, f.Proposed)
	}
	return in
}

func rectifyOptions(ctx context.Context, f RectifyForm) []option {
	out := []option{{Value: "", Label: i18n.T(ctx, "rectify.choose")}}
	for _, c := range f.Choices {
		out = append(out, option(c))
	}
	return out
}

func rectifyChoiceValue(f RectifyForm) string {
	if f.Category == "" {
		return ""
	}
	return f.Category + ":" + f.Field
}

// correctable reports whether a profile field may be corrected on request
// (the registry's profile fields; kept here as views import no registry).
func correctable(name string) bool {
	switch name {
	case "first_name", "last_name", "phone", "birth_date", "gender":
		return true
	}
	return strings.HasPrefix(name, "billing.") || strings.HasPrefix(name, "delivery.")
}

// rectifyChooseURL opens the form's first step with the address's first
// line chosen, so the customer picks which part of it is wrong.
func rectifyChooseURL(address string) string {
	return "/account/requests/new/rectification?" + url.Values{"choose": {"profile:" + address + ".line1"}}.Encode()
}
