package handlers

import (
	"errors"
	"github.com/photolab/privacyportal/models"
	"net/http"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/session"
	"github.com/photolab/privacyportal/views"
)

const eventsPerPage = 20

func (h *Handler) security(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := CurrentUser(r)
	pg, offset := pageParam(r, eventsPerPage)
	// The history is the logins category's list, which knows its count.
	events, total, err := h.Holdings.Logins(ctx, u.ID, eventsPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	counts, err := h.Accounts.SecurityCounts(ctx, u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	ov := views.SecurityOverview{Email: u.Email, HasPassword: u.PasswordHash != "", PasswordChangedAt: u.PasswordChangedAt,
		TOTPEnabled: u.HasTOTP(), TOTPEnabledAt: u.TOTPEnabledAt, RecoveryCodesLeft: counts.RecoveryCodesLeft,
		SessionCount: counts.Sessions, EventsPagination: pg, Customer: u.Role == models.RoleCustomer}
	for _, e := range events {
		ov.Events = append(ov.Events, loginEventView(e))
	}
	h.render(w, r, http.StatusOK, views.SecurityPage(h.page(r, i18n.T(ctx, "security.title")), ov))
}

func (h *Handler) confirmForm(r *http.Request, next string) views.ConfirmForm {
	u := CurrentUser(r)
	return views.ConfirmForm{Next: localPath(next, "/security"), HasPassword: u.PasswordHash != "", HasTOTP: u.HasTOTP(), Errors: views.FieldErrors{}}
}

func (h *Handler) showConfirm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.ConfirmPage(h.page(r, i18n.T(r.Context(), "confirm.title")), h.confirmForm(r, r.URL.Query().Get("next"))))
}

func (h *Handler) confirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := h.confirmForm(r, r.PostFormValue("next"))
	pw, code := r.PostFormValue("password"), strings.TrimSpace(r.PostFormValue("code"))
	if pw == "" && code == "" {
		field, id := "password", "confirm.error.password_required"
		if !form.HasPassword {
			field, id = "code", "confirm.error.code_required"
		}
		form.Errors[field] = i18n.T(ctx, id)
	} else {
		err := h.Accounts.Reauthenticate(ctx, h.actor(r), CurrentUser(r), pw, code)
		if err == nil {
			markAuthenticated(r, sessionString(r, keyAuthMethod), time.Now())
			addFlash(r, flashSuccess, "confirm.done")
			h.redirect(w, r, form.Next)
			return
		}
		msg, throttled := waitMessage(r, err)
		switch {
		case throttled:
			form.Errors["form"] = msg
		case errors.Is(err, account.ErrCodeReused):
			form.Errors["form"] = i18n.T(ctx, "totp.error.reused")
		case errors.Is(err, account.ErrInvalidCredentials):
			form.Errors["form"] = i18n.T(ctx, "confirm.error.invalid")
		default:
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.ConfirmPage(h.page(r, i18n.T(ctx, "confirm.title")), form))
}

// needsCurrentPassword is false when the user has no password, or proved
// their address with an emailed code moments ago: that is the reset path.
func (h *Handler) needsCurrentPassword(r *http.Request) bool {
	u := CurrentUser(r)
	if u.PasswordHash == "" {
		return false
	}
	return sessionString(r, keyAuthMethod) != auth.MethodEmailCode || !h.RecentlyAuthenticated(r, time.Now())
}

func (h *Handler) showPassword(w http.ResponseWriter, r *http.Request) {
	form := views.PasswordForm{HasPassword: CurrentUser(r).PasswordHash != "", NeedsCurrent: h.needsCurrentPassword(r)}
	h.render(w, r, http.StatusOK, views.PasswordPage(h.page(r, i18n.T(r.Context(), "password.title")), form))
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := CurrentUser(r)
	hadPassword := u.PasswordHash != ""
	form := views.PasswordForm{HasPassword: hadPassword, NeedsCurrent: h.needsCurrentPassword(r), Errors: views.FieldErrors{}}
	current, newPw, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	// Every field says what is wrong with it at once; only the current
	// password's check waits for the save, since it costs a hash.
	if form.NeedsCurrent && current == "" {
		form.Errors["current"] = i18n.T(ctx, "password.error.current_required")
	}
	switch err := account.CheckNewPassword(u, newPw); {
	case newPw == "":
		form.Errors["new"] = i18n.T(ctx, "password.error.new_required")
	case err != nil:
		form.Errors["new"] = i18n.T(ctx, policyMessage(err))
	}
	if newPw != "" && newPw != again {
		form.Errors["confirm"] = i18n.T(ctx, "password.error.mismatch")
	}
	if len(form.Errors) == 0 {
		err := h.Accounts.ChangePassword(ctx, h.actor(r), u, current, newPw, form.NeedsCurrent, session.SessionID(Session(r)))
		if err == nil {
			flash := "password.changed"
			if !hadPassword {
				flash = "password.set"
			}
			addFlash(r, flashSuccess, flash)
			h.redirect(w, r, "/security")
			return
		}
		msg, throttled := waitMessage(r, err)
		switch {
		case throttled:
			form.Errors["current"] = msg
		case errors.Is(err, account.ErrCurrentPassword):
			form.Errors["current"] = i18n.T(ctx, "password.error.current_wrong")
		case account.IsPolicyError(err):
			form.Errors["new"] = i18n.T(ctx, policyMessage(err))
		default:
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.PasswordPage(h.page(r, i18n.T(ctx, "password.title")), form))
}

func policyMessage(err error) string {
	switch {
	case errors.Is(err, password.ErrTooShort):
		return "password.error.too_short"
	case errors.Is(err, password.ErrTooLong):
		return "password.error.too_long"
	case errors.Is(err, password.ErrCommon):
		return "password.error.common"
	}
	return "password.error.context"
}

func (h *Handler) showEmailChange(w http.ResponseWriter, r *http.Request) {
	form := views.EmailChangeForm{Current: CurrentUser(r).Email}
	h.render(w, r, http.StatusOK, views.EmailChangePage(h.page(r, i18n.T(r.Context(), "email_change.title")), form))
}

func (h *Handler) requestEmailChange(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := CurrentUser(r)
	form := views.EmailChangeForm{Current: u.Email, NewEmail: strings.TrimSpace(r.PostFormValue("email")), Errors: views.FieldErrors{}}
	newEmail, err := h.Accounts.RequestEmailChange(ctx, h.actor(r), u, form.NewEmail)
	switch {
	case err == nil:
		Session(r).Values[keyNewEmail] = newEmail
		addFlash(r, flashInfo, "email.code_sent")
		h.redirect(w, r, "/security/email/confirm")
		return
	case form.NewEmail == "":
		form.Errors["email"] = i18n.T(ctx, "email.error.new_required")
	case errors.Is(err, account.ErrInvalidEmail):
		form.Errors["email"] = i18n.T(ctx, "email.error.invalid")
	case errors.Is(err, account.ErrSameEmail):
		form.Errors["email"] = i18n.T(ctx, "email.error.same")
	default:
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.EmailChangePage(h.page(r, i18n.T(ctx, "email_change.title")), form))
}

func (h *Handler) showEmailConfirm(w http.ResponseWriter, r *http.Request) {
	newEmail := sessionString(r, keyNewEmail)
	if newEmail == "" {
		h.redirect(w, r, "/security/email")
		return
	}
	h.render(w, r, http.StatusOK, views.EmailConfirmPage(h.page(r, i18n.T(r.Context(), "email_confirm.title")), views.EmailConfirmForm{NewEmail: newEmail}))
}

func (h *Handler) confirmEmailChange(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	newEmail := sessionString(r, keyNewEmail)
	if newEmail == "" {
		h.redirect(w, r, "/security/email")
		return
	}
	form := views.EmailConfirmForm{NewEmail: newEmail, Errors: views.FieldErrors{}}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" {
		form.Errors["code"] = i18n.T(ctx, "code.error.required")
	} else {
		err := h.Accounts.ConfirmEmailChange(ctx, h.actor(r), CurrentUser(r), newEmail, code)
		switch {
		case err == nil:
			delete(Session(r).Values, keyNewEmail)
			addFlash(r, flashSuccess, "email.changed")
			h.redirect(w, r, "/security")
			return
		case errors.Is(err, account.ErrInvalidCode):
			form.Errors["code"] = i18n.T(ctx, "code.error.invalid")
		default:
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.EmailConfirmPage(h.page(r, i18n.T(ctx, "email_confirm.title")), form))
}
