package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// myErasure is the cool-off panel of the customer's own erasure request
// (nil for other kinds, and before approval).
func (h *Handler) myErasure(r *http.Request, req models.PrivacyRequest) (*views.ErasurePanel, error) {
	if req.Kind != models.RequestErasure || req.Status != models.StatusWaitingFulfilment {
		return nil, nil
	}
	e, found, err := h.Erasure.Mine(r.Context(), h.actor(r), req.ID)
	if err != nil || !found {
		return nil, err
	}
	now := h.requestsNow()
	return &views.ErasurePanel{Erasure: e, InCoolOff: erasure.InCoolOff(e, now), Base: views.RequestURL(req.ID),
		ConfirmCancel: r.URL.Query().Get("stop") == "confirm", ConfirmWaive: r.URL.Query().Get("waive") == "confirm"}, nil
}

// deskErasure is the erasure panel of a request on the staff desk: the
// cool-off, then the report.
func (h *Handler) deskErasure(r *http.Request, req models.PrivacyRequest) (*views.DeskErasure, error) {
	if req.Kind != models.RequestErasure {
		return nil, nil
	}
	rep, found, err := h.Erasure.ReportFor(r.Context(), h.actor(r), req.ID, i18n.Locale(r.Context()))
	if err != nil || !found {
		return nil, err
	}
	return &views.DeskErasure{Report: rep, InCoolOff: erasure.InCoolOff(rep.Erasure, h.requestsNow()), RequestID: req.ID}, nil
}

// cancelMyErasure cancels the customer's approved erasure during its
// cool-off (after a confirmation step).
func (h *Handler) cancelMyErasure(w http.ResponseWriter, r *http.Request) {
	id, ok := requestID(r)
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		h.redirect(w, r, views.RequestURL(id)+"?stop=confirm#erasure")
		return
	}
	h.afterErasureAction(w, r, h.Erasure.Cancel(r.Context(), h.actor(r), id), id, "erasure.flash.cancelled")
}

// waiveMyErasure ends the cool-off now (after a confirmation step): the
// erasure runs at once.
func (h *Handler) waiveMyErasure(w http.ResponseWriter, r *http.Request) {
	id, ok := requestID(r)
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		h.redirect(w, r, views.RequestURL(id)+"?waive=confirm#erasure")
		return
	}
	h.afterErasureAction(w, r, h.Erasure.Waive(r.Context(), h.actor(r), id), id, "erasure.flash.waived")
}

// deskStopErasure is staff stopping an erasure in its cool-off on the
// requester's word.
func (h *Handler) deskStopErasure(w http.ResponseWriter, r *http.Request) {
	id := deskID(r)
	if id == 0 {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	err := h.Erasure.StopForRequester(r.Context(), h.actor(r), id)
	switch {
	case err == nil:
		addFlash(r, flashSuccess, "erasure.flash.stopped")
	case errors.Is(err, erasure.ErrStarted):
		addFlash(r, flashError, "erasure.error.started")
	default:
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/staff/requests/"+strconv.FormatInt(id, 10))
}

func (h *Handler) afterErasureAction(w http.ResponseWriter, r *http.Request, err error, id int64, success string) {
	switch {
	case err == nil:
		addFlash(r, flashSuccess, success)
	case errors.Is(err, erasure.ErrStarted):
		addFlash(r, flashError, "erasure.error.started")
	default:
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, views.RequestURL(id))
}
