package web

import (
	"errors"
	"mime"
	"net/http"
)

// multipartMemory is how much of a multipart body is held in memory; the
// rest of its files spill to temporary files, and only up to the route's
// limit, since the body is capped before it is parsed.
const multipartMemory = 32 << 10

// parseBody caps the body at limit and parses it here, before the
// handler runs, so that a handler calling r.PostFormValue sees the form
// or never runs, instead of silently seeing an empty form when the cap is
// hit. A declared length over the limit is refused before a byte is read.
// It reports whether the handler may go on; cleanup removes any
// temporary files of a multipart form.
func (s *Server) parseBody(w http.ResponseWriter, r *http.Request, limit int64) (ok bool, cleanup func()) {
	cleanup = func() {}
	if r.Body == nil || r.Body == http.NoBody {
		return true, cleanup
	}
	if r.ContentLength > limit {
		s.refuseBody(w, r)
		return false, cleanup
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return true, cleanup // capped; nothing to parse
	}
	var err error
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		err = r.ParseMultipartForm(multipartMemory)
		if r.MultipartForm != nil {
			cleanup = func() { r.MultipartForm.RemoveAll() }
		}
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		cleanup()
		s.refuseBody(w, r)
		return false, func() {}
	case err != nil:
		cleanup()
		s.handlers.RenderError(w, r, http.StatusBadRequest)
		return false, func() {}
	}
	return true, cleanup
}

// refuseBody answers 413 with the designed page. The connection is closed
// afterwards so the rest of the body is never read.
func (s *Server) refuseBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	s.handlers.RenderError(w, r, http.StatusRequestEntityTooLarge)
}
