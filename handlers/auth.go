package handlers

import (
	"errors"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// maxPasswordBytes caps what is hashed: far above any real password (NIST
// asks that at least 64 characters be allowed), low enough that a huge
// form field cannot be used to burn CPU.
const maxPasswordBytes = 4096

// waitMessage turns a throttle into the plain "please wait" text.
func waitMessage(r *http.Request, err error) (string, bool) {
	var we *account.WaitError
	if !errors.As(err, &we) {
		return "", false
	}
	minutes := int(math.Ceil(we.Wait.Minutes()))
	return i18n.T(r.Context(), "signin.error.wait", "Minutes", max(minutes, 1)), true
}

func (h *Handler) showSignIn(w http.ResponseWriter, r *http.Request) {
	if u := CurrentUser(r); u != nil {
		h.redirect(w, r, homeFor(u))
		return
	}
	form := views.SignInForm{Next: localPath(r.URL.Query().Get("next"), "")}
	h.render(w, r, http.StatusOK, views.SignInPage(h.page(r, i18n.T(r.Context(), "signin.title")), form))
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := views.SignInForm{
		Email:  strings.TrimSpace(r.PostFormValue("email")),
		Next:   localPath(r.PostFormValue("next"), ""),
		Errors: views.FieldErrors{},
	}
	pw := r.PostFormValue("password")
	if form.Email == "" {
		form.Errors["email"] = i18n.T(ctx, "signin.error.email_required")
	}
	if pw == "" {
		form.Errors["password"] = i18n.T(ctx, "signin.error.password_required")
	}
	if len(form.Errors) == 0 {
		if len(pw) > maxPasswordBytes {
			form.Errors["form"] = i18n.T(ctx, "signin.error.invalid")
		} else {
			user, err := h.Accounts.SignInWithPassword(ctx, h.actor(r), form.Email, pw)
			if err == nil {
				h.firstFactorPassed(w, r, user, auth.MethodPassword, form.Next)
				return
			}
			msg, throttled := waitMessage(r, err)
			switch {
			case throttled:
				form.Errors["form"] = msg
			case errors.Is(err, account.ErrInvalidCredentials):
				form.Errors["form"] = i18n.T(ctx, "signin.error.invalid")
			default:
				h.fail(w, r, err)
				return
			}
		}
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.SignInPage(h.page(r, i18n.T(ctx, "signin.title")), form))
}

// firstFactorPassed either finishes the sign-in or, for a user with TOTP,
// remembers them as pending and asks for the second factor. A pending
// user is not signed in: every protected route still refuses them.
func (h *Handler) firstFactorPassed(w http.ResponseWriter, r *http.Request, u *models.User, method, next string) {
	if u.HasTOTP() {
		v := Session(r).Values
		v[keyPendingUser] = u.ID
		v[keyPendingMethod] = method
		v[keyPendingAt] = time.Now().Unix()
		if next != "" {
			v["next"] = next
		}
		h.redirect(w, r, "/signin/2fa")
		return
	}
	h.finishSignIn(w, r, u, method, next)
}

// finishSignIn binds the user to a brand-new session (the id changes at
// sign-in) and records it.
func (h *Handler) finishSignIn(w http.ResponseWriter, r *http.Request, u *models.User, method, next string) {
	sess := Session(r)
	for _, k := range []string{keyPendingUser, keyPendingMethod, keyPendingAt, keyCodeEmail, "next"} {
		delete(sess.Values, k)
	}
	markAuthenticated(r, method, time.Now())
	if err := h.Sessions.SignIn(r, w, sess, u); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Accounts.CompleteSignIn(r.Context(), h.actor(r), u, method); err != nil {
		h.fail(w, r, err)
		return
	}
	// A customer's browser asking not to be sold (Global Privacy Control)
	// is heard as the session starts, whatever page follows.
	if gpc(r) && u.Role == models.RoleCustomer && h.Consent != nil {
		if err := h.Consent.HonourSignal(r.Context(), consent.Person{UserID: u.ID, Email: u.Email}, h.consentEvidence(r, models.MethodGPC)); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	// The set-up page says why itself: no flash, or the notice shows twice.
	if SetupRequired(u) {
		h.redirect(w, r, "/security/2fa")
		return
	}
	h.redirect(w, r, localPath(next, homeFor(u)))
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if u := CurrentUser(r); u != nil {
		if err := h.Accounts.RecordSignOut(r.Context(), h.actor(r), u); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if err := h.Sessions.SignOut(r, w, Session(r)); err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "signin.signed_out")
	h.redirect(w, r, "/signin")
}

// pendingUser is the user who passed the first factor in this session
// within pendingLifetime, or nil.
func (h *Handler) pendingUser(r *http.Request) *models.User {
	id := sessionInt(r, keyPendingUser)
	at := sessionInt(r, keyPendingAt)
	if id == 0 || time.Since(time.Unix(at, 0)) > pendingLifetime {
		return nil
	}
	u, err := h.Accounts.User(r.Context(), id)
	if err != nil {
		return nil
	}
	return u
}

func (h *Handler) showSecondFactor(w http.ResponseWriter, r *http.Request) {
	if h.pendingUser(r) == nil {
		h.redirect(w, r, "/signin")
		return
	}
	h.render(w, r, http.StatusOK, views.SecondFactorPage(h.page(r, i18n.T(r.Context(), "second_factor.title")), views.SecondFactorForm{}))
}

func (h *Handler) secondFactor(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := h.pendingUser(r)
	if u == nil {
		addFlash(r, flashInfo, "signin.code_required_again")
		h.redirect(w, r, "/signin")
		return
	}
	form := views.SecondFactorForm{Errors: views.FieldErrors{}}
	code := strings.TrimSpace(r.PostFormValue("code"))
	if code == "" {
		form.Errors["code"] = i18n.T(ctx, "totp.error.required")
	} else {
		_, err := h.Accounts.VerifySecondFactor(ctx, h.actor(r), u, code)
		if err == nil {
			h.finishSignIn(w, r, u, sessionString(r, keyPendingMethod), sessionString(r, "next"))
			return
		}
		msg, throttled := waitMessage(r, err)
		switch {
		case throttled:
			form.Errors["code"] = msg
		case errors.Is(err, account.ErrCodeReused):
			form.Errors["code"] = i18n.T(ctx, "totp.error.reused")
		case errors.Is(err, account.ErrInvalidCode):
			form.Errors["code"] = i18n.T(ctx, "totp.error.invalid")
		default:
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.SecondFactorPage(h.page(r, i18n.T(ctx, "second_factor.title")), form))
}
