package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

func addressView(a models.Address) views.AddressView {
	return views.AddressView{Line1: a.Line1, Line2: a.Line2, PostalCode: a.PostalCode, City: a.City, Region: a.Region, Country: a.Country}
}

func profileView(email string, s profile.Snapshot) views.ProfileView {
	p := s.Profile
	v := views.ProfileView{Email: email, FirstName: p.FirstName, LastName: p.LastName, Phone: p.Phone, BirthDate: p.BirthDate,
		Gender: p.Gender, PreferredLanguage: p.PreferredLanguage, TimeZone: p.TimeZone,
		Billing: addressView(s.Billing), Delivery: addressView(s.Delivery)}
	if p.Version > 0 {
		at := p.UpdatedAt
		v.UpdatedAt = &at
	}
	return v
}

// fieldValue reads one form field's value out of a profile view, for
// telling the user what is stored now when their save conflicted.
func fieldValue(v views.ProfileView, field string) string {
	addr := func(a views.AddressView, part string) string {
		return map[string]string{"line1": a.Line1, "line2": a.Line2, "postal_code": a.PostalCode, "city": a.City,
			"region": a.Region, "country": a.Country}[part]
	}
	if rest, ok := strings.CutPrefix(field, "billing."); ok {
		return addr(v.Billing, rest)
	}
	if rest, ok := strings.CutPrefix(field, "delivery."); ok {
		return addr(v.Delivery, rest)
	}
	return map[string]string{"first_name": v.FirstName, "last_name": v.LastName, "phone": v.Phone, "birth_date": v.BirthDate,
		"gender": v.Gender, "preferred_language": v.PreferredLanguage, "time_zone": v.TimeZone}[field]
}

func (h *Handler) profileData(w http.ResponseWriter, r *http.Request) {
	page, cat, err := h.categoryPage(r, "profile", "data.profile.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u := CurrentUser(r)
	snap, err := h.Profiles.Get(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.ProfileDataPage(page, cat, profileView(u.Email, snap)))
}

func (h *Handler) showProfileEdit(w http.ResponseWriter, r *http.Request) {
	u := CurrentUser(r)
	snap, err := h.Profiles.Get(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	form := views.ProfileForm{Values: profileView(u.Email, snap), Version: snap.Profile.Version, Countries: profile.Countries(), Zones: profile.Zones}
	h.render(w, r, http.StatusOK, views.ProfileEditPage(h.page(r, i18n.T(r.Context(), "data.profile_edit.title")), form))
}

func readAddress(r *http.Request, prefix string) profile.AddressInput {
	f := func(name string) string { return r.PostFormValue(prefix + "." + name) }
	return profile.AddressInput{Line1: f("line1"), Line2: f("line2"), PostalCode: f("postal_code"), City: f("city"),
		Region: f("region"), Country: f("country")}
}

func (h *Handler) saveProfile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := CurrentUser(r)
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	in := profile.Input{FirstName: r.PostFormValue("first_name"), LastName: r.PostFormValue("last_name"),
		Phone: r.PostFormValue("phone"), BirthDate: r.PostFormValue("birth_date"), Gender: r.PostFormValue("gender"),
		PreferredLanguage: r.PostFormValue("preferred_language"), TimeZone: r.PostFormValue("time_zone"),
		Billing: readAddress(r, "billing"), Delivery: readAddress(r, "delivery"), Version: version}
	after, err := h.Profiles.Update(ctx, h.actor(r), u.ID, in)
	if err == nil {
		// A save that changed nothing keeps the version the form was loaded at.
		flash := "profile.saved"
		if after.Profile.Version == version {
			flash = "profile.unchanged"
		}
		addFlash(r, flashSuccess, flash)
		h.redirect(w, r, "/account/data/profile")
		return
	}
	// Whatever went wrong, the form comes back with exactly what was typed.
	form := views.ProfileForm{Version: version, Errors: views.FieldErrors{}, Countries: profile.Countries(), Zones: profile.Zones,
		Values: views.ProfileView{Email: u.Email, FirstName: in.FirstName, LastName: in.LastName, Phone: in.Phone,
			BirthDate: in.BirthDate, Gender: in.Gender, PreferredLanguage: in.PreferredLanguage, TimeZone: in.TimeZone,
			Billing: views.AddressView(in.Billing), Delivery: views.AddressView(in.Delivery)}}
	var verr *profile.ValidationError
	var conflict *profile.ConflictError
	switch {
	case errors.As(err, &verr):
		for field, id := range verr.Fields {
			form.Errors[field] = views.ProfileErrorMessage(ctx, field, id, addressCountry(in, field))
		}
	case errors.As(err, &conflict):
		current := profileView(u.Email, conflict.Current)
		for _, f := range conflict.Fields {
			form.Conflict = append(form.Conflict, views.ConflictField{Field: f, Current: fieldValue(current, f)})
		}
		// Saving again now means "keep mine", knowingly.
		form.Version = conflict.Current.Profile.Version
	default:
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, views.ProfileEditPage(h.page(r, i18n.T(ctx, "data.profile_edit.title")), form))
}

// addressCountry is the country typed in the address a field belongs to,
// for the postal-code example.
func addressCountry(in profile.Input, field string) string {
	switch {
	case strings.HasPrefix(field, "billing."):
		return in.Billing.Country
	case strings.HasPrefix(field, "delivery."):
		return in.Delivery.Country
	}
	return ""
}

func (h *Handler) profileHistory(w http.ResponseWriter, r *http.Request) {
	pg, offset := pageParam(r, dataPerPage)
	rows, total, err := h.Profiles.Changes(r.Context(), CurrentUser(r).ID, dataPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	items := make([]views.ChangeView, 0, len(rows))
	for _, c := range rows {
		items = append(items, views.ChangeView{At: c.CreatedAt, Field: c.Field, Old: c.OldValue, New: c.NewValue, ActorKind: c.ActorKind, RequestID: c.RequestID})
	}
	h.render(w, r, http.StatusOK, views.ChangeHistoryPage(h.page(r, i18n.T(r.Context(), "data.history.title")), items, pg))
}
