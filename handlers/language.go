package handlers

import (
	"net/http"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// LanguageCookie remembers a visitor's language choice.
const LanguageCookie = "portal_lang"

// keyLanguageOffer is the language just chosen in the header, kept until
// the next page offers it as the preferred language (the one of mails).
const keyLanguageOffer = "lang_offer"

// The rule, in one place and said on the page: the header's choice is
// this browser's page language, at once (a cookie); the account's
// preferred language is what mails use, changed only when the person says
// so. Choosing a page language different from the preferred one offers
// to make it the preferred one too.

// setLanguage remembers the chosen language in a cookie. A signed-in
// user whose preferred language differs is offered, on the next page, to
// use it for mails too; nothing on the account changes until they accept.
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
		if lang != u.Locale {
			Session(r).Values[keyLanguageOffer] = lang
		} else {
			delete(Session(r).Values, keyLanguageOffer)
		}
	}
	h.redirect(w, r, next)
}

// setPreferredLanguage accepts the offer: mails follow the language the
// pages are in. The account service keeps users.locale and the profile's
// preferred language equal, and audits the change.
func (h *Handler) setPreferredLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PostFormValue("lang")
	next := localPath(r.PostFormValue("next"), homeFor(CurrentUser(r)))
	// SetLocale refuses a language the portal does not speak.
	if err := h.Accounts.SetLocale(r.Context(), h.actor(r), CurrentUser(r), lang); err != nil {
		h.fail(w, r, err)
		return
	}
	delete(Session(r).Values, keyLanguageOffer)
	addFlash(r, flashSuccess, "language.mails_updated")
	h.redirect(w, r, next)
}

// languageOffer is the notice for the page after a header choice, once:
// it is dropped from the session when shown. It is shown only while it
// still makes sense: the pages are in the chosen language and the mails
// are not.
func languageOffer(r *http.Request, u *models.User) *views.LanguageOffer {
	v := Session(r).Values
	code, _ := v[keyLanguageOffer].(string)
	if code == "" {
		return nil
	}
	delete(v, keyLanguageOffer)
	if code != i18n.Locale(r.Context()) || code == u.Locale {
		return nil
	}
	return &views.LanguageOffer{Code: code, PagesName: languageName(code), MailsName: languageName(u.Locale), ReturnPath: r.URL.RequestURI()}
}

// languageName is a language named in itself; mails to an account
// without a valid language are in the default one.
func languageName(code string) string {
	if !i18n.Valid(code) {
		code = i18n.Default
	}
	return i18n.LanguageName(code)
}

// Locale picks the request's page language: this browser's choice (the
// cookie), then the signed-in user's preferred language, then the
// browser's Accept-Language. The cookie comes first so that signing in
// never switches the pages away from the language someone is reading.
func Locale(r *http.Request, u *models.User) string {
	if c, err := r.Cookie(LanguageCookie); err == nil && i18n.Valid(c.Value) {
		return c.Value
	}
	if u != nil && i18n.Valid(u.Locale) {
		return u.Locale
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}
