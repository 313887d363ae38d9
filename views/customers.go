package views

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// CustomerResult is one customer a staff look-up found.
type CustomerResult struct {
	ID          int64
	Name, Email string
	CreatedAt   time.Time
}

// CustomerLookup feeds /staff/customers.
type CustomerLookup struct {
	Query    string
	Searched bool
	Results  []CustomerResult
	Errors   FieldErrors // q
}

// HoldView is one legal hold on the customer page.
type HoldView struct {
	ID                    int64
	Categories            []string // names
	Reason                string
	PlacedAt              time.Time
	ReleasedAt            *time.Time
	ReleaseReason         string
	ReleaseError, Release string // the release form's error and input, after a refused release
}

// RestrictionView is one restriction on the customer page.
type RestrictionView struct {
	ID                int64
	Category          string // name; "" for all the customer's data
	Ground, Reason    string
	RequestID         *int64
	PlacedAt          time.Time
	LiftsAt, LiftedAt *time.Time
}

// CustomerRequestView is one of the customer's requests.
type CustomerRequestView struct {
	ID         int64
	Kind       models.RequestKind
	Status     models.RequestStatus
	ReceivedAt time.Time
	DueAt      time.Time
}

// ObjectionView is one recorded objection to direct marketing.
type ObjectionView struct {
	RecordedAt time.Time
	RequestID  *int64
}

// HoldForm is the place-a-hold form as last submitted.
type HoldForm struct {
	Categories []string
	Reason     string
	Errors     FieldErrors // categories, reason
}

// CustomerFile feeds /staff/customers/{id}.
type CustomerFile struct {
	ID           int64
	Name, Email  string
	CreatedAt    time.Time
	Requests     []CustomerRequestView
	Holds        []HoldView
	Restrictions []RestrictionView
	Objections   []ObjectionView
	Categories   []CategoryChoice
	HoldForm     HoldForm
	// Consent is the customer's marketing choices and ledger (issue 12).
	Consent CustomerConsentView
}

func staffRequestURL(id int64) string { return "/staff/requests/" + strconv.FormatInt(id, 10) }

func customerURL(id int64) string { return "/staff/customers/" + strconv.FormatInt(id, 10) }

func (f CustomerFile) holdAction() string { return customerURL(f.ID) + "/holds" }
func (f CustomerFile) releaseAction(h HoldView) string {
	return customerURL(f.ID) + "/holds/" + strconv.FormatInt(h.ID, 10) + "/release"
}
func (f CustomerFile) liftAction(r RestrictionView) string {
	return customerURL(f.ID) + "/restrictions/" + strconv.FormatInt(r.ID, 10) + "/lift"
}

func (f HoldForm) checked(key string) bool {
	for _, c := range f.Categories {
		if c == key {
			return true
		}
	}
	return false
}

func lookupTable(ctx context.Context, rs []CustomerResult) table {
	t := table{ID: "customers", Caption: i18n.T(ctx, "customers.results"),
		Columns: []column{{Label: i18n.T(ctx, "customers.col.name"), RowHeader: true}, {Label: i18n.T(ctx, "customers.col.email")},
			{Label: i18n.T(ctx, "customers.col.created"), Class: "nowrap"}},
		EmptyTitle: i18n.T(ctx, "customers.none.title"), EmptyBody: i18n.T(ctx, "customers.none.body")}
	for _, c := range rs {
		name := c.Name
		if strings.TrimSpace(name) == "" {
			name = i18n.T(ctx, "profile.not_given")
		}
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{anchor(name, customerURL(c.ID)), textCell(c.Email), dateTime(c.CreatedAt)}})
	}
	return t
}

func customerRequestsTable(ctx context.Context, rs []CustomerRequestView) table {
	t := table{ID: "customer-requests", Caption: i18n.T(ctx, "customers.requests"),
		Columns: []column{{Label: i18n.T(ctx, "customers.col.request"), RowHeader: true}, {Label: i18n.T(ctx, "customers.col.kind")},
			{Label: i18n.T(ctx, "customers.col.status")}, {Label: i18n.T(ctx, "customers.col.received"), Class: "nowrap"},
			{Label: i18n.T(ctx, "customers.col.due"), Class: "nowrap"}},
		EmptyTitle: i18n.T(ctx, "customers.requests.none"), EmptyBody: i18n.T(ctx, "customers.requests.none_body")}
	for _, r := range rs {
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{
			anchor(RequestNumber(r.ID), staffRequestURL(r.ID)),
			textCell(Label(ctx, FamilyRequestKind, string(r.Kind))), requestStatus(r.Status), dateTime(r.ReceivedAt), dateTime(r.DueAt)}})
	}
	return t
}

func (f CustomerFile) holdsTable(ctx context.Context) table {
	t := table{ID: "holds", Caption: i18n.T(ctx, "holds.caption"),
		Columns: []column{{Label: i18n.T(ctx, "holds.col.categories"), RowHeader: true}, {Label: i18n.T(ctx, "holds.col.reason")},
			{Label: i18n.T(ctx, "holds.col.placed"), Class: "nowrap"}, {Label: i18n.T(ctx, "holds.col.status")}},
		ActionsLabel: i18n.T(ctx, "holds.col.actions"),
		EmptyTitle:   i18n.T(ctx, "holds.none.title"), EmptyBody: i18n.T(ctx, "holds.none.body")}
	for _, h := range f.Holds {
		row := tableRow{Cells: []templ.Component{textCell(strings.Join(h.Categories, ", ")), textCell(h.Reason), dateTime(h.PlacedAt),
			holdStatus(h)}}
		if h.ReleasedAt == nil {
			row.Actions = releaseForm(f.releaseAction(h), h)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func (f CustomerFile) restrictionsTable(ctx context.Context) table {
	t := table{ID: "restrictions", Caption: i18n.T(ctx, "restrictions.caption"),
		Columns: []column{{Label: i18n.T(ctx, "restrictions.col.scope"), RowHeader: true}, {Label: i18n.T(ctx, "restrictions.col.ground")},
			{Label: i18n.T(ctx, "restrictions.col.placed"), Class: "nowrap"}, {Label: i18n.T(ctx, "restrictions.col.status")}},
		ActionsLabel: i18n.T(ctx, "restrictions.col.actions"),
		EmptyTitle:   i18n.T(ctx, "restrictions.none.title"), EmptyBody: i18n.T(ctx, "restrictions.none.body")}
	for _, r := range f.Restrictions {
		scope := r.Category
		if scope == "" {
			scope = i18n.T(ctx, "restriction.scope.all")
		}
		row := tableRow{Cells: []templ.Component{textCell(scope), textCell(restrictionGround(ctx, r)), dateTime(r.PlacedAt), restrictionStatus(r)}}
		if r.LiftedAt == nil && r.LiftsAt == nil {
			row.Actions = liftForm(f.liftAction(r), r)
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func restrictionGround(ctx context.Context, r RestrictionView) string {
	if r.Reason == "objection_upheld" {
		return i18n.T(ctx, "restrictions.ground.objection_upheld")
	}
	if r.Ground == "objection" {
		return i18n.T(ctx, "restrictions.ground.objection")
	}
	return i18n.T(ctx, "restrictions.ground.request")
}
