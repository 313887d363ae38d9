package views

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// PurposeView is one use of a category's data and its lawful basis.
type PurposeView struct {
	Text  string
	Basis string // contract | consent | legal_obligation | legitimate_interest
}

// CategoryView is a kind of data we hold, explained in the reader's language.
type CategoryView struct {
	Key, Name, Description, RetentionText, Source, Recipients string
	RetentionDays                                             int
	CustomerEdits                                             bool
	Purposes                                                  []PurposeView
}

// CategoryCard is one category on the "Your data" overview.
type CategoryCard struct {
	Category   CategoryView
	Count      int64
	LastChange *time.Time
	URL        string
}

// PolicyStatus is the current privacy policy and whether the reader has
// acknowledged it.
type PolicyStatus struct {
	Version        string
	PublishedAt    time.Time
	AcknowledgedAt *time.Time
}

// DataOverview feeds /account/data.
type DataOverview struct {
	Cards  []CategoryCard
	Policy *PolicyStatus // nil if no policy is published
}

// AddressView is one postal address; Country is ISO 3166-1 alpha-2.
type AddressView struct {
	Line1, Line2, PostalCode, City, Region, Country string
}

// ProfileView is the customer's profile as stored.
type ProfileView struct {
	Email, FirstName, LastName, Phone, BirthDate, Gender, PreferredLanguage string
	TimeZone                                                                string // IANA name; empty: the shop's
	Billing, Delivery                                                       AddressView
	UpdatedAt                                                               *time.Time
}

// ConflictField is a field someone else saved while the form was open.
type ConflictField struct {
	Field   string // form field name
	Current string // the value now stored
}

// ProfileForm is the profile form as last submitted.
type ProfileForm struct {
	Values    ProfileView
	Version   int64
	Errors    FieldErrors // keyed by form field name
	Conflict  []ConflictField
	Countries []string // ISO codes offered for both addresses
	Zones     []string // IANA zones offered besides the shop's
}

// ChangeView is one row of the profile's change history.
type ChangeView struct {
	At                         time.Time
	Field, Old, New, ActorKind string // ActorKind: customer | staff | api
	// RequestID is the privacy request a staff correction answered.
	RequestID *int64
}

// OrderItemView is one line of an order.
type OrderItemView struct {
	Description string
	Quantity    int
	UnitPrice   string // formatted
}

// OrderView is one order with its lines; Total is formatted.
type OrderView struct {
	Number, Status, DeliveryStatus, Total string
	PlacedAt                              time.Time
	Items                                 []OrderItemView
}

// PaymentView is a payment reference; Amount is formatted.
type PaymentView struct {
	PaidAt                                       time.Time
	Provider, Method, Last4, Amount, OrderNumber string
}

// PhotoView is one uploaded photo; Size is formatted.
type PhotoView struct {
	ID                int64
	Filename, Size    string
	Width, Height     int
	UploadedAt        time.Time
	ThumbURL, FileURL string
}

// ContactView is one message between the customer and customer service.
type ContactView struct {
	ID                                int64 // 0: no "something is wrong" link
	At                                time.Time
	Channel, Direction, Subject, Body string // Direction: in (from the customer) | out
}

// SurveyView is one survey or competition answer.
type SurveyView struct {
	At                            time.Time
	Kind, Title, Question, Answer string // Kind: survey | competition
}

// profileFields are the form's field names in its order; each has a label
// "profile.field.<name>", also used by the change history.
var profileFields = []string{
	"first_name", "last_name", "phone", "birth_date", "gender", "preferred_language", "time_zone",
	"billing.line1", "billing.line2", "billing.postal_code", "billing.city", "billing.region", "billing.country",
	"delivery.line1", "delivery.line2", "delivery.postal_code", "delivery.city", "delivery.region", "delivery.country",
}

// ProfileFieldNames lists the profile form's field names in form order.
func ProfileFieldNames() []string { return slices.Clone(profileFields) }

var (
	genders          = []string{"female", "male", "non_binary", "prefer_not_to_say"}
	orderStatuses    = models.OrderStatuses
	deliveryStatuses = models.DeliveryStatuses[1:] // "" is shown as "not given"
	contactChannels  = models.ContactChannels
	surveyKinds      = []string{"survey", "competition"}
)

// labelOrNotGiven is Label for a profile or data field, where an empty
// value reads "Not given".
func labelOrNotGiven(ctx context.Context, f Family, value string) string {
	if value == "" {
		return i18n.T(ctx, "profile.not_given")
	}
	return Label(ctx, f, value)
}

func fieldLabel(ctx context.Context, name string) string {
	if name == "email" {
		return i18n.T(ctx, "profile.field.email")
	}
	if !slices.Contains(profileFields, name) {
		return name
	}
	return i18n.T(ctx, "profile.field."+name)
}

func genderLabel(ctx context.Context, g string) string {
	return labelOrNotGiven(ctx, FamilyGender, g)
}

func orderStatusLabel(ctx context.Context, s string) string {
	return labelOrNotGiven(ctx, FamilyOrderStatus, s)
}

func deliveryLabel(ctx context.Context, s string) string {
	return Label(ctx, FamilyDeliveryStatus, s)
}

func channelLabel(ctx context.Context, c string) string {
	return labelOrNotGiven(ctx, FamilyContactChannel, c)
}

func surveyKindLabel(ctx context.Context, k string) string {
	return labelOrNotGiven(ctx, FamilySurveyKind, k)
}

// orderStatusClass colours a status badge; the words carry the meaning.
func orderStatusClass(s string) string {
	switch s {
	case "delivered":
		return "badge badge--success"
	case "cancelled":
		return "badge badge--neutral"
	case "refunded":
		return "badge badge--warning"
	}
	return "badge badge--info"
}

func basisLabel(ctx context.Context, basis string) string {
	switch basis {
	case "contract":
		return i18n.T(ctx, "basis.contract")
	case "consent":
		return i18n.T(ctx, "basis.consent")
	case "legal_obligation":
		return i18n.T(ctx, "basis.legal_obligation")
	case "legitimate_interest":
		return i18n.T(ctx, "basis.legitimate_interest")
	}
	return basis
}

func actorKindLabel(ctx context.Context, kind string) string {
	switch kind {
	case "customer":
		return i18n.T(ctx, "history.actor.customer")
	case "staff":
		return i18n.T(ctx, "history.actor.staff")
	case "api":
		return i18n.T(ctx, "history.actor.api")
	}
	return kind
}

func notGiven(ctx context.Context, s string) string {
	if strings.TrimSpace(s) == "" {
		return i18n.T(ctx, "profile.not_given")
	}
	return s
}

// countryName names an ISO region in the reader's language, or shows the
// code when the name is unknown.
func countryName(locale, code string) string {
	region, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	namer, ok := regionNamers[locale]
	if !ok {
		namer = newRegionNamer(locale)
	}
	if name := namer.Name(region); name != "" {
		return name
	}
	return code
}

// regionNamers names regions in each supported language; finding a
// language's names (parsing and matching its tag) cost more than the
// look-up, once per address shown.
var regionNamers = func() map[string]display.Namer {
	m := make(map[string]display.Namer, len(i18n.Supported))
	for _, l := range i18n.Supported {
		m[l.Code] = newRegionNamer(l.Code)
	}
	return m
}()

func newRegionNamer(locale string) display.Namer {
	tag, err := language.Parse(locale)
	if err != nil {
		tag = language.English
	}
	return display.Regions(tag)
}

// languageName names a supported language in itself, as the switcher does.
func languageName(code string) string {
	for _, l := range i18n.Supported {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// fieldValue is a stored value as the reader should see it: codes become
// words, dates their local form, blanks "not given".
func fieldValue(ctx context.Context, name, value string) string {
	if name == "time_zone" {
		if value == "" {
			return i18n.T(ctx, "profile.time_zone.shop_default", "Zone", zoneName(i18n.ShopZone().String()))
		}
		return zoneName(value)
	}
	if strings.TrimSpace(value) == "" {
		return i18n.T(ctx, "profile.not_given")
	}
	switch {
	case name == "gender":
		return genderLabel(ctx, value)
	case name == "preferred_language":
		return languageName(value)
	case name == "phone":
		return FormatPhone(value)
	case name == "birth_date":
		return FormatDate(i18n.Locale(ctx), value)
	case strings.HasSuffix(name, ".country"):
		return countryName(i18n.Locale(ctx), value)
	}
	return value
}

// FormatDate shows a YYYY-MM-DD date in locale's conventions, or the text as
// given when it is not such a date.
func FormatDate(locale, ymd string) string {
	t, err := time.Parse(time.DateOnly, ymd)
	if err != nil {
		return ymd
	}
	// Appended by hand, not fmt.Sprintf, which boxes every argument.
	var buf [32]byte
	b := buf[:0]
	switch locale {
	case "fr":
		b = append(b, i18n.DayFR(t.Day())...)
		b = append(b, ' ')
		b = append(b, monthsFR[t.Month()-1]...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(t.Year()), 10)
	case "zh-CN":
		b = strconv.AppendInt(b, int64(t.Year()), 10)
		b = append(b, "年"...)
		b = strconv.AppendInt(b, int64(t.Month()), 10)
		b = append(b, "月"...)
		b = strconv.AppendInt(b, int64(t.Day()), 10)
		b = append(b, "日"...)
	default:
		b = strconv.AppendInt(b, int64(t.Day()), 10)
		b = append(b, ' ')
		b = append(b, monthsEN[t.Month()-1]...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(t.Year()), 10)
	}
	return string(b)
}

// addressLines is an address as it would be written on an envelope.
func addressLines(ctx context.Context, a AddressView) []string {
	var lines []string
	for _, s := range []string{a.Line1, a.Line2, strings.TrimSpace(a.PostalCode + " " + a.City), a.Region} {
		if strings.TrimSpace(s) != "" {
			lines = append(lines, s)
		}
	}
	if a.Country != "" {
		lines = append(lines, countryName(i18n.Locale(ctx), a.Country))
	}
	return lines
}
