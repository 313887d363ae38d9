package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// The staff desk: the dashboard, the queue and a request's page with its
// actions. Each action is a POST that redirects with a flash; a refused
// input re-renders the page with the error beside the field and what was
// typed kept (422); a request someone else changed first is a flash.

const deskPerPage = 25

func (h *Handler) staffHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, err := h.Requests.Stats(ctx, h.actor(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := views.DeskDashboard{Open: st.Open, Overdue: st.Overdue, DueThisWeek: st.DueThisWeek, MedianDays: st.MedianDaysToClose,
		Closed: st.Closed}
	for _, s := range requests.OpenStatuses() {
		d.OpenByStatus = append(d.OpenByStatus, views.DeskCount{Status: s, Count: st.OpenByStatus[s]})
	}
	for _, w := range st.Weeks {
		d.Weeks = append(d.Weeks, views.DeskWeek{Start: w.Start, Count: w.Count})
	}
	h.render(w, r, http.StatusOK, views.StaffHomePage(h.page(r, i18n.T(ctx, "staff.title")), d))
}

func (h *Handler) deskQueue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form, filter := h.readDeskFilter(r)
	pg, offset := pageParam(r, deskPerPage)
	if q := form.Query(); q != "" {
		pg.BaseURL += "?" + q
	}
	page, err := h.Requests.Queue(ctx, h.actor(r), filter, deskPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = page.Total
	me := CurrentUser(r).ID
	q := views.DeskQueue{Pagination: pg, More: page.More, Filter: form, Now: h.Requests.Clock(), Return: r.URL.RequestURI()}
	for _, row := range page.Rows {
		q.Rows = append(q.Rows, views.DeskQueueRow{ID: row.ID, Kind: row.Kind, Status: row.Status, RequesterName: row.RequesterName,
			RequesterEmail: row.RequesterEmail, ReceivedAt: row.ReceivedAt, DueAt: row.DueAt, AssigneeName: row.AssigneeName,
			AssignedToMe: row.AssigneeID != nil && *row.AssigneeID == me, Repeat: row.Repeat, Duplicate: row.Duplicate})
	}
	h.render(w, r, http.StatusOK, views.DeskQueuePage(h.page(r, i18n.T(ctx, "desk.queue.title")), q))
}

// readDeskFilter reads the queue's filter from the query string; a value
// that is not one of the choices gets its message and is left out.
func (h *Handler) readDeskFilter(r *http.Request) (views.DeskFilter, requests.QueueFilter) {
	ctx := r.Context()
	q := r.URL.Query()
	form := views.DeskFilter{Status: q.Get("status"), Kind: q.Get("kind"), Assignee: q.Get("assignee"), Due: q.Get("due"),
		Errors: views.FieldErrors{}}
	var f requests.QueueFilter
	switch {
	case form.Status == "":
	case form.Status == "all":
		f.Statuses = models.RequestStatuses
	case isStatus(form.Status):
		f.Statuses = []models.RequestStatus{models.RequestStatus(form.Status)}
	default:
		form.Errors["status"] = i18n.T(ctx, "desk.filter.error")
	}
	switch {
	case form.Kind == "":
	case isKind(form.Kind):
		f.Kind = models.RequestKind(form.Kind)
	default:
		form.Errors["kind"] = i18n.T(ctx, "desk.filter.error")
	}
	switch form.Assignee {
	case "":
	case "me":
		f.Assignee = CurrentUser(r).ID
	case "unassigned":
		f.Assignee = requests.Unassigned
	default:
		form.Errors["assignee"] = i18n.T(ctx, "desk.filter.error")
	}
	now := h.Requests.Clock()
	switch days, err := strconv.Atoi(form.Due); {
	case form.Due == "":
	case form.Due == "overdue":
		f.DueBefore = &now
	case err == nil && days > 0 && days <= 366:
		t := now.Add(time.Duration(days) * 24 * time.Hour)
		f.DueBefore = &t
	default:
		form.Errors["due"] = i18n.T(ctx, "desk.filter.error")
	}
	return form, f
}

func isStatus(s string) bool {
	for _, st := range models.RequestStatuses {
		if string(st) == s {
			return true
		}
	}
	return false
}

func isKind(s string) bool {
	for _, k := range models.RequestKinds {
		if string(k) == s {
			return true
		}
	}
	return false
}

// deskID is the {id} of the path, or 0 for one that cannot be a request.
func deskID(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

func (h *Handler) deskRequest(w http.ResponseWriter, r *http.Request) {
	h.renderDeskRequest(w, r, http.StatusOK, deskID(r), views.DeskForm{})
}

func (h *Handler) renderDeskRequest(w http.ResponseWriter, r *http.Request, status int, id int64, form views.DeskForm) {
	ctx := r.Context()
	if id == 0 {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	a := h.actor(r)
	d, err := h.Requests.StaffDetail(ctx, a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	people, err := h.Requests.Assignables(ctx, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := views.DeskRequest{Request: d.Request, Events: d.Events, Messages: d.Messages, Corrections: d.Corrections, FieldLabels: correctionLabels(r.Context(), d.Corrections),
		Documents: d.Documents, Notes: d.Notes, DenyCodes: requests.DenyCodes, Now: h.Requests.Clock(), MeID: a.UserID, Form: form}
	if v.Exports, err = h.requestExports(r, d.Request.Kind, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Erasure, err = h.deskErasure(r, d.Request); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Tasks, err = h.Erasure.RequestTasks(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, act := range requests.Allowed(d.Request.Status, requests.Staff) {
		if act == requests.ActComplete && v.Erasure != nil {
			continue // the engine completes it, once everything is done
		}
		v.Actions = append(v.Actions, string(act))
	}
	for _, p := range people {
		v.Staff = append(v.Staff, views.DeskPerson{ID: p.ID, Name: p.Name})
	}
	title := i18n.T(ctx, "desk.request.title", "Number", views.RequestNumber(id))
	h.render(w, r, status, views.DeskRequestPage(h.pageAt(r, title, "/staff/requests/"+strconv.FormatInt(id, 10)), v))
}

// deskFields maps a service's field names to the page's, per action.
var deskFields = map[string]map[string]string{
	"verify":           {},
	"require_document": {"reason": "doubt_reason"},
	"reject_identity":  {"text": "reject_text"},
	"ask":              {"question": "question"},
	"deny":             {"code": "deny_code", "text": "deny_text"},
	"extend":           {"due": "extend_due", "reason": "extend_reason"},
	"mark_duplicate":   {"of": "duplicate_of"},
	"complete":         {},
	"assign":           {"assignee": "assignee"},
	"jurisdiction":     {"jurisdiction": "jurisdiction"},
	"message":          {"body": "message_body"},
	"note":             {"body": "note_body"},
}

// deskAct handles one action's POST: run, then flash and redirect, or
// show the refused input again beside its fields.
func (h *Handler) deskAct(action string, run func(r *http.Request, id int64, form views.DeskForm) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := deskID(r)
		if id == 0 {
			h.RenderError(w, r, http.StatusNotFound)
			return
		}
		form := views.DeskForm{Values: map[string]string{}, Errors: views.FieldErrors{}}
		for _, name := range deskFields[action] {
			form.Values[name] = r.PostFormValue(name)
		}
		err := run(r, id, form)
		back := "/staff/requests/" + strconv.FormatInt(id, 10)
		switch {
		case err == nil:
			addFlash(r, flashSuccess, "desk.flash."+action)
			h.redirect(w, r, localPath(r.PostFormValue("next"), back))
		case errors.Is(err, requests.ErrWrongState):
			addFlash(r, flashError, "desk.flash.conflict")
			h.redirect(w, r, back)
		case (fault.Is(err, fault.Invalid) || fault.Is(err, fault.Conflict)) && fault.FieldsOf(err) != nil:
			// A conflict with fields (a corrected value changed since
			// filing) is said on the page too, not on an error page.
			var general []string
			for field, msg := range fault.FieldsOf(err) {
				if name := deskFields[action][field]; name != "" {
					form.Errors[name] = i18n.T(ctx, msg)
				} else if t := i18n.T(ctx, msg); !slices.Contains(general, t) {
					general = append(general, t)
				}
			}
			if len(general) > 0 {
				slices.Sort(general)
				form.Errors["form"] = strings.Join(general, " ")
			}
			status := http.StatusUnprocessableEntity
			if fault.Is(err, fault.Conflict) {
				status = http.StatusConflict
			}
			h.renderDeskRequest(w, r, status, id, form)
		default:
			h.fail(w, r, err)
		}
	}
}

// deskAction is the handler of one action's POST, by the action's name
// (the last part of its path).
func (h *Handler) deskAction(action string) http.HandlerFunc {
	run, ok := h.deskRuns()[action]
	if !ok {
		panic("handlers: no desk action " + action)
	}
	return h.deskAct(action, run)
}

// deskRuns call the service for each action with what its form holds.
func (h *Handler) deskRuns() map[string]func(r *http.Request, id int64, form views.DeskForm) error {
	svc := func(r *http.Request) (*requests.Service, func(string) string) {
		return h.Requests, func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	}
	return map[string]func(r *http.Request, id int64, form views.DeskForm) error{
		"verify": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			return s.VerifyIdentity(r.Context(), h.actor(r), id, v("verify_note"))
		},
		"require_document": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			return s.RequireDocument(r.Context(), h.actor(r), id, v("doubt_reason"))
		},
		"reject_identity": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			return s.RejectIdentity(r.Context(), h.actor(r), id, v("reject_text"))
		},
		"ask": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			return s.Ask(r.Context(), h.actor(r), id, v("question"))
		},
		"approve": func(r *http.Request, id int64, _ views.DeskForm) error {
			return h.Requests.Approve(r.Context(), h.actor(r), id)
		},
		"deny": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			return s.Deny(r.Context(), h.actor(r), id, v("deny_code"), v("deny_text"))
		},
		"extend": func(r *http.Request, id int64, _ views.DeskForm) error {
			return h.deskExtend(r, id)
		},
		"mark_duplicate": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			of, ok := parseRequestNumber(v("duplicate_of"))
			if !ok {
				return requests.ErrDuplicateOf
			}
			return s.MarkDuplicate(r.Context(), h.actor(r), id, of)
		},
		"complete": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			return s.Complete(r.Context(), h.actor(r), id, v("complete_note"))
		},
		"assign": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			to := v("assignee")
			if to == "me" {
				return s.Assign(r.Context(), h.actor(r), id, CurrentUser(r).ID)
			}
			uid, err := strconv.ParseInt(to, 10, 64)
			if err != nil {
				return requests.ErrAssignee
			}
			return s.Assign(r.Context(), h.actor(r), id, uid)
		},
		"jurisdiction": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			return s.SetJurisdiction(r.Context(), h.actor(r), id, v("jurisdiction"))
		},
		"message": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			_, err := s.StaffMessage(r.Context(), h.actor(r), id, v("message_body"))
			return err
		},
		"note": func(r *http.Request, id int64, _ views.DeskForm) error {
			s, v := svc(r)
			_, err := s.AddNote(r.Context(), h.actor(r), id, v("note_body"))
			return err
		},
	}
}

// deskExtend reads the new due date: a day in the reader's zone, at the
// time of day the current deadline falls on, so the longest extension the
// law allows can be picked as a date.
func (h *Handler) deskExtend(r *http.Request, id int64) error {
	ctx := r.Context()
	day, ok := parseDay(strings.TrimSpace(r.PostFormValue("extend_due")), i18n.Zone(ctx))
	if !ok {
		return fault.InvalidFields("desk: a date", map[string]string{"due": "desk.error.date"})
	}
	reason := strings.TrimSpace(r.PostFormValue("extend_reason"))
	return h.Requests.ExtendToDay(ctx, h.actor(r), id, day, reason)
}

// parseRequestNumber reads "42" or "#42".
func parseRequestNumber(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	return id, err == nil && id > 0
}
