package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// requestsPerPage is the length of a page of "Your requests".
const requestsPerPage = 20

// requestsNow is the requests service's clock, so pages and passes agree
// with the deadlines a test's clock set.
func (h *Handler) requestsNow() time.Time {
	if h.Requests != nil && h.Requests.Now != nil {
		return h.Requests.Now().UTC()
	}
	return time.Now().UTC()
}

// requestID reads the {id} of a request route; junk is nobody's request.
func requestID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// translated turns a service's field errors (message ids) into the
// reader's language.
func translated(r *http.Request, err error) views.FieldErrors {
	out := views.FieldErrors{}
	for f, id := range fault.FieldsOf(err) {
		out[f] = i18n.T(r.Context(), id)
	}
	return out
}

// categoryChoices are the data categories a request may name, in the
// reader's language.
func (h *Handler) categoryChoices(r *http.Request) []views.CategoryChoice {
	var out []views.CategoryChoice
	cats, err := h.Holdings.Categories(r.Context())
	if err != nil {
		return nil
	}
	for _, c := range cats {
		if _, ok := holdings.Lookup(c.Key); !ok || c.Key == holdings.KeyRequests {
			continue
		}
		out = append(out, views.CategoryChoice{Key: c.Key, Label: c.In(i18n.Locale(r.Context())).Name})
	}
	return out
}

func readRequestForm(r *http.Request) views.RequestForm {
	r.ParseForm()
	return views.RequestForm{Kind: r.PostFormValue("kind"), Details: r.PostFormValue("details"),
		ObjectionGround: r.PostFormValue("objection_ground"), Categories: r.PostForm["categories"],
		Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		AgentName: r.PostFormValue("agent_name"), AgentEmail: r.PostFormValue("agent_email")}
}

func (h *Handler) myRequests(w http.ResponseWriter, r *http.Request) {
	pg, offset := pageParam(r, requestsPerPage)
	items, total, err := h.Requests.Mine(r.Context(), CurrentUser(r).ID, requestsPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	h.render(w, r, http.StatusOK, views.RequestsPage(h.page(r, i18n.T(r.Context(), "myrequests.title")),
		views.RequestList{Items: items, Pagination: pg, Now: h.requestsNow()}))
}

func (h *Handler) showNewRequest(w http.ResponseWriter, r *http.Request) {
	f := views.RequestForm{Kind: r.URL.Query().Get("kind"), Choices: h.categoryChoices(r)}
	h.render(w, r, http.StatusOK, views.NewRequestPage(h.page(r, i18n.T(r.Context(), "myrequests.new")), f))
}

func (h *Handler) fileRequest(w http.ResponseWriter, r *http.Request) {
	f := readRequestForm(r)
	u := CurrentUser(r)
	req, err := h.Requests.FileAsCustomer(r.Context(), h.actor(r), u.ID, requests.Filing{Kind: models.RequestKind(f.Kind),
		Details: f.Details, Categories: f.Categories, ObjectionGround: f.ObjectionGround})
	if err == nil {
		msg := "myrequests.filed"
		if req.Status == models.StatusDuplicate {
			msg = "myrequests.filed_duplicate"
		}
		addFlash(r, flashSuccess, msg)
		h.redirect(w, r, views.RequestURL(req.ID))
		return
	}
	if !fault.Is(err, fault.Invalid) {
		h.fail(w, r, err)
		return
	}
	f.Errors, f.Choices = translated(r, err), h.categoryChoices(r)
	h.render(w, r, http.StatusUnprocessableEntity, views.NewRequestPage(h.page(r, i18n.T(r.Context(), "myrequests.new")), f))
}

// requestView is what a requester's page shows of d.
func (h *Handler) requestView(ctx context.Context, d requests.Detail, base, documentURL string) views.RequestView {
	st := d.Request.Status
	return views.RequestView{Request: d.Request, Events: d.Events, Messages: d.Messages, Now: h.requestsNow(), Base: base,
		Corrections: d.Corrections, FieldLabels: correctionLabels(ctx, d.Corrections),
		CanCancel:   slices.Contains(requests.Allowed(st, requests.Requester), requests.ActCancel),
		CanReply:    st.Open(),
		DocumentURL: documentURL}
}

func (h *Handler) myRequest(w http.ResponseWriter, r *http.Request) {
	h.showMyRequest(w, r, http.StatusOK, "", "")
}

func (h *Handler) showMyRequest(w http.ResponseWriter, r *http.Request, status int, reply, replyErr string) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	d, err := h.Requests.MineOne(r.Context(), h.actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.requestView(r.Context(), d, views.RequestURL(id), views.RequestURL(id)+"/document")
	if v.Exports, err = h.requestExports(r, d.Request.Kind, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Erasure, err = h.myErasure(r, d.Request); err != nil {
		h.fail(w, r, err)
		return
	}
	v.ConfirmCancel = r.URL.Query().Get("cancel") == "confirm"
	v.Reply, v.ReplyError = reply, replyErr
	h.render(w, r, status, views.RequestPage(h.pageAt(r, views.RequestNumber(id), views.RequestURL(id)), v))
}

func (h *Handler) cancelMyRequest(w http.ResponseWriter, r *http.Request) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		h.redirect(w, r, views.RequestURL(id)+"?cancel=confirm#cancel")
		return
	}
	h.afterRequesterAction(w, r, h.Requests.Cancel(r.Context(), h.actor(r), id), views.RequestURL(id), "myrequests.cancelled")
}

func (h *Handler) replyMyRequest(w http.ResponseWriter, r *http.Request) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	body := r.PostFormValue("body")
	err := h.Requests.Reply(r.Context(), h.actor(r), id, body)
	if fault.Is(err, fault.Invalid) {
		h.showMyRequest(w, r, http.StatusUnprocessableEntity, body, translated(r, err)["body"])
		return
	}
	h.afterRequesterAction(w, r, err, views.RequestURL(id)+"#messages", "myrequests.replied")
}

// afterRequesterAction redirects back with a flash: success, or "not
// possible any more" when the request moved on meanwhile.
func (h *Handler) afterRequesterAction(w http.ResponseWriter, r *http.Request, err error, back, success string) {
	switch {
	case err == nil:
		addFlash(r, flashSuccess, success)
	case errors.Is(err, requests.ErrWrongState):
		addFlash(r, flashError, "myrequests.not_possible")
	default:
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, back)
}

// correctionLabels names each correction's field in the reader's language,
// from the label its category declares.
func correctionLabels(ctx context.Context, cs []models.RequestCorrection) map[string]string {
	out := make(map[string]string, len(cs))
	for _, c := range cs {
		if f, ok := holdings.CorrectableField(c.Category, c.Field); ok {
			out[views.CorrectionKey(c)] = i18n.T(ctx, f.Label)
		}
	}
	return out
}
