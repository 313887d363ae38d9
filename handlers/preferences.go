package handlers

import (
	"net/http"
	"strconv"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// The customer's preferences: marketing topics × channels, the one-click
// unsubscribe from all, and the profiling and sale switches. The rules
// (age, restriction, objection, Global Privacy Control) are the consent
// service's; these handlers read the form and render.

// gpc is whether the browser sends the Global Privacy Control signal.
func gpc(r *http.Request) bool { return r.Header.Get("Sec-GPC") == "1" }

func person(r *http.Request) consent.Person {
	u := CurrentUser(r)
	return consent.Person{UserID: u.ID, Email: u.Email}
}

func (h *Handler) consentEvidence(r *http.Request, method string) consent.Evidence {
	return consent.Evidence{Method: method, Locale: i18n.Locale(r.Context()), IP: h.ClientIP(r), UserAgent: r.UserAgent()}
}

// prefsView puts the service's model in the reader's language.
func prefsView(r *http.Request, p consent.Preferences) views.PrefsView {
	loc := i18n.Locale(r.Context())
	v := views.PrefsView{NoProfiling: p.NoProfiling, NoSaleShare: p.NoSaleShare, GPCHonoured: p.GPCHonoured, Blocked: p.Blocked,
		Minor: p.Minor, Under13: p.Under13, AskAge: p.AskAge, Errors: views.FieldErrors{}}
	for _, t := range p.Topics {
		pt := views.PrefTopic{Key: t.Topic.Key, Name: holdings.Localized(t.Topic.Name, loc), Description: holdings.Localized(t.Topic.Description, loc)}
		for _, c := range t.Channels {
			pt.Channels = append(pt.Channels, views.PrefChannel{Field: consent.FieldName(consent.Marketing(t.Topic.Key, c.Channel)),
				Channel: c.Channel, Status: c.Status, On: c.On()})
		}
		v.Topics = append(v.Topics, pt)
	}
	return v
}

func (h *Handler) showPreferences(w http.ResponseWriter, r *http.Request) {
	p, err := h.Consent.Preferences(r.Context(), person(r), gpc(r), h.consentEvidence(r, models.MethodGPC))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.PreferencesPage(h.page(r, i18n.T(r.Context(), "prefs.title")), prefsView(r, p)))
}

func (h *Handler) savePreferences(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	r.ParseForm()
	before, err := h.Consent.Preferences(ctx, person(r), false, consent.Evidence{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	shown := prefsView(r, before)
	// The wording of each choice is the text the page showed beside it.
	wording := map[consent.Choice]string{}
	form := consent.SaveForm{Ticked: map[consent.Choice]bool{}, NoProfiling: r.PostFormValue("no_profiling") == "1",
		NoSaleShare: r.PostFormValue("no_sale_share") == "1", SaleShownOff: r.PostFormValue("no_sale_share_shown") == "1",
		Age: r.PostFormValue("age")}
	for _, t := range shown.Topics {
		for _, c := range t.Channels {
			ch := consent.Marketing(t.Key, c.Channel)
			wording[ch] = views.PrefsWording(ctx, t.Name, t.Description, c.Channel)
			form.Ticked[ch] = r.PostFormValue(c.Field) == "1"
		}
	}
	wording[consent.Profiling] = views.PrefsSwitchLabel(ctx, models.PurposeProfiling)
	wording[consent.SaleShare] = views.PrefsSwitchLabel(ctx, models.PurposeSaleShare)
	form.Wording = func(c consent.Choice) string { return wording[c] }
	err = h.Consent.Save(ctx, person(r), form, gpc(r), h.consentEvidence(r, models.MethodPortal))
	if err == nil {
		addFlash(r, flashSuccess, "prefs.flash.saved")
		h.redirect(w, r, "/account/preferences")
		return
	}
	if !fault.Is(err, fault.Invalid) {
		h.fail(w, r, err)
		return
	}
	// Refused: the page again as posted, the reason beside each field.
	for i, t := range shown.Topics {
		for j, c := range t.Channels {
			shown.Topics[i].Channels[j].On = form.Ticked[consent.Marketing(t.Key, c.Channel)]
		}
	}
	shown.NoProfiling, shown.NoSaleShare, shown.Age = form.NoProfiling, form.NoSaleShare, form.Age
	shown.GPCHonoured = gpc(r) && shown.NoSaleShare
	shown.Errors = translated(r, err)
	page := h.pageAt(r, i18n.T(ctx, "prefs.title"), "/account/preferences")
	h.render(w, r, http.StatusUnprocessableEntity, views.PreferencesPage(page, shown))
}

// unsubscribeAll withdraws every marketing choice in one click.
func (h *Handler) unsubscribeAll(w http.ResponseWriter, r *http.Request) {
	ev := h.consentEvidence(r, models.MethodPortal)
	ev.Wording = views.PrefsUnsubscribeAllLabel(r.Context())
	if err := h.Consent.UnsubscribeAll(r.Context(), person(r), ev); err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "prefs.flash.unsubscribed")
	h.redirect(w, r, "/account/preferences")
}

// consentHistory is the consents category page: the whole ledger, a
// page at a time.
func (h *Handler) consentHistory(w http.ResponseWriter, r *http.Request) {
	listCategory(h, w, r, holdings.KeyConsents, h.Consent.HistoryPage, consentEvent, views.ConsentHistoryPage)
}

func consentEvent(e consent.HistoryEntry) views.ConsentEventView {
	return views.ConsentEventView{ID: e.ID, At: e.At, Purpose: e.Purpose, Topic: e.Topic, Channel: e.Channel,
		Action: e.Action, Method: e.Method, PolicyVersion: e.PolicyVersion, WordingHash: e.WordingHash, Locale: e.Locale,
		TopicName: e.TopicName}
}

func consentEvents(list []consent.HistoryEntry) []views.ConsentEventView {
	out := make([]views.ConsentEventView, 0, len(list))
	for _, e := range list {
		out = append(out, consentEvent(e))
	}
	return out
}

// customerConsentShown caps the history on the staff customer page; the
// proof download has all of it.
const customerConsentShown = 50

// customerConsent is the staff customer page's consent panel.
func (h *Handler) customerConsent(r *http.Request, userID int64) (views.CustomerConsentView, error) {
	c, err := h.Consent.ForCustomer(r.Context(), userID, customerConsentShown)
	if err != nil {
		return views.CustomerConsentView{}, err
	}
	v := views.CustomerConsentView{History: consentEvents(c.History)}
	// Every state was set by an event, whose row carries its topic's name.
	names := map[string]string{}
	for _, e := range c.History {
		names[e.Topic] = e.TopicName
	}
	for _, s := range c.States {
		v.States = append(v.States, views.ConsentStateView{Purpose: s.Purpose, Topic: s.Topic, Channel: s.Channel, Status: s.Status,
			TopicName: names[s.Topic], UpdatedAt: s.UpdatedAt})
	}
	return v, nil
}

// consentProof downloads a customer's consent proof (staff only, audited).
func (h *Handler) consentProof(w http.ResponseWriter, r *http.Request) {
	if h.headRefused(w, r) {
		return
	}
	id, ok := pathID(r, "id")
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	data, err := h.Consent.Proof(r.Context(), h.actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="consent-proof-`+strconv.FormatInt(id, 10)+`.csv"`)
	hd.Set("Cache-Control", "no-store")
	w.Write(data)
}
