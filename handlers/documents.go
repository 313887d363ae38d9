package handlers

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// DocumentMaxBody is the upload routes' body limit: the 10 MB document
// and room for the multipart framing and the CSRF field. Anything larger
// is refused with 413 before it is read; a file just over 10 MB that fits
// under this limit is refused by the service with the same 413 page, so
// "too large" always looks the same.
const DocumentMaxBody = requests.MaxDocumentBytes + 64<<10

// documentRequestID is the path's request id; a malformed one is not found.
func documentRequestID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func documentBackCustomer(id int64) string { return "/account/requests/" + strconv.FormatInt(id, 10) }
func documentBackPublic(id int64) string   { return "/requests/status/" + strconv.FormatInt(id, 10) }

// renderDocumentPage renders the upload page for id; errMsg is the file
// field's message id ("" for none).
func (h *Handler) renderDocumentPage(w http.ResponseWriter, r *http.Request, id int64, purpose, back string, status int, errMsg string) {
	ctx := r.Context()
	st, err := h.Requests.DocumentUpload(ctx, h.actor(r), id, purpose)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := views.DocumentUploadForm{RequestID: id, Purpose: purpose, Action: r.URL.Path, Back: back, Wanted: st.Wanted}
	for _, d := range st.Received {
		f.Received = append(f.Received, d.UploadedAt)
	}
	if errMsg != "" {
		f.Error = i18n.T(ctx, errMsg)
	}
	h.render(w, r, status, views.DocumentUploadPage(h.page(r, i18n.T(ctx, f.Text("title"))), f))
}

// uploadDocument hands the chosen file to the service: on success back to the
// request with a flash, on a refused file the form again with the reason
// beside the field (422), and a file over 10 MB the 413 page.
func (h *Handler) uploadDocument(w http.ResponseWriter, r *http.Request, id int64, purpose, back string) {
	// No file (or no multipart form at all) is a nil body: the service
	// first checks who asks (another's request is not found), then says
	// that a file is missing.
	file, _, err := r.FormFile(views.DocumentField)
	var body io.Reader
	if err == nil && file != nil {
		defer file.Close()
		body = file
	}
	_, err = h.Requests.AttachDocument(r.Context(), h.actor(r), id, purpose, body)
	if err == nil {
		addFlash(r, flashSuccess, "request.document.uploaded")
		h.redirect(w, r, back)
		return
	}
	if msg := fault.FieldsOf(err)[requests.DocumentField]; msg != "" && fault.Is(err, fault.Invalid) {
		h.renderDocumentPage(w, r, id, purpose, back, http.StatusUnprocessableEntity, msg)
		return
	}
	h.fail(w, r, err)
}

func (h *Handler) showCustomerDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := documentRequestID(r)
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	h.renderDocumentPage(w, r, id, models.DocumentIdentity, documentBackCustomer(id), http.StatusOK, "")
}

func (h *Handler) uploadCustomerDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := documentRequestID(r)
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	h.uploadDocument(w, r, id, models.DocumentIdentity, documentBackCustomer(id))
}

// publicDocumentID is the path's id when this session holds the request's
// pass; otherwise the visitor is sent to the status page to get one.
func (h *Handler) publicDocumentID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := documentRequestID(r)
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return 0, false
	}
	if !hasPublicPass(r, id, time.Now()) {
		h.redirect(w, r, documentBackPublic(id))
		return 0, false
	}
	return id, true
}

// The public requester's pages: the ID document, and an authorized
// agent's signed permission.
func (h *Handler) showPublicDocument(w http.ResponseWriter, r *http.Request) {
	h.showPublic(w, r, models.DocumentIdentity)
}

func (h *Handler) uploadPublicDocument(w http.ResponseWriter, r *http.Request) {
	h.uploadPublic(w, r, models.DocumentIdentity)
}

func (h *Handler) showPublicPermission(w http.ResponseWriter, r *http.Request) {
	h.showPublic(w, r, models.DocumentAgentPermission)
}

func (h *Handler) uploadPublicPermission(w http.ResponseWriter, r *http.Request) {
	h.uploadPublic(w, r, models.DocumentAgentPermission)
}

func (h *Handler) showPublic(w http.ResponseWriter, r *http.Request, purpose string) {
	if id, ok := h.publicDocumentID(w, r); ok {
		h.renderDocumentPage(w, r, id, purpose, documentBackPublic(id), http.StatusOK, "")
	}
}

func (h *Handler) uploadPublic(w http.ResponseWriter, r *http.Request, purpose string) {
	if id, ok := h.publicDocumentID(w, r); ok {
		h.uploadDocument(w, r, id, purpose, documentBackPublic(id))
	}
}

// documentExt is the generated file name's extension.
func documentExt(contentType string) string {
	switch contentType {
	case requests.TypeJPEG:
		return "jpg"
	case requests.TypePNG:
		return "png"
	case requests.TypePDF:
		return "pdf"
	}
	return "bin"
}

// viewDocument streams a document to staff as a download under a
// generated name, sandboxed and never cached; the service audits it.
func (h *Handler) viewDocument(w http.ResponseWriter, r *http.Request) {
	id, ok := documentRequestID(r)
	doc, err := strconv.ParseInt(r.PathValue("doc"), 10, 64)
	if !ok || err != nil || doc <= 0 {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	content, contentType, err := h.Requests.OpenDocument(r.Context(), h.actor(r), id, doc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	hd.Set("Content-Disposition", `attachment; filename="document-`+strconv.FormatInt(doc, 10)+"."+documentExt(contentType)+`"`)
	hd.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	w.Write(content)
}
