package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

const auditPerPage = 50

func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form, filter := readAuditFilter(r)
	pg, offset := pageParam(r, auditPerPage)
	if q := form.Query(); q != "" {
		pg.BaseURL += "?" + q
	}
	page, err := h.Audit.Search(ctx, filter, auditPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	staff, err := h.Accounts.Staff(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = page.Total
	list := views.AuditList{Items: page.Entries, Names: page.Names, Pagination: pg, Filter: form}
	for _, u := range staff {
		name := u.Name
		if strings.TrimSpace(name) == "" {
			name = u.Email
		}
		list.Staff = append(list.Staff, views.AuditPerson{ID: u.ID, Name: name, Role: string(u.Role)})
	}
	// Verifying walks the whole chain, so it runs only on request.
	if r.URL.Query().Get("verify") == "1" {
		report, err := h.Audit.Verify(ctx)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		list.Verified, list.ChainIntact, list.BrokenID, list.Checked = true, report.BrokenID == 0, report.BrokenID, report.Checked
	}
	h.render(w, r, http.StatusOK, views.AuditPage(h.page(r, i18n.T(ctx, "audit.title")), list))
}

// readAuditFilter reads the filter from the query string. A field that
// does not parse gets its message and is left out of the filter, so the
// rest still applies and the page says what to fix.
func readAuditFilter(r *http.Request) (views.AuditFilter, audit.Filter) {
	ctx := r.Context()
	q := r.URL.Query()
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	form := views.AuditFilter{Actor: get("actor"), ActorID: get("actor_id"), Action: get("action"),
		From: get("from"), To: get("to"), Errors: views.FieldErrors{}}
	var f audit.Filter
	if id, ok := parseUserID(form.Actor); ok {
		f.ActorID = &id
	} else if form.Actor != "" {
		form.Errors["actor"] = i18n.T(ctx, "audit.filter.error.actor")
	}
	if id, ok := parseUserID(form.ActorID); ok {
		f.ActorID = &id
	} else if form.ActorID != "" {
		form.Errors["actor_id"] = i18n.T(ctx, "audit.filter.error.actor_id")
	}
	switch {
	case form.Action == "":
	case audit.KnownAction(form.Action), isActionPrefix(form.Action):
		f.Action = form.Action
	default:
		form.Errors["action"] = i18n.T(ctx, "audit.filter.error.action")
	}
	// Dates are whole days in the reader's zone, the one the page shows
	// times in; the log stores UTC.
	zone := i18n.Zone(ctx)
	from, fromOK := parseDay(form.From, zone)
	if fromOK {
		f.From = from
	} else if form.From != "" {
		form.Errors["from"] = i18n.T(ctx, "audit.filter.error.from")
	}
	to, toOK := parseDay(form.To, zone)
	switch {
	case toOK && fromOK && to.Before(from):
		form.Errors["to"] = i18n.T(ctx, "audit.filter.error.order")
	case toOK:
		f.To = to.AddDate(0, 0, 1) // the whole "to" day is included
	case form.To != "":
		form.Errors["to"] = i18n.T(ctx, "audit.filter.error.to")
	}
	return form, f
}

func parseUserID(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	return id, err == nil && id > 0
}

func parseDay(s string, zone *time.Location) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, s, zone)
	return t, err == nil && len(s) == len(time.DateOnly)
}

func isActionPrefix(s string) bool {
	for _, p := range audit.ActionPrefixes() {
		if s == p {
			return true
		}
	}
	return false
}
