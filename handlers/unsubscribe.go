package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// The pages of mailed links: one-click unsubscribe (RFC 8058), its
// confirm page and token preference page, and the double opt-in
// confirmation. They are reached without signing in, by whoever holds
// the mail, so they never opt anyone in except by the confirmation's
// own POST; and they write no cookie: h.write, not h.render.

// tokenEvidence is the request's evidence for a change made by a link.
func (h *Handler) tokenEvidence(r *http.Request, method, wordingID string) consent.Evidence {
	ctx := r.Context()
	return consent.Evidence{Method: method, Locale: i18n.Locale(ctx), Wording: i18n.T(ctx, wordingID),
		IP: h.ClientIP(r), UserAgent: r.UserAgent()}
}

// tokenFail answers a refused token with 404: a forged, foreign or
// stale token is indistinguishable from a page that never existed.
func (h *Handler) tokenFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, consent.ErrBadToken) {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	h.fail(w, r, err)
}

func (h *Handler) unsubscribeView(r *http.Request, v consent.TokenView) views.UnsubscribeView {
	loc := i18n.Locale(r.Context())
	out := views.UnsubscribeView{Token: r.PathValue("token"), Topic: v.Name(v.Topic.Key, loc), Subscribed: v.Subscribed}
	for _, c := range v.On {
		label := i18n.T(r.Context(), "unsub.choice", "Topic", v.Name(c.Topic, loc), "Channel", i18n.T(r.Context(), "unsub.channel."+c.Channel))
		out.Choices = append(out.Choices, views.UnsubscribeChoice{Value: c.Topic + ":" + c.Channel, Label: label})
	}
	return out
}

// showUnsubscribe is GET /u/{token}: it changes nothing.
func (h *Handler) showUnsubscribe(w http.ResponseWriter, r *http.Request) {
	v, err := h.Consent.ViewToken(r.Context(), r.PathValue("token"))
	if err != nil {
		h.tokenFail(w, r, err)
		return
	}
	h.write(w, r, http.StatusOK, views.UnsubscribePage(h.page(r, i18n.T(r.Context(), "unsub.title")), h.unsubscribeView(r, v)))
}

// unsubscribe is POST /u/{token}: a mail provider's one-click request
// (body List-Unsubscribe=One-Click, no cookies, any origin: the route
// is exempt from the cross-origin check) or the page's button. Either
// unsubscribes at once; a repeat changes nothing and still answers 200.
func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	oneClick := r.PostFormValue("List-Unsubscribe") == "One-Click"
	method, wording := models.MethodEmailLink, "unsub.submit"
	if oneClick {
		method, wording = models.MethodOneClick, "unsub.one_click_wording"
	}
	if _, err := h.Consent.Unsubscribe(r.Context(), token, h.tokenEvidence(r, method, wording)); err != nil {
		h.tokenFail(w, r, err)
		return
	}
	if oneClick {
		// The provider reads the status only: a tiny body.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("unsubscribed\n"))
		return
	}
	v, err := h.Consent.ViewToken(r.Context(), token)
	if err != nil {
		h.tokenFail(w, r, err)
		return
	}
	view := h.unsubscribeView(r, v)
	view.Done = true
	h.write(w, r, http.StatusOK, views.UnsubscribePage(h.pageAt(r, i18n.T(r.Context(), "unsub.done_title"), "/u/"+token), view))
}

// showUnsubscribePrefs is GET /u/{token}/prefs.
func (h *Handler) showUnsubscribePrefs(w http.ResponseWriter, r *http.Request) {
	v, err := h.Consent.ViewToken(r.Context(), r.PathValue("token"))
	if err != nil {
		h.tokenFail(w, r, err)
		return
	}
	h.write(w, r, http.StatusOK, views.UnsubscribePrefsPage(h.page(r, i18n.T(r.Context(), "unsub.prefs_title")), h.unsubscribeView(r, v)))
}

// saveUnsubscribePrefs is POST /u/{token}/prefs: the ticked choices (or
// all) are withdrawn. Nothing the form says can switch anything on.
func (h *Handler) saveUnsubscribePrefs(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	v, err := h.Consent.ViewToken(r.Context(), token)
	if err != nil {
		h.tokenFail(w, r, err)
		return
	}
	var stop []consent.Choice
	if r.PostFormValue("all") == "1" {
		stop = v.On
	} else {
		for _, s := range r.PostForm["stop"] {
			if topic, channel, ok := strings.Cut(s, ":"); ok {
				stop = append(stop, consent.Marketing(topic, channel))
			}
		}
	}
	if _, err := h.Consent.WithdrawByToken(r.Context(), token, stop, h.tokenEvidence(r, models.MethodEmailLink, "unsub.prefs_submit")); err != nil {
		h.tokenFail(w, r, err)
		return
	}
	if v, err = h.Consent.ViewToken(r.Context(), token); err != nil {
		h.tokenFail(w, r, err)
		return
	}
	view := h.unsubscribeView(r, v)
	view.Done = true
	h.write(w, r, http.StatusOK, views.UnsubscribePrefsPage(h.pageAt(r, i18n.T(r.Context(), "unsub.prefs_title"), "/u/"+token+"/prefs"), view))
}

// showConsentConfirm is GET /confirm/{token}: a button, nothing changed.
func (h *Handler) showConsentConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, err := h.Consent.ViewConfirmation(ctx, r.PathValue("token"))
	if err != nil {
		h.tokenFail(w, r, err)
		return
	}
	v := views.ConsentConfirmView{Token: r.PathValue("token"), Topic: p.Name(i18n.Locale(ctx)), Until: views.DateTime(ctx, p.Until)}
	h.write(w, r, http.StatusOK, views.ConsentConfirmPage(h.page(r, i18n.T(ctx, "confirm.optin.title")), v))
}

// consentConfirm is POST /confirm/{token}: the double opt-in's only
// confirming step.
func (h *Handler) consentConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	p, err := h.Consent.ViewConfirmation(ctx, token)
	if err != nil {
		h.tokenFail(w, r, err)
		return
	}
	if err := h.Consent.Confirm(ctx, token, h.tokenEvidence(r, models.MethodConfirm, "confirm.optin.submit")); err != nil {
		h.tokenFail(w, r, err)
		return
	}
	v := views.ConsentConfirmView{Token: token, Topic: p.Name(i18n.Locale(ctx)), Done: true}
	h.write(w, r, http.StatusOK, views.ConsentConfirmPage(h.pageAt(r, i18n.T(ctx, "confirm.optin.done_title"), "/confirm/"+token), v))
}
