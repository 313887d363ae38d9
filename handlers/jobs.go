package handlers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
	"gorm.io/gorm"
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
	items, total, err := jobs.List(ctx, h.DB, status, jobsPerPage, offset)
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
	err = h.DB.WithContext(r.Context()).Transaction(func(tx *gorm.DB) error {
		if err := jobs.Retry(tx, id, time.Now()); err != nil {
			return err
		}
		return audit.Append(tx, h.Dialect, h.actor(r, audit.Entry{Action: "admin.job_retried", TargetType: "job",
			TargetID: strconv.FormatInt(id, 10)}))
	})
	if errors.Is(err, jobs.ErrNotDead) {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "jobs.retried")
	h.redirect(w, r, "/admin/jobs?status=dead")
}
