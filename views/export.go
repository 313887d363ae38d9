package views

import (
	"context"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// ExportScript polls a package's progress and updates the page in place
// (the page works without it: a <noscript> refresh).
const ExportScript = "js/export.js"

// ExportRefresh is how often, in seconds, a package's page reloads while
// it is being built and JavaScript is off.
const ExportRefresh = 4

// ExportPage is "Download my data": what a package holds, the form to
// ask for one, and the customer's packages.
type ExportPage struct {
	Choices []CategoryChoice
	Chosen  []string
	// Errors are beside their fields ("categories"); "form" is the
	// throttle's message above the button.
	Errors   FieldErrors
	KeepDays int
	Items    []models.Export
	Now      time.Time
}

// ExportView is one package's page for its customer.
type ExportView struct {
	Export models.Export
	Now    time.Time
}

// ExportURL is the customer's page of package id.
func ExportURL(id int64) string { return export.PageURL(id) }

// ExportDownloadURL is where the customer downloads package id.
func ExportDownloadURL(id int64) string { return export.PageURL(id) + "/download" }

// ExportProgressURL is the fragment the page's script polls.
func ExportProgressURL(id int64) string { return export.PageURL(id) + "/progress" }

// PublicExportURL is where a requester holding the pass of request
// requestID downloads package id.
func PublicExportURL(requestID, id int64) string {
	return StatusURL(requestID) + "/export/" + strconv.FormatInt(id, 10)
}

// ExportInProgress reports whether e is still on its way (the page
// keeps refreshing).
func ExportInProgress(e models.Export) bool {
	return e.Status == models.ExportQueued || e.Status == models.ExportBuilding
}

// exportState is the status a page shows: ready past its expiry reads
// expired, before the sweep has run.
func exportState(e models.Export, now time.Time) models.ExportStatus {
	if export.Expired(e, now) {
		return models.ExportExpired
	}
	return e.Status
}

func exportStatusLabel(ctx context.Context, e models.Export, now time.Time) string {
	return i18n.T(ctx, "export.status."+string(exportState(e, now)))
}

func exportStatusClass(e models.Export, now time.Time) string {
	switch exportState(e, now) {
	case models.ExportReady:
		return "badge badge--success"
	case models.ExportFailed:
		return "badge badge--danger"
	case models.ExportExpired:
		return "badge badge--neutral"
	}
	return "badge badge--info"
}

// exportStep names the step a build is at, in words.
func exportStep(ctx context.Context, e models.Export) string {
	if e.Step == "" {
		return i18n.T(ctx, "export.step.waiting")
	}
	return i18n.T(ctx, "export.step."+e.Step)
}

func exportPercent(e models.Export) string { return strconv.Itoa(min(max(e.Progress, 0), 100)) }

func exportSize(ctx context.Context, e models.Export) string {
	return FormatBytes(i18n.Locale(ctx), e.SizeBytes)
}

// exportWhat is what a package holds: every category, or how many.
func exportWhat(ctx context.Context, e models.Export) string {
	if e.Categories == "" {
		return i18n.T(ctx, "export.what.all")
	}
	n := 1
	for _, c := range e.Categories {
		if c == ',' {
			n++
		}
	}
	return i18n.T(ctx, "export.what.some", "Count", n, "Number", FormatNumber(i18n.Locale(ctx), int64(n)))
}

func exportsTable(ctx context.Context, items []models.Export, now time.Time) table {
	t := table{ID: "exports", Caption: i18n.T(ctx, "export.list.caption"),
		Columns: []column{{Label: i18n.T(ctx, "export.col.asked"), RowHeader: true, Class: "nowrap"},
			{Label: i18n.T(ctx, "export.col.what")}, {Label: i18n.T(ctx, "export.col.status")},
			{Label: i18n.T(ctx, "export.col.until"), Class: "nowrap"}},
		EmptyTitle: i18n.T(ctx, "export.list.empty_title"), EmptyBody: i18n.T(ctx, "export.list.empty_body")}
	for _, e := range items {
		var until templ.Component = textCell("")
		if e.ExpiresAt != nil && exportState(e, now) == models.ExportReady {
			until = dateTime(*e.ExpiresAt)
		}
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{exportLink(e), textCell(exportWhat(ctx, e)),
			badgeCell(exportStatusLabel(ctx, e, now), exportStatusClass(e, now)), until}})
	}
	return t
}

// AwaitsPackage reports whether request r waits for a download package
// to answer it (approved, handed off, access or portability).
func AwaitsPackage(r models.PrivacyRequest) bool {
	return r.Status == models.StatusWaitingFulfilment && (r.Kind == models.RequestAccess || r.Kind == models.RequestPortability)
}

// deskExportsBuilding reports whether one of the packages is on its way.
func deskExportsBuilding(list []models.Export) bool {
	for _, e := range list {
		if ExportInProgress(e) {
			return true
		}
	}
	return false
}

// deskExportURL is a desk action on package exportID of request requestID.
func deskExportURL(requestID, exportID int64, action string) string {
	return deskRequestURL(requestID) + "/exports/" + strconv.FormatInt(exportID, 10) + "/" + action
}

// deskNoteURL is where a note's withholding is set.
func deskNoteURL(requestID, noteID int64) string {
	return deskRequestURL(requestID) + "/notes/" + strconv.FormatInt(noteID, 10) + "/withhold"
}

// withholdReason names an exemption code in words.
func withholdReason(ctx context.Context, code string) string {
	return i18n.T(ctx, "request.note.withheld_reason."+code)
}
