package views

import (
	"context"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// RequestList is one page of the customer's requests.
type RequestList struct {
	Items      []models.PrivacyRequest
	Pagination Pagination
	Now        time.Time
}

// CategoryChoice is a data category a request may name.
type CategoryChoice struct{ Key, Label string }

// RequestForm is the customer's "new request" form, and the public
// form's shared part; Errors are translated, keyed by field name.
type RequestForm struct {
	Kind, Details, ObjectionGround string
	Categories                     []string
	Choices                        []CategoryChoice
	Errors                         FieldErrors
	// Public form only.
	Name, Email, AgentName, AgentEmail string
}

// RequestView is one request's page for its requester: the customer's
// own (Base /account/requests/N) or the public one (Base
// /requests/status/N). Notes never reach it.
type RequestView struct {
	Request  models.PrivacyRequest
	Events   []models.RequestEvent
	Messages []models.RequestMessage
	// Corrections are what a rectification asks for, FieldLabels their
	// fields' names (see CorrectionKey).
	Corrections []models.RequestCorrection
	FieldLabels map[string]string
	Now         time.Time
	Base        string
	// ConfirmCancel shows the cancel confirmation instead of the button.
	ConfirmCancel bool
	CanCancel     bool
	CanReply      bool
	Reply         string
	ReplyError    string
	// NextStep links a public requester to what is still owed (the email
	// code, the knowledge check, the document page), "" when nothing.
	NextStep string
	// DocumentURL is where an ID document can be uploaded while one is
	// required.
	DocumentURL string
	// PermissionURL is where an authorized agent uploads the person's
	// signed permission (agent requests only).
	PermissionURL string
	// Exports are the download packages answering the request (access,
	// portability), newest first; PublicExports links them for a
	// requester holding the status page's pass.
	Exports       []models.Export
	PublicExports bool
	// Erasure is the cool-off of an approved erasure (nil otherwise).
	Erasure *ErasurePanel
}

// RequestURL is the customer's page of request id.
func RequestURL(id int64) string { return "/account/requests/" + strconv.FormatInt(id, 10) }

// requestKindHint is the one line explaining a kind on the form.
func requestKindHint(ctx context.Context, k models.RequestKind) string {
	return i18n.T(ctx, "myrequests.kind_hint."+string(k))
}

func requestKindLabel(ctx context.Context, k models.RequestKind) string {
	return Label(ctx, FamilyRequestKind, string(k))
}

func requestsTable(ctx context.Context, l RequestList) table {
	t := table{ID: "requests", Caption: i18n.T(ctx, "myrequests.table.caption"),
		Columns: []column{{Label: i18n.T(ctx, "myrequests.col.number"), RowHeader: true}, {Label: i18n.T(ctx, "myrequests.col.kind")},
			{Label: i18n.T(ctx, "myrequests.col.status")}, {Label: i18n.T(ctx, "myrequests.col.due")},
			{Label: i18n.T(ctx, "myrequests.col.filed"), Class: "nowrap"}},
		EmptyTitle: i18n.T(ctx, "myrequests.empty.title"), EmptyBody: i18n.T(ctx, "myrequests.empty.body"), Pagination: &l.Pagination}
	for _, r := range l.Items {
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{requestLink(r.ID), textCell(requestKindLabel(ctx, r.Kind)),
			requestStatus(r.Status), dueBadge(r.DueAt, l.Now, r.Status.Open()), dateTime(r.ReceivedAt)}})
	}
	return t
}

func requestFormOrder() []string {
	return []string{"name", "email", "kind", "details", "categories", "objection_ground", "agent_name", "agent_email"}
}
