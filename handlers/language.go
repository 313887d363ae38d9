package handlers

import (
	"net/http"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// LanguageCookie remembers a visitor's language choice.
const LanguageCookie = "portal_lang"

// setLanguage remembers the chosen language in a cookie and, for a
// signed-in user, on their account so mails follow it too.
func (h *Handler) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	next := localPath(r.PostFormValue("next"), "/")
	if !i18n.Valid(lang) {
		h.RenderError(w, r, http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: LanguageCookie, Value: lang, Path: "/",
		MaxAge: int((365 * 24 * time.Hour).Seconds()), HttpOnly: true, Secure: h.SecureCookies, SameSite: http.SameSiteLaxMode})
	if u := CurrentUser(r); u != nil {
		if err := h.Accounts.SetLocale(r.Context(), h.actor(r), u, lang); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.redirect(w, r, next)
}

// Locale picks the request's language: the signed-in user's choice, then
// the cookie, then the browser's Accept-Language.
func Locale(r *http.Request, u *models.User) string {
	if u != nil && i18n.Valid(u.Locale) {
		return u.Locale
	}
	if c, err := r.Cookie(LanguageCookie); err == nil && i18n.Valid(c.Value) {
		return c.Value
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}
