package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// rectifyForm builds the rectification form for a field named by the
// query or the submitted form ("" for none yet). A record that is not the
// customer's is not found.
func (h *Handler) rectifyForm(r *http.Request, category, fieldName, record string) (views.RectifyForm, error) {
	ctx := r.Context()
	locale := i18n.Locale(ctx)
	f := views.RectifyForm{Errors: views.FieldErrors{}, Countries: profile.Countries()}
	names := map[string]string{}
	if cats, err := h.Holdings.Categories(ctx); err == nil {
		for _, c := range cats {
			names[c.Key] = c.In(locale).Name
		}
	} else {
		return f, err
	}
	for _, e := range holdings.Entries() {
		for _, c := range e.Correctable() {
			if c.Record == holdings.RecordOwn {
				f.Choices = append(f.Choices, views.RectifyChoice{Value: e.Key() + ":" + c.Field,
					Label: names[e.Key()] + " — " + i18n.T(ctx, c.Label)})
			}
		}
	}
	if category == "" {
		category, fieldName, _ = strings.Cut(fieldName, ":")
	}
	f.Category, f.Field = strings.TrimSpace(category), strings.TrimSpace(fieldName)
	if f.Category == "" && f.Field == "" {
		return f, nil
	}
	c, ok := holdings.CorrectableField(f.Category, f.Field)
	if !ok {
		f.Errors["field"] = i18n.T(ctx, requests.MsgFieldUnknown)
		f.Category, f.Field = "", ""
		return f, nil
	}
	if c.Record == holdings.RecordRow {
		id, err := strconv.ParseInt(record, 10, 64)
		if err != nil || id <= 0 {
			return f, requests.ErrNotFound
		}
		f.RecordID = id
	}
	cur, err := h.Requests.CurrentValue(ctx, h.actor(r), CurrentUser(r).ID, f.Category, f.RecordID, f.Field)
	if err != nil {
		return f, err
	}
	f.Chosen, f.Current, f.Proposed = true, cur, cur
	f.CategoryName, f.FieldLbl = names[f.Category], i18n.T(ctx, c.Label)
	return f, nil
}

func (h *Handler) showRectify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := h.rectifyForm(r, q.Get("category"), q.Get("field"), q.Get("record"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if choose := q.Get("choose"); !f.Chosen && choose != "" {
		// A link chose a group (an address): the first step, preselected.
		f.Category, f.Field, _ = strings.Cut(choose, ":")
	}
	h.render(w, r, http.StatusOK, views.RectifyPage(h.page(r, i18n.T(r.Context(), "rectify.title")), f))
}

func (h *Handler) fileRectification(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := CurrentUser(r)
	f, err := h.rectifyForm(r, r.PostFormValue("category"), r.PostFormValue("field"), r.PostFormValue("record"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.Proposed, f.Reason = r.PostFormValue("proposed"), r.PostFormValue("reason")
	title := i18n.T(ctx, "rectify.title")
	if !f.Chosen {
		if len(f.Errors) == 0 {
			f.Errors["field"] = i18n.T(ctx, requests.MsgFieldUnknown)
		}
		h.render(w, r, http.StatusUnprocessableEntity, views.RectifyPage(h.page(r, title), f))
		return
	}
	cs := []models.RequestCorrection{{Category: f.Category, RecordID: f.RecordID, Field: f.Field,
		ProposedValue: f.Proposed, Reason: f.Reason}}
	_, err = h.Requests.CheckCorrections(ctx, h.actor(r), u.ID, cs)
	var req models.PrivacyRequest
	if err == nil {
		req, err = h.Requests.FileAsCustomer(ctx, h.actor(r), u.ID, requests.Filing{Kind: models.RequestRectification,
			Details: strings.TrimSpace(f.Reason), Corrections: cs})
	}
	if fault.Is(err, fault.Invalid) {
		h.correctionErrors(r, &f, fault.FieldsOf(err))
		h.render(w, r, http.StatusUnprocessableEntity, views.RectifyPage(h.page(r, title), f))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "rectify.filed")
	h.redirect(w, r, "/account/requests/"+strconv.FormatInt(req.ID, 10))
}

// correctionErrors puts a filing's field errors ("corrections.0.proposed"
// …) beside the form's fields, in the reader's language.
func (h *Handler) correctionErrors(r *http.Request, f *views.RectifyForm, errs map[string]string) {
	ctx := r.Context()
	for key, id := range errs {
		name := key
		if rest, ok := strings.CutPrefix(key, "corrections.0."); ok {
			name = rest
		}
		switch name {
		case "record":
			name = "field"
		case "proposed", "reason", "field":
		default:
			name = "form"
		}
		msg := i18n.T(ctx, id)
		if name == "proposed" && f.Category == holdings.KeyProfile && strings.HasPrefix(id, "profile.error.") {
			country := ""
			if kind, ok := strings.CutSuffix(f.Field, ".postal_code"); ok {
				country, _ = h.Requests.CurrentValue(ctx, h.actor(r), CurrentUser(r).ID, holdings.KeyProfile, 0, kind+".country")
			}
			msg = views.ProfileErrorMessage(ctx, f.Field, id, country)
		}
		f.Errors[name] = msg
	}
}
