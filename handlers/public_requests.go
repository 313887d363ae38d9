package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// The public pages serve people without an account. Nothing on them
// says whether an email has an account or a request number exists: the
// code pages look the same for every number, and a request's data is
// shown only with the session's pass for it (a mailed code).

// publicPath is a public page of request id: "/requests/<page>/<id>".
func publicPath(id int64, page string) string {
	return "/requests/" + page + "/" + strconv.FormatInt(id, 10)
}

func (h *Handler) showPublicRequest(w http.ResponseWriter, r *http.Request) {
	f := views.RequestForm{Kind: r.URL.Query().Get("kind"), Choices: h.categoryChoices(r)}
	h.render(w, r, http.StatusOK, views.PublicRequestPage(h.page(r, i18n.T(r.Context(), "publicrequest.title")), f))
}

func (h *Handler) filePublicRequest(w http.ResponseWriter, r *http.Request) {
	f := readRequestForm(r)
	req, err := h.Requests.FilePublic(r.Context(), h.publicActor(r), requests.PublicFiling{Name: f.Name, Email: f.Email,
		Kind: models.RequestKind(f.Kind), Details: f.Details, Categories: f.Categories, ObjectionGround: f.ObjectionGround,
		AgentName: f.AgentName, AgentEmail: f.AgentEmail})
	if err == nil {
		h.redirect(w, r, publicPath(req.ID, "verify"))
		return
	}
	if !fault.Is(err, fault.Invalid) {
		h.fail(w, r, err)
		return
	}
	f.Errors, f.Choices = translated(r, err), h.categoryChoices(r)
	h.render(w, r, http.StatusUnprocessableEntity, views.PublicRequestPage(h.page(r, i18n.T(r.Context(), "publicrequest.title")), f))
}

func (h *Handler) showPublicCode(w http.ResponseWriter, r *http.Request) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	h.render(w, r, http.StatusOK, views.PublicCodePage(h.page(r, i18n.T(r.Context(), "publicrequest.code.title")), id, ""))
}

func (h *Handler) confirmPublicCode(w http.ResponseWriter, r *http.Request) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	err := h.Requests.ConfirmEmail(r.Context(), h.publicActor(r), id, r.PostFormValue("code"))
	if fault.Is(err, fault.Invalid) {
		h.render(w, r, http.StatusUnprocessableEntity, views.PublicCodePage(h.page(r, i18n.T(r.Context(), "publicrequest.code.title")),
			id, translated(r, err)["code"]))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The code proved the email: this session may now go on with this
	// one request (the knowledge check, the status page).
	grantPublicPass(r, id, time.Now())
	h.redirect(w, r, publicPath(id, "check"))
}

func (h *Handler) resendPublicCode(w http.ResponseWriter, r *http.Request) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	if err := h.Requests.ResendVerifyCode(r.Context(), h.publicActor(r), id); err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashInfo, "publicrequest.code.resent")
	h.redirect(w, r, publicPath(id, "verify"))
}

// progressWithPass is the request's progress when the session holds its
// pass; without one the visitor goes to the status page's code step. The
// pass runs on the wall clock, like the documents' pages that check it.
func (h *Handler) progressWithPass(w http.ResponseWriter, r *http.Request) (int64, requests.Progress, bool) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return 0, requests.Progress{}, false
	}
	if !hasPublicPass(r, id, time.Now()) {
		h.redirect(w, r, views.StatusURL(id))
		return 0, requests.Progress{}, false
	}
	p, err := h.Requests.PublicProgress(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return 0, p, false
	}
	return id, p, true
}

func (h *Handler) showKnowledgeCheck(w http.ResponseWriter, r *http.Request) {
	id, p, ok := h.progressWithPass(w, r)
	if !ok {
		return
	}
	if p.Step != requests.StepKnowledge {
		h.redirect(w, r, publicPath(id, "received"))
		return
	}
	c := views.PublicCheck{ID: id, Strict: p.Level == settings.VerifyStrict}
	h.render(w, r, http.StatusOK, views.PublicCheckPage(h.page(r, i18n.T(r.Context(), "publicrequest.check.title")), c))
}

func (h *Handler) checkKnowledge(w http.ResponseWriter, r *http.Request) {
	id, p, ok := h.progressWithPass(w, r)
	if !ok {
		return
	}
	c := views.PublicCheck{ID: id, Strict: p.Level == settings.VerifyStrict,
		OrderNumber: r.PostFormValue("order_number"), DeliveryPostalCode: r.PostFormValue("delivery_postal_code"),
		Phone: r.PostFormValue("phone"), BirthDate: r.PostFormValue("birth_date"),
		BillingPostalCode: r.PostFormValue("billing_postal_code"), Last4: r.PostFormValue("last4")}
	err := h.Requests.CheckKnowledge(r.Context(), h.publicActor(r), id, requests.Answers{OrderNumber: c.OrderNumber,
		DeliveryPostalCode: c.DeliveryPostalCode, Phone: c.Phone, BirthDate: c.BirthDate,
		BillingPostalCode: c.BillingPostalCode, Last4: c.Last4, Declared: r.PostFormValue("declared") == "yes"})
	switch {
	case err == nil, errors.Is(err, requests.ErrWrongState), errors.Is(err, requests.ErrKnowledgeLocked):
		h.redirect(w, r, publicPath(id, "received"))
	case fault.Is(err, fault.Invalid):
		c.Errors = translated(r, err)
		h.render(w, r, http.StatusUnprocessableEntity, views.PublicCheckPage(h.page(r, i18n.T(r.Context(), "publicrequest.check.title")), c))
	default:
		h.fail(w, r, err)
	}
}

func (h *Handler) publicReceived(w http.ResponseWriter, r *http.Request) {
	id, p, ok := h.progressWithPass(w, r)
	if !ok {
		return
	}
	next := "verified"
	switch p.Step {
	case requests.StepEmail:
		h.redirect(w, r, publicPath(id, "verify"))
		return
	case requests.StepKnowledge:
		h.redirect(w, r, publicPath(id, "check"))
		return
	case requests.StepDocument:
		next = "document"
	case requests.StepStaff:
		next = "staff"
	case requests.StepAgent:
		next = "agent"
	default:
		if p.Status == models.StatusDuplicate {
			next = "duplicate"
		}
	}
	h.render(w, r, http.StatusOK, views.PublicReceivedPage(h.page(r, i18n.T(r.Context(), "publicrequest.received.title")), id, next))
}

// publicStatus is the request's page with a pass, or else the code step,
// the same for every number.
func (h *Handler) publicStatus(w http.ResponseWriter, r *http.Request) {
	h.showPublicStatus(w, r, http.StatusOK, "", "")
}

func (h *Handler) showPublicStatus(w http.ResponseWriter, r *http.Request, status int, reply, replyErr string) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	title := i18n.T(r.Context(), "publicrequest.status.title", "Number", views.RequestNumber(id))
	if !hasPublicPass(r, id, time.Now()) {
		h.render(w, r, http.StatusOK, views.StatusGatePage(h.pageAt(r, title, views.StatusURL(id)), id, r.URL.Query().Get("sent") == "1", ""))
		return
	}
	d, err := h.Requests.PublicOne(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Requests.PublicProgress(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := h.requestView(r.Context(), d, views.StatusURL(id), views.StatusURL(id)+"/document")
	if v.Exports, err = h.requestExports(r, d.Request.Kind, id); err != nil {
		h.fail(w, r, err)
		return
	}
	v.PublicExports = true
	if d.Request.Channel == models.ChannelAgent && d.Request.Status.Open() {
		v.PermissionURL = views.StatusURL(id) + "/permission"
	}
	switch p.Step {
	case requests.StepEmail:
		v.NextStep = publicPath(id, "verify")
	case requests.StepKnowledge:
		v.NextStep = publicPath(id, "check")
	}
	v.ConfirmCancel = r.URL.Query().Get("cancel") == "confirm"
	v.Reply, v.ReplyError = reply, replyErr
	h.render(w, r, status, views.PublicStatusPage(h.pageAt(r, title, views.StatusURL(id)), v))
}

func (h *Handler) sendStatusCode(w http.ResponseWriter, r *http.Request) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	if err := h.Requests.SendStatusCode(r.Context(), h.publicActor(r), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, views.StatusURL(id)+"?sent=1")
}

func (h *Handler) enterStatusCode(w http.ResponseWriter, r *http.Request) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	err := h.Requests.CheckStatusCode(r.Context(), h.publicActor(r), id, r.PostFormValue("code"))
	if fault.Is(err, fault.Invalid) {
		title := i18n.T(r.Context(), "publicrequest.status.title", "Number", views.RequestNumber(id))
		h.render(w, r, http.StatusUnprocessableEntity, views.StatusGatePage(h.pageAt(r, title, views.StatusURL(id)), id, false, translated(r, err)["code"]))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	grantPublicPass(r, id, time.Now())
	h.redirect(w, r, views.StatusURL(id))
}

// withPass runs act for a request whose pass the session holds; without
// one the visitor is sent to the code step.
func (h *Handler) withPass(w http.ResponseWriter, r *http.Request, act func(id int64)) {
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, requests.ErrNotFound)
		return
	}
	if !hasPublicPass(r, id, time.Now()) {
		h.redirect(w, r, views.StatusURL(id))
		return
	}
	act(id)
}

func (h *Handler) publicCancel(w http.ResponseWriter, r *http.Request) {
	h.withPass(w, r, func(id int64) {
		if r.PostFormValue("confirm") != "yes" {
			h.redirect(w, r, views.StatusURL(id)+"?cancel=confirm#cancel")
			return
		}
		h.afterRequesterAction(w, r, h.Requests.PublicCancel(r.Context(), h.publicActor(r), id), views.StatusURL(id), "myrequests.cancelled")
	})
}

func (h *Handler) publicReply(w http.ResponseWriter, r *http.Request) {
	h.withPass(w, r, func(id int64) {
		body := r.PostFormValue("body")
		err := h.Requests.PublicReply(r.Context(), h.publicActor(r), id, body)
		if fault.Is(err, fault.Invalid) {
			h.showPublicStatus(w, r, http.StatusUnprocessableEntity, body, translated(r, err)["body"])
			return
		}
		h.afterRequesterAction(w, r, err, views.StatusURL(id)+"#messages", "myrequests.replied")
	})
}

// publicActor is whoever uses the public pages, as a requester without
// an account even when signed in: what they do here rests on the mailed
// code, not on their session's account.
func (h *Handler) publicActor(r *http.Request) actor.Actor {
	a := h.actor(r)
	a.Kind, a.UserID = actor.Requester, 0
	return a
}
