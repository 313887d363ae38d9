// Package api is the integration API the business's other systems call:
// authenticated by each system's own token (Authorization: Bearer),
// answering JSON, and errors as problem+json (RFC 9457). It calls the same
// services as the pages. Issue 15 grows it; for now it holds the
// acknowledgement of the tasks connected systems are given.
package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/fault"
)

// API holds what the API's handlers depend on.
type API struct {
	Erasure *erasure.Service
	Logger  *slog.Logger
}

// Route is one entry of the API's routing table.
type Route struct {
	Method  string
	Pattern string
	Handle  http.HandlerFunc
}

// Routes is the API's routing table.
func (a *API) Routes() []Route {
	return []Route{
		{Method: "POST", Pattern: "/api/v1/tasks/{id}/ack", Handle: a.ackTask},
	}
}

// Handler serves every route under /api/; anything else there is a
// problem+json 404 (or 405), never the HTML error page.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range a.Routes() {
		mux.HandleFunc(rt.Method+" "+rt.Pattern, rt.Handle)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		Problem(w, http.StatusNotFound, "")
	})
	return mux
}

func (a *API) log() *slog.Logger {
	if a.Logger != nil {
		return a.Logger
	}
	return slog.Default()
}

// Problem writes an RFC 9457 problem document. detail must hold no
// personal data.
func Problem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="portal"`)
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail,omitempty"`
	}{"about:blank", http.StatusText(status), status, detail})
}

// fail answers err as its kind says.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, erasure.ErrBadToken):
		Problem(w, http.StatusUnauthorized, "a valid system token is required")
		return
	}
	switch fault.KindOf(err) {
	case fault.NotFound:
		Problem(w, http.StatusNotFound, "")
	case fault.Forbidden:
		Problem(w, http.StatusForbidden, "")
	case fault.Conflict:
		Problem(w, http.StatusConflict, "")
	case fault.Invalid:
		Problem(w, http.StatusUnprocessableEntity, "")
	default:
		a.log().Error("api: internal error", "path", r.URL.Path, "err", err)
		Problem(w, http.StatusInternalServerError, "")
	}
}

// bearer is the token of an "Authorization: Bearer …" header.
func bearer(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// taskAck is the answer to an acknowledgement.
type taskAck struct {
	ID     int64      `json:"id"`
	Status string     `json:"status"`
	DoneAt *time.Time `json:"done_at,omitempty"`
}

// ackTask: a connected system confirms it carried out task {id}.
// Idempotent: acknowledging again answers the same.
func (a *API) ackTask(w http.ResponseWriter, r *http.Request) {
	token := bearer(r)
	if token == "" {
		a.fail(w, r, erasure.ErrBadToken)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		// Authenticate first, so an id's shape tells nobody anything.
		if _, err := a.Erasure.SystemByToken(r.Context(), token); err != nil {
			a.fail(w, r, err)
			return
		}
		Problem(w, http.StatusNotFound, "")
		return
	}
	t, err := a.Erasure.Acknowledge(r.Context(), token, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(taskAck{ID: t.ID, Status: t.Status, DoneAt: t.DoneAt})
}
