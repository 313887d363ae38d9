package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
	"gorm.io/gorm"
)

// maxPasswordBytes caps what is hashed: far above any real password (NIST
// asks that at least 64 characters be allowed), low enough that a huge
// form field cannot be used to burn CPU.
const maxPasswordBytes = 4096

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
	} else if len(pw) > maxPasswordBytes {
		form.Errors["password"] = i18n.T(ctx, "signin.error.invalid")
	}
	if len(form.Errors) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, views.SignInPage(h.page(r, i18n.T(ctx, "signin.title")), form))
		return
	}

	user, err := h.authenticate(r, form.Email, pw)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if user == nil {
		form.Errors["form"] = i18n.T(ctx, "signin.error.invalid")
		h.render(w, r, http.StatusUnprocessableEntity, views.SignInPage(h.page(r, i18n.T(ctx, "signin.title")), form))
		return
	}
	if err := h.Sessions.SignIn(r, w, Session(r), user); err != nil {
		h.fail(w, r, err)
		return
	}
	id := user.ID
	if err := h.Audit.Record(ctx, audit.Entry{ActorID: &id, ActorRole: string(user.Role), Action: "auth.signin",
		TargetType: "user", TargetID: strconv.FormatInt(id, 10), IP: h.ClientIP(r)}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, localPath(form.Next, homeFor(user)))
}

// authenticate returns the user whose email and password match, or nil.
// An unknown email costs the same hashing time as a wrong password, so the
// response time does not tell whether an address has an account.
func (h *Handler) authenticate(r *http.Request, email, pw string) (*models.User, error) {
	ctx := r.Context()
	var user models.User
	err := h.DB.WithContext(ctx).Where("email = ?", strings.ToLower(email)).Take(&user).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && user.PasswordHash == "") {
		h.Hasher.VerifyDummy(ctx, pw)
		return nil, h.Audit.Record(ctx, audit.Entry{Action: "auth.signin_failed", IP: h.ClientIP(r)})
	}
	if err != nil {
		return nil, err
	}
	ok, err := h.Hasher.Verify(ctx, pw, user.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, h.Audit.Record(ctx, audit.Entry{Action: "auth.signin_failed", TargetType: "user",
			TargetID: strconv.FormatInt(user.ID, 10), IP: h.ClientIP(r)})
	}
	return &user, nil
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if u := CurrentUser(r); u != nil {
		e := h.actor(r, audit.Entry{Action: "auth.signout", TargetType: "user", TargetID: strconv.FormatInt(u.ID, 10)})
		if err := h.Audit.Record(r.Context(), e); err != nil {
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
