package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// lookupCustomers is /staff/customers: the form, and once posted (or
// with ?q=, for a link) the matches. The form posts, so what staff type
// (an email, a name) stays out of the URL and the browser's history.
func (h *Handler) lookupCustomers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, asked := r.URL.Query()["q"]
	q := r.URL.Query().Get("q")
	if r.Method == http.MethodPost {
		asked, q = true, r.PostFormValue("q")
	}
	l := views.CustomerLookup{Query: strings.TrimSpace(q), Errors: views.FieldErrors{}}
	status := http.StatusOK
	if asked {
		l.Searched = true
		found, err := h.Requests.LookupCustomers(ctx, h.actor(r), l.Query)
		switch {
		case fault.Is(err, fault.Invalid):
			l.Errors["q"] = i18n.T(ctx, requests.MsgLookupQuery)
			status = http.StatusUnprocessableEntity
		case err != nil:
			h.fail(w, r, err)
			return
		}
		for _, c := range found {
			l.Results = append(l.Results, views.CustomerResult{ID: c.ID, Name: c.Name, Email: c.Email, CreatedAt: c.CreatedAt})
		}
	}
	h.render(w, r, status, views.CustomerLookupPage(h.page(r, i18n.T(ctx, "customers.title")), l))
}

func pathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

func (h *Handler) showCustomer(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	h.renderCustomer(w, r, id, http.StatusOK, func(*views.CustomerFile) {})
}

// renderCustomer renders a customer's page; edit puts back a refused
// form's input and errors.
func (h *Handler) renderCustomer(w http.ResponseWriter, r *http.Request, id int64, status int, edit func(*views.CustomerFile)) {
	ctx := r.Context()
	f, err := h.Requests.Customer(ctx, h.actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cats, err := h.Holdings.Categories(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	locale := i18n.Locale(ctx)
	names := map[string]string{}
	v := views.CustomerFile{ID: f.User.ID, Name: f.User.Name, Email: f.User.Email, CreatedAt: f.User.CreatedAt}
	for _, e := range holdings.Entries() {
		names[e.Key()] = e.Key()
	}
	for _, c := range cats {
		names[c.Key] = c.In(locale).Name
		if _, ok := holdings.Lookup(c.Key); ok {
			v.Categories = append(v.Categories, views.CategoryChoice{Key: c.Key, Label: c.In(locale).Name})
		}
	}
	for _, q := range f.Requests {
		v.Requests = append(v.Requests, views.CustomerRequestView{ID: q.ID, Kind: q.Kind, Status: q.Status, ReceivedAt: q.ReceivedAt, DueAt: q.DueAt})
	}
	for _, hd := range f.Holds {
		hv := views.HoldView{ID: hd.ID, Reason: hd.Reason, PlacedAt: hd.PlacedAt, ReleasedAt: hd.ReleasedAt, ReleaseReason: hd.ReleaseReason}
		for _, k := range strings.Split(hd.Categories, ",") {
			hv.Categories = append(hv.Categories, names[k])
		}
		v.Holds = append(v.Holds, hv)
	}
	for _, rs := range f.Restrictions {
		rv := views.RestrictionView{ID: rs.ID, Ground: rs.Ground, Reason: rs.Reason, RequestID: rs.RequestID, PlacedAt: rs.PlacedAt,
			LiftsAt: rs.LiftsAt, LiftedAt: rs.LiftedAt}
		if rs.Category != "" {
			rv.Category = names[rs.Category]
		}
		v.Restrictions = append(v.Restrictions, rv)
	}
	for _, o := range f.Objections {
		v.Objections = append(v.Objections, views.ObjectionView{RecordedAt: o.RecordedAt, RequestID: o.RequestID})
	}
	if v.Consent, err = h.customerConsent(r, f.User.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	edit(&v)
	h.render(w, r, status, views.CustomerPage(h.pageAt(r, i18n.T(ctx, "customers.file_title"), "/staff/customers/"+strconv.FormatInt(id, 10)), v))
}

func (h *Handler) placeHold(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	r.ParseForm()
	form := views.HoldForm{Categories: r.PostForm["categories"], Reason: r.PostFormValue("reason"), Errors: views.FieldErrors{}}
	_, err := h.Requests.PlaceHold(ctx, h.actor(r), id, form.Categories, form.Reason)
	if fault.Is(err, fault.Invalid) {
		for k, msg := range fault.FieldsOf(err) {
			form.Errors[k] = i18n.T(ctx, msg)
		}
		h.renderCustomer(w, r, id, http.StatusUnprocessableEntity, func(f *views.CustomerFile) { f.HoldForm = form })
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "holds.placed")
	h.redirect(w, r, "/staff/customers/"+strconv.FormatInt(id, 10)+"#holds-title")
}

func (h *Handler) releaseHold(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	holdID, ok2 := pathID(r, "hold")
	if !ok || !ok2 {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	// The hold must be this customer's: a hold id under another
	// customer's address is not found, as is any id of no customer.
	holds, err := h.Requests.Holds(ctx, h.actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !slices.ContainsFunc(holds, func(x models.LegalHold) bool { return x.ID == holdID }) {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	reason := r.PostFormValue("reason")
	err = h.Requests.ReleaseHold(ctx, h.actor(r), holdID, reason)
	if fault.Is(err, fault.Invalid) {
		msg := ""
		for _, m := range fault.FieldsOf(err) {
			msg = i18n.T(ctx, m)
		}
		h.renderCustomer(w, r, id, http.StatusUnprocessableEntity, func(f *views.CustomerFile) {
			for i := range f.Holds {
				if f.Holds[i].ID == holdID {
					f.Holds[i].ReleaseError, f.Holds[i].Release = msg, reason
				}
			}
		})
		return
	}
	if fault.Is(err, fault.Conflict) {
		addFlash(r, flashInfo, "holds.already_released")
	} else if err != nil {
		h.fail(w, r, err)
		return
	} else {
		addFlash(r, flashSuccess, "holds.released_flash")
	}
	h.redirect(w, r, "/staff/customers/"+strconv.FormatInt(id, 10)+"#holds-title")
}

func (h *Handler) liftRestriction(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	rid, ok2 := pathID(r, "restriction")
	if !ok || !ok2 {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	rs, err := h.Requests.Restrictions(r.Context(), h.actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !slices.ContainsFunc(rs, func(x models.Restriction) bool { return x.ID == rid }) {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	err = h.Requests.LiftRestriction(r.Context(), h.actor(r), rid)
	switch {
	case fault.Is(err, fault.Conflict):
		addFlash(r, flashInfo, "restrictions.already_announced")
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		addFlash(r, flashSuccess, "restrictions.lift_flash")
	}
	h.redirect(w, r, "/staff/customers/"+strconv.FormatInt(id, 10)+"#restrictions-title")
}
