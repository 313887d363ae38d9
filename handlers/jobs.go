package handlers

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

const jobsPerPage = 50

// jobsPage lists background jobs by status, failed (dead) ones first, so
// an admin sees what did not happen (a mail never sent) and why.
func (h *Handler) jobsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	status := models.JobStatus(r.URL.Query().Get("status"))
	if !slices.Contains(views.JobStatuses, status) {
		status = models.JobDead
	}
	pg, offset := pageParam(r, jobsPerPage)
	pg.BaseURL = "/admin/jobs?status=" + string(status)
	items, total, err := h.Queue.List(ctx, status, jobsPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	counts, err := h.Queue.Stats(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	schedules, err := h.Queue.Schedules(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	list := views.JobList{Items: items, Counts: counts, Status: status, Pagination: pg, Schedules: schedules}
	h.render(w, r, http.StatusOK, views.JobsPage(h.page(r, i18n.T(ctx, "jobs.title")), list))
}

func (h *Handler) retryJob(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if err := h.Queue.RetryDead(r.Context(), h.actor(r), id); err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "jobs.retried")
	h.redirect(w, r, "/admin/jobs?status=dead")
}
