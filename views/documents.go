package views

import (
	"strconv"
	"time"
)

// DocumentUploadForm is the page asking a requester for an ID document.
type DocumentUploadForm struct {
	RequestID int64
	// Purpose is models.DocumentIdentity or models.DocumentAgentPermission.
	Purpose string
	// Action is where the form posts; Back is the request's page.
	Action, Back string
	// Wanted: a document is asked for now; otherwise the page says so.
	Wanted bool
	// Received lists when the documents not yet destroyed came in.
	Received []time.Time
	// Error is the file field's message, already translated.
	Error string
}

// Text is the message id of one of the page's texts for its purpose:
// "request.document.<key>" or "request.permission.<key>".
func (f DocumentUploadForm) Text(key string) string {
	if f.Purpose == "agent_permission" {
		return "request.permission." + key
	}
	return "request.document." + key
}

// DocumentField is the form's file field.
const DocumentField = "document"

// DocumentAccept is the file input's hint to the browser: the server
// checks the content whatever is chosen.
const DocumentAccept = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf"

// DocumentURL is the staff viewer of document doc of request id.
func DocumentURL(id, doc int64) string {
	return "/staff/requests/" + strconv.FormatInt(id, 10) + "/documents/" + strconv.FormatInt(doc, 10)
}

// documentKind names a stored content type for staff.
func documentKind(contentType string) string {
	switch contentType {
	case "image/jpeg":
		return "JPEG"
	case "image/png":
		return "PNG"
	case "application/pdf":
		return "PDF"
	}
	return contentType
}

// documentSize is a size in kB, rounded up.
func documentSize(n int64) string { return strconv.FormatInt((n+1023)/1024, 10) }
