package views

import (
	"context"
	"strings"

	"github.com/photolab/privacyportal/internal/i18n"
)

// Family is a kind of stored code that is shown to people: a payment
// method, a job kind, an audit action … Every such code is shown through
// Label, so none reaches a page as a raw key.
type Family string

// The families of codes with labels. Their message ids are the family's
// prefix plus the code; the older families keep the ids they had.
const (
	FamilyPaymentMethod  Family = "payment_method"
	FamilyOrderStatus    Family = "order_status"
	FamilyDeliveryStatus Family = "delivery_status"
	FamilyContactChannel Family = "contact_channel"
	FamilySurveyKind     Family = "survey_kind"
	FamilyGender         Family = "gender"
	FamilyLoginEvent     Family = "login_event"
	FamilyLoginMethod    Family = "login_method"
	FamilyJobKind        Family = "job_kind"
	FamilyJobStatus      Family = "job_status"
	FamilyOutboxStatus   Family = "outbox_status"
	FamilyMailTemplate   Family = "mail_template"
	FamilyAuditAction    Family = "audit_action"
	FamilyAuditGroup     Family = "audit_group" // an action's prefix: "auth", "admin" …
	// Consent (internal/consent): a marketing channel, a ledger action
	// (granted, withdrawn, pending) and how the change was made.
	FamilyConsentChannel Family = "consent_channel"
	FamilyConsentAction  Family = "consent_action"
	FamilyConsentMethod  Family = "consent_method"
)

var familyPrefixes = map[Family]string{
	FamilyOrderStatus:    "order.status.",
	FamilyDeliveryStatus: "order.delivery.",
	FamilyContactChannel: "contact.channel.",
	FamilySurveyKind:     "survey.kind.",
	FamilyGender:         "profile.gender.",
	FamilyLoginEvent:     "event.",
	FamilyLoginMethod:    "method.",
	FamilyJobStatus:      "jobs.status.",
	FamilyOutboxStatus:   "outbox.status.",
}

// LabelID is the message id of a code's label: "label.payment_method.card".
func LabelID(f Family, code string) string {
	if p, ok := familyPrefixes[f]; ok {
		return p + code
	}
	return "label." + string(f) + "." + code
}

// Label names a stored code in the reader's language. A code nobody wrote a
// label for (a payment method the shop invented) is shown as stored, never
// as a message id; an empty code is a dash.
func Label(ctx context.Context, f Family, code string) string {
	if strings.TrimSpace(code) == "" {
		return "—"
	}
	id := LabelID(f, code)
	if !i18n.Has(id) {
		return code
	}
	return i18n.T(ctx, id)
}
