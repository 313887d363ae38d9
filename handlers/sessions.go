package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/session"
	"github.com/photolab/privacyportal/views"
)

func (h *Handler) sessions(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rows, err := h.Accounts.Sessions(ctx, CurrentUser(r).ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	current := session.SessionID(Session(r))
	list := make([]views.SessionView, 0, len(rows))
	for _, s := range rows {
		browser, os := auth.Device(s.UserAgent)
		list = append(list, views.SessionView{ID: s.ID, Browser: browser, OS: os, IP: s.IP,
			CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, Current: s.ID == current})
	}
	views.ZoneTimes(ctx, &list)
	h.render(w, r, http.StatusOK, views.SessionsPage(h.page(r, i18n.T(ctx, "sessions.title")), list))
}

func (h *Handler) revokeSession(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id == session.SessionID(Session(r)) {
		// Ending the current session is what "Sign out" is for.
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	err = h.Accounts.RevokeSession(r.Context(), h.actor(r), CurrentUser(r), id)
	if errors.Is(err, account.ErrNotFound) {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "sessions.revoked")
	h.redirect(w, r, "/security/sessions")
}

func (h *Handler) revokeOtherSessions(w http.ResponseWriter, r *http.Request) {
	if _, err := h.Accounts.RevokeOtherSessions(r.Context(), h.actor(r), CurrentUser(r), session.SessionID(Session(r))); err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "sessions.revoked_others")
	h.redirect(w, r, "/security/sessions")
}
