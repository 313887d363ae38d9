package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

const outboxPerPage = 25

func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) {
	h.renderOutbox(w, r, http.StatusOK, views.OutboxForm{})
}

func (h *Handler) renderOutbox(w http.ResponseWriter, r *http.Request, status int, form views.OutboxForm) {
	ctx := r.Context()
	pg, offset := pageParam(r, outboxPerPage)
	items, total, err := h.Outbox.List(ctx, outboxPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	list := views.OutboxList{Items: items, Pagination: pg, SMTPConfigured: h.Outbox.Delivers(), Form: form}
	h.render(w, r, status, views.OutboxPage(h.page(r, i18n.T(ctx, "outbox.title")), list))
}

func (h *Handler) outboxMessage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	m, err := h.Outbox.Open(r.Context(), h.actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.OutboxMessagePage(h.page(r, m.Subject), m))
}

// sendTestMail lets an admin check the mail setup end to end.
func (h *Handler) sendTestMail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := views.OutboxForm{To: strings.TrimSpace(r.PostFormValue("to")), Errors: views.FieldErrors{}}
	_, err := h.Outbox.SendTest(ctx, h.actor(r), form.To)
	if fields := fault.FieldsOf(err); fields != nil {
		for field, msg := range fields {
			form.Errors[field] = i18n.T(ctx, msg)
		}
		h.renderOutbox(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "outbox.test_queued")
	h.redirect(w, r, "/admin/outbox")
}
