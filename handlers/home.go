package handlers

import (
	"net/http"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

func (h *Handler) root(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	h.redirect(w, r, homeFor(CurrentUser(r)))
}

func (h *Handler) customerHome(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.CustomerHomePage(h.page(r, i18n.T(r.Context(), "account.title"))))
}

func (h *Handler) adminHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stats := views.AdminStats{Users: map[string]int64{}}
	byRole, err := h.Accounts.CountByRole(ctx)
	if err == nil {
		stats.OutboxHeld, err = h.Outbox.Held(ctx)
	}
	var jobs map[models.JobStatus]int64
	if err == nil {
		jobs, err = h.Queue.Stats(ctx)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	stats.JobsDead = jobs[models.JobDead]
	for role, n := range byRole {
		stats.Users[string(role)] = n
	}
	h.render(w, r, http.StatusOK, views.AdminHomePage(h.page(r, i18n.T(ctx, "admin.title")), stats))
}
