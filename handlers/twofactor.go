package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/session"
	"github.com/photolab/privacyportal/views"
)

func (h *Handler) showTOTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := CurrentUser(r)
	left, err := h.Accounts.RecoveryCodesLeft(ctx, u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st := views.TOTPStatus{Enabled: u.HasTOTP(), EnabledAt: u.TOTPEnabledAt, RecoveryCodesLeft: left, Mandatory: u.Role.MustUseTOTP()}
	h.render(w, r, http.StatusOK, views.TOTPPage(h.page(r, i18n.T(ctx, "totp.title")), st))
}

func (h *Handler) startTOTP(w http.ResponseWriter, r *http.Request) {
	u := CurrentUser(r)
	if u.HasTOTP() {
		h.redirect(w, r, "/security/2fa")
		return
	}
	if _, err := h.Accounts.BeginTOTP(r.Context(), h.actor(r), u); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/security/2fa/setup")
}

func (h *Handler) showTOTPSetup(w http.ResponseWriter, r *http.Request) {
	h.renderTOTPSetup(w, r, http.StatusOK, nil)
}

func (h *Handler) renderTOTPSetup(w http.ResponseWriter, r *http.Request, status int, errs views.FieldErrors) {
	setup, err := h.Accounts.PendingTOTP(CurrentUser(r))
	if errors.Is(err, account.ErrNoPendingTOTP) {
		h.redirect(w, r, "/security/2fa")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := views.TOTPSetup{Secret: setup.Secret, QRDataURI: setup.QRDataURI, Errors: errs}
	h.render(w, r, status, views.TOTPSetupPage(h.page(r, i18n.T(r.Context(), "totp.setup_title")), page))
}

func (h *Handler) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" {
		h.renderTOTPSetup(w, r, http.StatusUnprocessableEntity, views.FieldErrors{"code": i18n.T(ctx, "totp.error.required")})
		return
	}
	codes, err := h.Accounts.ConfirmTOTP(ctx, h.actor(r), CurrentUser(r), code, session.SessionID(Session(r)))
	switch {
	case errors.Is(err, account.ErrInvalidCode):
		h.renderTOTPSetup(w, r, http.StatusUnprocessableEntity, views.FieldErrors{"code": i18n.T(ctx, "totp.error.invalid")})
		return
	case errors.Is(err, account.ErrNoPendingTOTP):
		h.redirect(w, r, "/security/2fa")
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "totp.enabled")
	h.showRecoveryCodes(w, r, codes, true)
}

// showRecoveryCodes renders the codes once, in the response to the POST
// that made them; they are never stored in a readable form.
func (h *Handler) showRecoveryCodes(w http.ResponseWriter, r *http.Request, codes []string, enrolled bool) {
	h.render(w, r, http.StatusOK, views.RecoveryCodesPage(h.page(r, i18n.T(r.Context(), "recovery.title")), codes, enrolled))
}

// recoveryCodesSaved is "I have saved them". A staff member or admin who
// has just enrolled was kept from their work until now, so they go on to
// their home; anyone else returns to the security overview they came from.
func (h *Handler) recoveryCodesSaved(w http.ResponseWriter, r *http.Request) {
	u := CurrentUser(r)
	addFlash(r, flashSuccess, "recovery.saved")
	if r.PostFormValue("enrolled") != "" && u.Role.MustUseTOTP() {
		h.redirect(w, r, homeFor(u))
		return
	}
	h.redirect(w, r, "/security")
}

func (h *Handler) regenerateRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	codes, err := h.Accounts.RegenerateRecoveryCodes(r.Context(), h.actor(r), CurrentUser(r))
	if errors.Is(err, account.ErrTOTPNotEnabled) {
		h.redirect(w, r, "/security/2fa")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "totp.codes_regenerated")
	h.showRecoveryCodes(w, r, codes, false)
}

func (h *Handler) disableTOTP(w http.ResponseWriter, r *http.Request) {
	err := h.Accounts.DisableTOTP(r.Context(), h.actor(r), CurrentUser(r), session.SessionID(Session(r)))
	switch {
	case errors.Is(err, account.ErrTOTPMandatory):
		h.RenderError(w, r, http.StatusForbidden)
		return
	case errors.Is(err, account.ErrTOTPNotEnabled):
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		addFlash(r, flashSuccess, "totp.disabled")
	}
	h.redirect(w, r, "/security/2fa")
}
