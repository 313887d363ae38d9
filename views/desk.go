package views

import (
	"context"
	"github.com/photolab/privacyportal/internal/erasure"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// DeskDashboard is the staff home's figures.
type DeskDashboard struct {
	OpenByStatus []DeskCount // every open status, in the order of a request's life
	Open         int64
	Overdue      int64
	DueThisWeek  int64
	MedianDays   float64 // to close, over the last 90 days
	Closed       int64   // how many the median is over
	Weeks        []DeskWeek
}

// DeskCount is how many open requests are in one status.
type DeskCount struct {
	Status models.RequestStatus
	Count  int64
}

// DeskWeek is how many requests were received in the week from Start.
type DeskWeek struct {
	Start time.Time
	Count int64
}

// DeskFilter is the queue's filter form as typed, kept in the query
// string so paging keeps it.
type DeskFilter struct {
	Status   string // "" : every open status
	Kind     string
	Assignee string // "", "me", "unassigned"
	Due      string // "" or a number of days; "overdue"
	Errors   FieldErrors
}

// DeskDueChoices are the "due within" filter's values.
var DeskDueChoices = []string{"overdue", "7", "14", "30"}

// Query is the filter as a query string, "" when nothing is set.
func (f DeskFilter) Query() string {
	v := url.Values{}
	for _, p := range [][2]string{{"status", f.Status}, {"kind", f.Kind}, {"assignee", f.Assignee}, {"due", f.Due}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	return v.Encode()
}

// Active reports whether any filter is set.
func (f DeskFilter) Active() bool { return f.Query() != "" }

// DeskQueue is one page of the staff queue.
type DeskQueue struct {
	Rows       []DeskQueueRow
	Pagination Pagination
	// More: more requests match than the count goes to (Pagination.Total).
	More   bool
	Filter DeskFilter
	Now    time.Time
	// Return is this page's address, where "Assign to me" comes back to.
	Return string
}

// DeskQueueRow is one request in the queue.
type DeskQueueRow struct {
	ID             int64
	Kind           models.RequestKind
	Status         models.RequestStatus
	RequesterName  string
	RequesterEmail string
	ReceivedAt     time.Time
	DueAt          time.Time
	AssigneeName   string // "" : nobody
	AssignedToMe   bool
	Repeat         bool
	Duplicate      bool
}

// DeskPerson is a staff member or admin, for the assignment select and
// for naming who did what.
type DeskPerson struct {
	ID   int64
	Name string
}

// DeskRequest is a request's page for staff.
type DeskRequest struct {
	Request models.PrivacyRequest
	// Erasure is an erasure request's run and report (nil before approval).
	Erasure     *DeskErasure
	Events      []models.RequestEvent
	Messages    []models.RequestMessage
	Corrections []models.RequestCorrection
	// FieldLabels names the corrections' fields (see CorrectionKey).
	FieldLabels map[string]string
	Documents   []models.RequestDocument
	Notes       []models.RequestNote
	// Actions are what staff may do now (requests.Allowed), by name.
	Actions []string
	Staff   []DeskPerson
	// DenyCodes are the reasons a denial may give (requests.DenyCodes).
	DenyCodes []string
	Now       time.Time
	MeID      int64
	// Form is what the last refused action's form held, with its errors
	// beside the fields; field names are unique on the page.
	Form DeskForm
	// Exports are the request's download packages (access, portability).
	Exports []models.Export
	// Tasks are what was passed on to the connected systems (erasure).
	Tasks []erasure.TaskRow
}

// DeskForm is an action form as typed.
type DeskForm struct {
	Values map[string]string
	Errors FieldErrors
}

func (f DeskForm) value(name string) string { return f.Values[name] }

// deskFieldOrder is the order of the page's fields, for the summary.
var deskFieldOrder = []string{"verify_note", "doubt_reason", "reject_text", "question", "deny_code", "deny_text", "extend_due",
	"extend_reason", "duplicate_of", "complete_note", "assignee", "message_body", "note_body"}

func (d DeskRequest) can(action string) bool {
	for _, a := range d.Actions {
		if a == action {
			return true
		}
	}
	return false
}

// personName names a staff member by id; a deleted one is a number.
func (d DeskRequest) personName(ctx context.Context, id *int64) string {
	if id == nil {
		return "—"
	}
	for _, p := range d.Staff {
		if p.ID == *id {
			return p.Name
		}
	}
	return i18n.T(ctx, "desk.person_unknown", "ID", *id)
}

// deskLabel names a stored code by prefix+code, or shows the code as
// stored when nobody wrote a label for it.
func deskLabel(ctx context.Context, prefix, code string) string {
	if strings.TrimSpace(code) == "" {
		return "—"
	}
	if !i18n.Has(prefix + code) {
		return code
	}
	return i18n.T(ctx, prefix+code)
}

func deskRequestURL(id int64) string { return "/staff/requests/" + strconv.FormatInt(id, 10) }

func deskActionURL(id int64, action string) string { return deskRequestURL(id) + "/" + action }

func deskDocumentURL(req, doc int64) string {
	return deskRequestURL(req) + "/documents/" + strconv.FormatInt(doc, 10)
}

func deskCustomerURL(id int64) string { return "/staff/customers/" + strconv.FormatInt(id, 10) }

// deskField is one field of an action form, with its value and error.
func deskField(ctx context.Context, f DeskForm, name, typ string, required bool) field {
	return field{Name: name, Label: i18n.T(ctx, "desk.field."+name), Type: typ, Value: f.value(name), Error: f.Errors[name],
		Required: required, MaxLength: 10_000}
}

func withHintText(f field, hint string) field {
	f.Hint = hint
	return f
}

// deskStatusChoices are the queue's status filter: open (the default),
// each status, everything.
func deskStatusChoices(ctx context.Context) []option {
	out := []option{{Value: "", Label: i18n.T(ctx, "desk.filter.status.open")}}
	for _, s := range models.RequestStatuses {
		out = append(out, option{Value: string(s), Label: Label(ctx, FamilyRequestStatus, string(s))})
	}
	return append(out, option{Value: "all", Label: i18n.T(ctx, "desk.filter.status.all")})
}

func deskKindChoices(ctx context.Context) []option {
	out := []option{{Value: "", Label: i18n.T(ctx, "desk.filter.kind.any")}}
	for _, k := range models.RequestKinds {
		out = append(out, option{Value: string(k), Label: Label(ctx, FamilyRequestKind, string(k))})
	}
	return out
}

func deskAssigneeChoices(ctx context.Context) []option {
	return []option{{Value: "", Label: i18n.T(ctx, "desk.filter.assignee.any")},
		{Value: "me", Label: i18n.T(ctx, "desk.filter.assignee.me")},
		{Value: "unassigned", Label: i18n.T(ctx, "desk.filter.assignee.unassigned")}}
}

func deskDueChoices(ctx context.Context) []option {
	out := []option{{Value: "", Label: i18n.T(ctx, "desk.filter.due.any")},
		{Value: "overdue", Label: i18n.T(ctx, "desk.filter.due.overdue")}}
	for _, d := range DeskDueChoices[1:] {
		n, _ := strconv.Atoi(d)
		out = append(out, option{Value: d, Label: i18n.T(ctx, "desk.filter.due.within", "Count", n)})
	}
	return out
}

func deskFilterField(ctx context.Context, f DeskFilter, name, value string) field {
	return field{Name: name, Label: i18n.T(ctx, "desk.filter."+name), Value: value, Error: f.Errors[name]}
}

// deskJurisdictionChoices are the laws a request's deadline may follow.
func deskJurisdictionChoices(ctx context.Context) []option {
	return []option{{Value: models.JurisdictionGDPR, Label: i18n.T(ctx, "request.jurisdiction."+models.JurisdictionGDPR)},
		{Value: models.JurisdictionCCPA, Label: i18n.T(ctx, "request.jurisdiction."+models.JurisdictionCCPA)}}
}

// deskDenyChoices offer every reason code, after a prompt.
func deskDenyChoices(ctx context.Context, codes []string) []option {
	out := []option{{Value: "", Label: i18n.T(ctx, "desk.field.deny_code.choose")}}
	for _, c := range codes {
		out = append(out, option{Value: c, Label: Label(ctx, FamilyDenyCode, c)})
	}
	return out
}

func deskAssignChoices(ctx context.Context, staff []DeskPerson) []option {
	out := []option{{Value: "0", Label: i18n.T(ctx, "desk.field.assignee.nobody")}}
	for _, p := range staff {
		out = append(out, option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name})
	}
	return out
}

func idString(id *int64) string {
	if id == nil {
		return "0"
	}
	return strconv.FormatInt(*id, 10)
}

// deskQueueTable is the queue as a recordTable.
func deskQueueTable(ctx context.Context, q DeskQueue) table {
	t := table{
		ID: "queue", Caption: i18n.T(ctx, "desk.queue.caption"),
		Columns: []column{
			// No nowrap: a flag goes under the number rather than widen the table.
			{Label: i18n.T(ctx, "desk.col.number"), RowHeader: true},
			{Label: i18n.T(ctx, "desk.col.requester")},
			{Label: i18n.T(ctx, "desk.col.kind")},
			{Label: i18n.T(ctx, "desk.col.status")},
			{Label: i18n.T(ctx, "desk.col.received"), Class: "nowrap"},
			{Label: i18n.T(ctx, "desk.col.due"), Class: "nowrap"},
			{Label: i18n.T(ctx, "desk.col.assignee")},
		},
		ActionsLabel: i18n.T(ctx, "desk.col.actions"),
		EmptyTitle:   i18n.T(ctx, "desk.queue.empty.title"), EmptyBody: i18n.T(ctx, "desk.queue.empty.body"),
		Pagination: &q.Pagination,
	}
	if q.Filter.Active() {
		t.EmptyTitle, t.EmptyBody = i18n.T(ctx, "desk.queue.filtered_empty.title"), i18n.T(ctx, "desk.queue.filtered_empty.body")
	}
	for _, r := range q.Rows {
		row := tableRow{Cells: []templ.Component{
			deskNumberCell(r), deskRequesterCell(r.RequesterName, r.RequesterEmail), textCell(Label(ctx, FamilyRequestKind, string(r.Kind))),
			requestStatus(r.Status), dateTime(r.ReceivedAt), deskDueCell(r.DueAt, q.Now, r.Status.Open()), textCell(orDash(r.AssigneeName)),
		}}
		if !r.AssignedToMe && r.Status.Open() {
			row.Actions = deskAssignMe(r.ID, q.Return)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// deskChart is the dashboard's weekly chart.
func deskChart(ctx context.Context, d DeskDashboard) BarChart {
	locale := i18n.Locale(ctx)
	c := BarChart{ID: "weekly", Title: i18n.T(ctx, "desk.chart.title"), LabelHeader: i18n.T(ctx, "desk.chart.week"),
		ValueHeader: i18n.T(ctx, "desk.chart.requests"), Format: func(n int64) string { return FormatNumber(locale, n) }}
	var total, best int64
	bestAt := ""
	for _, w := range d.Weeks {
		c.Labels = append(c.Labels, shortDay(locale, w.Start))
		c.Values = append(c.Values, w.Count)
		total += w.Count
		if w.Count > best || bestAt == "" {
			best, bestAt = w.Count, FormatDate(locale, w.Start.Format(time.DateOnly))
		}
	}
	c.Desc = i18n.T(ctx, "desk.chart.desc", "Weeks", len(d.Weeks), "Total", FormatNumber(locale, total),
		"Most", FormatNumber(locale, best), "Week", bestAt)
	return c
}

// shortDay is a day and month, as a chart's axis needs: "2 Mar".
func shortDay(locale string, t time.Time) string {
	switch locale {
	case "fr":
		return i18n.DayFR(t.Day()) + " " + monthsFR[t.Month()-1]
	case "zh-CN":
		return strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
	}
	return strconv.Itoa(t.Day()) + " " + monthsEN[t.Month()-1]
}

// formatDays is a number of days with one decimal, in locale's style.
func formatDays(locale string, d float64) string {
	s := strconv.FormatFloat(d, 'f', 1, 64)
	if locale == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
