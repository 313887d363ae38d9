package views

import (
	"context"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// PrefsView is the customer's preferences page.
type PrefsView struct {
	Topics                   []PrefTopic
	NoProfiling, NoSaleShare bool
	GPCHonoured              bool
	// Blocked is the message id of why marketing is off ("" when it is not).
	Blocked        string
	Minor, Under13 bool
	AskAge         bool
	Age            string
	Errors         FieldErrors
}

// PrefTopic is a topic with a checkbox per channel it allows.
type PrefTopic struct {
	Key, Name, Description string
	Channels               []PrefChannel
}

// PrefChannel is one checkbox: Field is its form name, Status the
// ledger's ("" never chosen, granted, pending, withdrawn).
type PrefChannel struct {
	Field, Channel, Status string
	On                     bool
}

// PrefsChoiceLabel is the label beside a topic's channel checkbox; the
// ledger keeps the hash of this exact text (with the description) as
// the wording consented to.
func PrefsChoiceLabel(ctx context.Context, topic, channel string) string {
	return i18n.T(ctx, "prefs.choice", "Topic", topic, "Channel", Label(ctx, FamilyConsentChannel, channel))
}

// PrefsWording is the wording recorded for a marketing choice: its
// label and the topic's description, as shown.
func PrefsWording(ctx context.Context, topic, description, channel string) string {
	return PrefsChoiceLabel(ctx, topic, channel) + "\n" + description
}

// PrefsSwitchLabel is the label of the profiling or sale switch (their
// wording in the ledger).
func PrefsSwitchLabel(ctx context.Context, purpose string) string {
	if purpose == models.PurposeProfiling {
		return i18n.T(ctx, "prefs.no_profiling")
	}
	return i18n.T(ctx, "prefs.no_sale_share")
}

// PrefsUnsubscribeAllLabel is the one-click button's text (its wording).
func PrefsUnsubscribeAllLabel(ctx context.Context) string {
	return i18n.T(ctx, "prefs.unsubscribe_all")
}

func prefFieldID(field string) string { return fieldID(field) }

// ConsentEventView is one ledger line as pages show it.
type ConsentEventView struct {
	ID                                      int64
	At                                      time.Time
	Purpose, Topic, Channel, Action, Method string
	PolicyVersion, WordingHash, Locale      string
	// TopicName is the topic's name by language (JSON), "" if unknown.
	TopicName string
}

// consentWhat names the choice of an event in words: the topic by its
// name in the page's language (its key when the topic is gone).
func consentWhat(ctx context.Context, purpose, topic, topicName, channel string) string {
	switch purpose {
	case models.PurposeMarketing:
		if topicName != "" {
			topic = holdings.Localized(topicName, i18n.Locale(ctx))
		}
		return i18n.T(ctx, "prefs.history.marketing", "Topic", topic, "Channel", Label(ctx, FamilyConsentChannel, channel))
	case models.PurposeProfiling:
		return i18n.T(ctx, "prefs.history.profiling")
	}
	return i18n.T(ctx, "prefs.history.sale_share")
}

func consentActionClass(a string) string {
	switch a {
	case models.ConsentGranted:
		return "badge badge--success"
	case models.ConsentPending:
		return "badge badge--warning"
	}
	return "badge badge--neutral"
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	if h == "" {
		return "—"
	}
	return h
}

// consentHistoryTable is the ledger as the design system's record table.
func consentHistoryTable(ctx context.Context, id string, items []ConsentEventView, pg *Pagination) table {
	t := table{ID: id, Caption: i18n.T(ctx, "prefs.history.caption"),
		Columns: []column{{Label: i18n.T(ctx, "prefs.history.col.when"), RowHeader: true, Class: "nowrap"},
			{Label: i18n.T(ctx, "prefs.history.col.what")}, {Label: i18n.T(ctx, "prefs.history.col.action")},
			{Label: i18n.T(ctx, "prefs.history.col.method")}, {Label: i18n.T(ctx, "prefs.history.col.wording")},
			{Label: i18n.T(ctx, "prefs.history.col.policy")}, {Label: i18n.T(ctx, "prefs.history.col.language")}},
		EmptyTitle: i18n.T(ctx, "prefs.history.empty_title"), EmptyBody: i18n.T(ctx, "prefs.history.empty_body"), Pagination: pg}
	for _, e := range items {
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{dateTime(e.At), textCell(consentWhat(ctx, e.Purpose, e.Topic, e.TopicName, e.Channel)),
			badgeCell(Label(ctx, FamilyConsentAction, e.Action), consentActionClass(e.Action)),
			textCell(Label(ctx, FamilyConsentMethod, e.Method)), codeCell(shortHash(e.WordingHash)), textCell(orDash(e.PolicyVersion)),
			textCell(orDash(languageName(e.Locale)))}})
	}
	return t
}

// ConsentStateView is one current choice on the staff panel.
type ConsentStateView struct {
	Purpose, Topic, Channel, Status string
	TopicName                       string // by language (JSON)
	UpdatedAt                       time.Time
}

// CustomerConsentView is the staff customer page's consent panel.
type CustomerConsentView struct {
	States  []ConsentStateView
	History []ConsentEventView
}

func consentStatesTable(ctx context.Context, items []ConsentStateView) table {
	t := table{ID: "consent-states", Caption: i18n.T(ctx, "prefs.staff.states_caption"),
		Columns: []column{{Label: i18n.T(ctx, "prefs.history.col.what"), RowHeader: true}, {Label: i18n.T(ctx, "prefs.staff.col.status")},
			{Label: i18n.T(ctx, "prefs.staff.col.since"), Class: "nowrap"}},
		EmptyTitle: i18n.T(ctx, "prefs.staff.empty_title"), EmptyBody: i18n.T(ctx, "prefs.staff.empty_body")}
	for _, s := range items {
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{textCell(consentWhat(ctx, s.Purpose, s.Topic, s.TopicName, s.Channel)),
			badgeCell(Label(ctx, FamilyConsentAction, s.Status), consentActionClass(s.Status)), dateTime(s.UpdatedAt)}})
	}
	return t
}

// ConsentProofURL is where staff download a customer's consent proof.
func ConsentProofURL(userID int64) string {
	return "/staff/customers/" + strconv.FormatInt(userID, 10) + "/consent-proof"
}
