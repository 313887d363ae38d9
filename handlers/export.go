package handlers

import (
	"errors"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// "Download my data": the customer asks for a package (after a recent
// re-authentication, the route says), watches it being built, and
// downloads it until it expires. The service scopes every package by the
// signed-in customer, so another's is not found.

// exportsListed is how many of the customer's packages the page lists.
const exportsListed = 20

// exportChoices are every category a package may hold, in the reader's
// language: unlike a request's, the requests themselves are data too.
func (h *Handler) exportChoices(r *http.Request) []views.CategoryChoice {
	var out []views.CategoryChoice
	cats, err := h.Holdings.Categories(r.Context())
	if err != nil {
		return nil
	}
	for _, c := range cats {
		if _, ok := holdings.Lookup(c.Key); ok {
			out = append(out, views.CategoryChoice{Key: c.Key, Label: c.In(i18n.Locale(r.Context())).Name})
		}
	}
	return out
}

func (h *Handler) exportPage(r *http.Request, chosen []string) (views.ExportPage, error) {
	u := CurrentUser(r)
	items, err := h.Exports.Mine(r.Context(), h.actor(r), u.ID, exportsListed)
	v := views.ExportPage{Choices: h.exportChoices(r), Chosen: chosen, Errors: views.FieldErrors{}, Items: items,
		Now: h.Exports.Clock(), KeepDays: int(math.Ceil(settings.ExportKeep.Get(h.Exports.Settings).Hours() / 24))}
	if chosen == nil {
		for _, c := range v.Choices {
			v.Chosen = append(v.Chosen, c.Key)
		}
	}
	return v, err
}

func (h *Handler) showExports(w http.ResponseWriter, r *http.Request) {
	v, err := h.exportPage(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.ExportListPage(h.page(r, i18n.T(r.Context(), "export.title")), v))
}

func (h *Handler) askExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := CurrentUser(r)
	r.ParseForm()
	chosen := r.PostForm["categories"]
	if chosen == nil {
		chosen = []string{} // none ticked: an error, not "all"
	}
	// The package speaks the language the account's mails use.
	locale := u.Locale
	if locale == "" {
		locale = i18n.Locale(ctx)
	}
	e, err := h.Exports.Request(ctx, h.actor(r), u.ID, chosen, locale)
	if err == nil {
		addFlash(r, flashSuccess, "export.flash.asked")
		h.redirect(w, r, views.ExportURL(e.ID))
		return
	}
	status := StatusOf(fault.KindOf(err))
	if !fault.Is(err, fault.Invalid) && !fault.Is(err, fault.Throttled) {
		h.fail(w, r, err)
		return
	}
	v, lerr := h.exportPage(r, chosen)
	if lerr != nil {
		h.fail(w, r, lerr)
		return
	}
	if fault.Is(err, fault.Throttled) {
		wait := fault.WaitOf(err)
		w.Header().Set("Retry-After", strconv.Itoa(max(int(math.Ceil(wait.Seconds())), 1)))
		when := h.Exports.Clock().Add(wait).Truncate(time.Minute).Add(time.Minute)
		v.Errors["form"] = i18n.T(ctx, "export.error.throttled", "When", views.DateTime(ctx, when))
	} else {
		v.Errors = translated(r, err)
	}
	title := i18n.T(ctx, "export.title")
	h.render(w, r, status, views.ExportListPage(h.pageAt(r, title, "/account/export"), v))
}

// customerExport is the signed-in customer's package named by the path.
func (h *Handler) customerExport(r *http.Request) (models.Export, error) {
	id, ok := requestID(r)
	if !ok {
		return models.Export{}, export.ErrNotFound
	}
	return h.Exports.One(r.Context(), h.actor(r), CurrentUser(r).ID, id)
}

func (h *Handler) showExport(w http.ResponseWriter, r *http.Request) {
	e, err := h.customerExport(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.page(r, i18n.T(r.Context(), "export.package.title"))
	if views.ExportInProgress(e) {
		p.Refresh, p.Script = views.ExportRefresh, views.ExportScript
	}
	h.render(w, r, http.StatusOK, views.ExportPackagePage(p, views.ExportView{Export: e, Now: h.Exports.Clock()}))
}

// exportProgress is the part of the package's page its script swaps in.
func (h *Handler) exportProgress(w http.ResponseWriter, r *http.Request) {
	e, err := h.customerExport(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.ExportProgress(views.ExportView{Export: e, Now: h.Exports.Clock()}))
}

func (h *Handler) downloadExport(w http.ResponseWriter, r *http.Request) {
	if h.headRefused(w, r) {
		return
	}
	id, ok := requestID(r)
	if !ok {
		h.fail(w, r, export.ErrNotFound)
		return
	}
	e, rc, err := h.Exports.Download(r.Context(), h.actor(r), CurrentUser(r).ID, id)
	if errors.Is(err, export.ErrNotReady) {
		h.redirect(w, r, views.ExportURL(id))
		return
	}
	h.sendExport(w, r, e, rc, err)
}

// publicExport is a requester's download from their request's status
// page: it needs the session's pass for that request (a fresh mailed
// code), and the package must be one made for it.
func (h *Handler) publicExport(w http.ResponseWriter, r *http.Request) {
	if h.headRefused(w, r) {
		return
	}
	h.withPass(w, r, func(id int64) {
		eid, err := strconv.ParseInt(r.PathValue("eid"), 10, 64)
		if err != nil || eid <= 0 {
			h.fail(w, r, export.ErrNotFound)
			return
		}
		e, rc, err := h.Exports.DownloadForRequest(r.Context(), h.publicActor(r), id, eid)
		if errors.Is(err, export.ErrNotReady) {
			h.redirect(w, r, views.StatusURL(id))
			return
		}
		h.sendExport(w, r, e, rc, err)
	})
}

// headRefused answers a HEAD on a download with 405: the router sends
// HEAD to GET routes, and a HEAD would count, and audit, a download
// that never happened.
func (h *Handler) headRefused(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodHead {
		return false
	}
	w.Header().Set("Allow", http.MethodGet)
	h.RenderError(w, r, http.StatusMethodNotAllowed)
	return true
}

// sendExport streams an opened package: never cached, saved as a file.
func (h *Handler) sendExport(w http.ResponseWriter, r *http.Request, e models.Export, rc io.ReadCloser, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer rc.Close()
	if err := h.saveSession(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/zip")
	hd.Set("Content-Disposition", `attachment; filename="`+export.FileName(e)+`"`)
	hd.Set("Content-Length", strconv.FormatInt(e.SizeBytes, 10))
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil && !ClientGone(r) {
		// The status is sent: all that is left is to say so in the log
		// (no personal data: the package's id only).
		h.Logger.ErrorContext(r.Context(), "export: download cut short", "export", e.ID, "err", err)
	}
}

// requestExports are the packages answering request id (access and
// portability), for its pages.
func (h *Handler) requestExports(r *http.Request, kind models.RequestKind, id int64) ([]models.Export, error) {
	if h.Exports == nil || (kind != models.RequestAccess && kind != models.RequestPortability) {
		return nil, nil
	}
	return h.Exports.ForRequest(r.Context(), id)
}

// deskExport runs a staff action on one of request {id}'s packages
// ({eid}): a package of another request is not found.
func (h *Handler) deskExport(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := deskID(r)
		eid, perr := strconv.ParseInt(r.PathValue("eid"), 10, 64)
		if id == 0 || perr != nil {
			h.RenderError(w, r, http.StatusNotFound)
			return
		}
		a := h.actor(r)
		if _, err := h.Requests.StaffDetail(ctx, a, id); err != nil {
			h.fail(w, r, err)
			return
		}
		list, err := h.Exports.ForRequest(ctx, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if !slices.ContainsFunc(list, func(e models.Export) bool { return e.ID == eid }) {
			h.fail(w, r, export.ErrNotFound)
			return
		}
		if action == "rebuild" {
			_, err = h.Exports.Rebuild(ctx, a, eid)
		} else {
			err = h.Exports.Resend(ctx, a, eid)
		}
		h.deskExportDone(w, r, id, err, "export.desk.flash."+action)
	}
}

// deskExportDone says how a desk action on request id's packages went
// (done: the success message) and returns to its panel; a refusal the
// page can explain is a flash, anything else the error page.
func (h *Handler) deskExportDone(w http.ResponseWriter, r *http.Request, id int64, err error, done string) {
	switch {
	case err == nil:
		addFlash(r, flashSuccess, done)
	case errors.Is(err, export.ErrNotReady):
		addFlash(r, flashError, "export.desk.flash.not_ready")
	case errors.Is(err, export.ErrGone):
		addFlash(r, flashError, "export.desk.flash.gone")
	case errors.Is(err, requests.ErrWrongState):
		addFlash(r, flashError, "export.desk.flash.not_waiting")
	default:
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/staff/requests/"+strconv.FormatInt(id, 10)+"#desk-exports")
}

// deskStartExport starts a package for request {id}, waiting for one.
func (h *Handler) deskStartExport(w http.ResponseWriter, r *http.Request) {
	id := deskID(r)
	if id == 0 {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	_, err := h.Exports.StartByStaff(r.Context(), h.actor(r), id)
	h.deskExportDone(w, r, id, err, "export.desk.flash.started")
}

// withholdNote marks a staff note withheld from the customer's export
// under an exemption, or includes it again ("").
func (h *Handler) withholdNote(w http.ResponseWriter, r *http.Request) {
	id := deskID(r)
	note, perr := strconv.ParseInt(r.PathValue("note"), 10, 64)
	if id == 0 || perr != nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	reason := r.PostFormValue("reason")
	err := h.Requests.WithholdNote(r.Context(), h.actor(r), id, note, reason)
	switch {
	case err == nil && reason == "":
		addFlash(r, flashSuccess, "request.note.withheld_flash_included")
	case err == nil:
		addFlash(r, flashSuccess, "request.note.withheld_flash")
	case errors.Is(err, requests.ErrWithholdReason):
		addFlash(r, flashError, "request.note.withheld_error")
	default:
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/staff/requests/"+strconv.FormatInt(id, 10)+"#desk-notes")
}
