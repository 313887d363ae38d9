package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

func (h *Handler) showCodeRequest(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, views.CodeRequestPage(h.page(r, i18n.T(r.Context(), "signin_code.title")), views.CodeRequestForm{}))
}

// requestCode answers the same way whether or not the address has an
// account: it stores the address in the session and shows the code form.
func (h *Handler) requestCode(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := views.CodeRequestForm{Email: strings.TrimSpace(r.PostFormValue("email")), Errors: views.FieldErrors{}}
	if form.Email == "" {
		form.Errors["email"] = i18n.T(ctx, "signin.error.email_required")
	} else if err := h.Accounts.RequestSignInCode(ctx, h.actor(r), form.Email); errors.Is(err, account.ErrInvalidEmail) {
		form.Errors["email"] = i18n.T(ctx, "email.error.invalid")
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(form.Errors) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, views.CodeRequestPage(h.page(r, i18n.T(ctx, "signin_code.title")), form))
		return
	}
	email, _ := account.NormalizeEmail(form.Email)
	Session(r).Values[keyCodeEmail] = email
	h.redirect(w, r, "/signin/code/enter")
}

func (h *Handler) showCodeEnter(w http.ResponseWriter, r *http.Request) {
	email := sessionString(r, keyCodeEmail)
	if email == "" {
		h.redirect(w, r, "/signin/code")
		return
	}
	h.render(w, r, http.StatusOK, views.CodeEnterPage(h.page(r, i18n.T(r.Context(), "signin_code.enter_title")), views.CodeEnterForm{Email: email}))
}

func (h *Handler) enterCode(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := sessionString(r, keyCodeEmail)
	if email == "" {
		h.redirect(w, r, "/signin/code")
		return
	}
	form := views.CodeEnterForm{Email: email, Errors: views.FieldErrors{}}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" {
		form.Errors["code"] = i18n.T(ctx, "code.error.required")
	} else {
		u, err := h.Accounts.SignInWithCode(ctx, h.actor(r), email, code)
		if err == nil {
			h.firstFactorPassed(w, r, u, auth.MethodEmailCode, "")
			return
		}
		msg, throttled := waitMessage(r, err)
		switch {
		case throttled:
			form.Errors["code"] = msg
		case errors.Is(err, account.ErrInvalidCode):
			form.Errors["code"] = i18n.T(ctx, "code.error.invalid")
		default:
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.CodeEnterPage(h.page(r, i18n.T(ctx, "signin_code.enter_title")), form))
}
