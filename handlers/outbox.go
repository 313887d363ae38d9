package handlers

import (
	"net/http"
	"net/mail"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/i18n"
	pmail "github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/views"
	"gorm.io/gorm"
)

const outboxPerPage = 25

func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) {
	h.renderOutbox(w, r, http.StatusOK, views.OutboxForm{})
}

func (h *Handler) renderOutbox(w http.ResponseWriter, r *http.Request, status int, form views.OutboxForm) {
	ctx := r.Context()
	pg, offset := pageParam(r, outboxPerPage)
	items, total, err := pmail.List(ctx, h.DB, outboxPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	list := views.OutboxList{Items: items, Pagination: pg, SMTPConfigured: h.Mailer.Configured(), Form: form}
	h.render(w, r, status, views.OutboxPage(h.page(r, i18n.T(ctx, "outbox.title")), list))
}

func (h *Handler) outboxMessage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	m, err := pmail.Get(r.Context(), h.DB, id)
	if err == nil {
		// Codes stay masked, except on a demo without SMTP.
		m, err = h.Mailer.Readable(r.Context(), h.DB, m)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e := h.actor(r, audit.Entry{Action: "admin.outbox_read", TargetType: "outbox_message", TargetID: strconv.FormatInt(id, 10)})
	if err := h.Audit.Record(r.Context(), e); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.OutboxMessagePage(h.page(r, m.Subject), m))
}

// sendTestMail lets an admin check the mail setup end to end.
func (h *Handler) sendTestMail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := views.OutboxForm{To: strings.TrimSpace(r.PostFormValue("to")), Errors: views.FieldErrors{}}
	if addr, err := mail.ParseAddress(form.To); err != nil || addr.Address != form.To {
		form.Errors["to"] = i18n.T(ctx, "outbox.error.invalid_address")
		h.renderOutbox(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	err := h.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		id, err := h.Mailer.Queue(tx, pmail.Message{To: form.To, Template: "test", Locale: i18n.Locale(ctx)})
		if err != nil {
			return err
		}
		return audit.Append(tx, h.Dialect, h.actor(r, audit.Entry{Action: "admin.mail_test",
			TargetType: "outbox_message", TargetID: strconv.FormatInt(id, 10)}))
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "outbox.test_queued")
	h.redirect(w, r, "/admin/outbox")
}
