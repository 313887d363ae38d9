package handlers

import (
	"net/http"
	"strconv"

	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// Connected systems: the admin's list of the other systems holding
// customer data (/admin/systems), and the staff's tasks on a request page.
// The erasure service checks the rules (an admin, a URL it may call) and
// scopes a task by its request, so another request's task is not found.

// systemID is the {id} of the path, or 0.
func systemID(r *http.Request, name string) int64 {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

func (h *Handler) systemsList(w http.ResponseWriter, r *http.Request) {
	h.renderSystems(w, r, http.StatusOK, views.SystemForm{Kind: models.SystemWebhook, Enabled: true})
}

func (h *Handler) renderSystems(w http.ResponseWriter, r *http.Request, status int, f views.SystemForm) {
	systems, err := h.Erasure.Systems(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.pageAt(r, i18n.T(r.Context(), "systems.title"), "/admin/systems")
	h.render(w, r, status, views.SystemsPage(p, systems, f))
}

func systemInput(r *http.Request) erasure.SystemInput {
	return erasure.SystemInput{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), URL: r.PostFormValue("url"),
		Instructions: r.PostFormValue("instructions"), Enabled: r.PostFormValue("enabled") == "1"}
}

// systemFormOf is in as typed, with err's field messages translated.
func (h *Handler) systemFormOf(r *http.Request, id int64, in erasure.SystemInput, err error) views.SystemForm {
	f := views.SystemForm{ID: id, Name: in.Name, Kind: in.Kind, URL: in.URL, Instructions: in.Instructions, Enabled: in.Enabled,
		Errors: views.FieldErrors{}}
	for name, msg := range fault.FieldsOf(err) {
		f.Errors[name] = i18n.T(r.Context(), msg)
	}
	return f
}

func (h *Handler) createSystem(w http.ResponseWriter, r *http.Request) {
	in := systemInput(r)
	sys, creds, err := h.Erasure.CreateSystem(r.Context(), h.actor(r), in)
	switch {
	case fault.Is(err, fault.Invalid):
		h.renderSystems(w, r, http.StatusUnprocessableEntity, h.systemFormOf(r, 0, in, err))
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	if creds == nil {
		addFlash(r, flashSuccess, "systems.created")
		h.redirect(w, r, "/admin/systems")
		return
	}
	h.showCredentials(w, r, sys, creds)
}

// showCredentials answers the POST that made them with the page showing
// them: no redirect, so they never sit in a session or a URL.
func (h *Handler) showCredentials(w http.ResponseWriter, r *http.Request, sys models.ConnectedSystem, creds *erasure.Credentials) {
	p := h.pageAt(r, i18n.T(r.Context(), "systems.credentials.title", "Name", sys.Name), "/admin/systems")
	h.render(w, r, http.StatusOK, views.SystemCredentialsPage(p, views.SystemCredentials{System: sys, Secret: creds.Secret, Token: creds.Token}))
}

func (h *Handler) showSystem(w http.ResponseWriter, r *http.Request) {
	sys, err := h.Erasure.System(r.Context(), systemID(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := views.SystemFormOf(sys)
	f.Errors = views.FieldErrors{}
	h.render(w, r, http.StatusOK, views.SystemEditPage(h.page(r, i18n.T(r.Context(), "systems.edit.title")), f))
}

func (h *Handler) saveSystem(w http.ResponseWriter, r *http.Request) {
	id := systemID(r, "id")
	sys, err := h.Erasure.System(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	in := systemInput(r)
	in.Kind = sys.Kind
	err = h.Erasure.UpdateSystem(r.Context(), h.actor(r), id, in)
	switch {
	case fault.Is(err, fault.Invalid):
		p := h.pageAt(r, i18n.T(r.Context(), "systems.edit.title"), "/admin/systems/"+strconv.FormatInt(id, 10))
		h.render(w, r, http.StatusUnprocessableEntity, views.SystemEditPage(p, h.systemFormOf(r, id, in, err)))
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "systems.saved")
	h.redirect(w, r, "/admin/systems")
}

// systemAction is enable, disable or delete: done, flashed, back to the list.
func (h *Handler) systemAction(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, a, id := r.Context(), h.actor(r), systemID(r, "id")
		var err error
		switch action {
		case "enable":
			err = h.Erasure.SetSystemEnabled(ctx, a, id, true)
		case "disable":
			err = h.Erasure.SetSystemEnabled(ctx, a, id, false)
		case "delete":
			err = h.Erasure.DeleteSystem(ctx, a, id)
		}
		if fault.Is(err, fault.Conflict) && action == "delete" {
			addFlash(r, flashError, "systems.error.open_tasks")
			h.redirect(w, r, "/admin/systems")
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		addFlash(r, flashSuccess, "systems."+action+"d")
		h.redirect(w, r, "/admin/systems")
	}
}

func (h *Handler) rotateSystem(w http.ResponseWriter, r *http.Request) {
	id := systemID(r, "id")
	creds, err := h.Erasure.RotateCredentials(r.Context(), h.actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sys, err := h.Erasure.System(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showCredentials(w, r, sys, creds)
}

// completeTask is staff ticking a request's task off with a note; a
// missing note shows the request page again with the error beside it.
func (h *Handler) completeTask(w http.ResponseWriter, r *http.Request) {
	id, task := deskID(r), systemID(r, "task")
	if id == 0 || task == 0 {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	name := views.TaskNoteField(task)
	note := r.PostFormValue(name)
	err := h.Erasure.CompleteTask(r.Context(), h.actor(r), id, task, note)
	if fault.Is(err, fault.Invalid) {
		form := views.DeskForm{Values: map[string]string{name: note}, Errors: views.FieldErrors{}}
		for _, msg := range fault.FieldsOf(err) {
			form.Errors[name] = i18n.T(r.Context(), msg)
		}
		h.renderDeskRequest(w, r, http.StatusUnprocessableEntity, id, form)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "tasks.done_flash")
	h.redirect(w, r, "/staff/requests/"+strconv.FormatInt(id, 10)+"#desk-tasks")
}

func (h *Handler) retryTask(w http.ResponseWriter, r *http.Request) {
	id, task := deskID(r), systemID(r, "task")
	if id == 0 || task == 0 {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if err := h.Erasure.RetryTask(r.Context(), h.actor(r), id, task); err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "tasks.retried_flash")
	h.redirect(w, r, "/staff/requests/"+strconv.FormatInt(id, 10)+"#desk-tasks")
}
