package handlers

import (
	"net/http"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

// The signed-out opt-out of the sale and sharing of personal data (CCPA
// §7026): an email address is all it asks, and the answer is the same
// whether or not the address has an account.

func (h *Handler) showOptOut(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.OptOutPage(h.page(r, i18n.T(r.Context(), "optout.title")), "", views.FieldErrors{}, false))
}

func (h *Handler) optOut(w http.ResponseWriter, r *http.Request) {
	email := r.PostFormValue("email")
	err := h.Consent.OptOutPublic(r.Context(), email, h.consentEvidence(r, ""))
	title := i18n.T(r.Context(), "optout.title")
	if fault.Is(err, fault.Invalid) {
		h.render(w, r, http.StatusUnprocessableEntity, views.OptOutPage(h.pageAt(r, title, "/privacy/opt-out"), email, translated(r, err), false))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.OptOutPage(h.pageAt(r, title, "/privacy/opt-out"), "", views.FieldErrors{}, true))
}
