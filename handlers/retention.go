package handlers

import (
	"net/http"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

// retentionPage is the dry run of the retention rules, for admins: what
// the purge would delete today, when it runs next, what it did last.
func (h *Handler) retentionPage(w http.ResponseWriter, r *http.Request) {
	f, err := h.Retention.DryRun(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.RetentionPage(h.page(r, i18n.T(r.Context(), "retention.title")), f))
}
