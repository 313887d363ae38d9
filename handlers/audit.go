package handlers

import (
	"net/http"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

const auditPerPage = 50

func (h *Handler) auditLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pg, offset := pageParam(r, auditPerPage)
	items, total, err := h.Audit.List(ctx, auditPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	list := views.AuditList{Items: items, Pagination: pg}
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
