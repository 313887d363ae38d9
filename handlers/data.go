package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/markdown"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

const dataPerPage = 20

// categoryPaths maps a data category to its page.
var categoryPaths = map[string]string{
	"profile": "/account/data/profile", "orders": "/account/data/orders", "payments": "/account/data/payments",
	"photos": "/account/data/photos", "contact": "/account/data/contact", "surveys": "/account/data/surveys",
	"logins": "/account/data/logins",
}

// categoryView localizes a category's texts for the page.
func categoryView(ctx context.Context, c holdings.Category) views.CategoryView {
	loc := i18n.Locale(ctx)
	v := views.CategoryView{Key: c.Key, Name: holdings.Localized(c.Name, loc), Description: holdings.Localized(c.Description, loc),
		RetentionText: holdings.Localized(c.RetentionText, loc), Source: holdings.Localized(c.Source, loc),
		Recipients: holdings.Localized(c.Recipients, loc), RetentionDays: c.RetentionDays, CustomerEdits: c.CustomerEdits}
	for _, p := range c.Purposes {
		v.Purposes = append(v.Purposes, views.PurposeView{Text: holdings.Localized(p.Text, loc), Basis: string(p.Basis)})
	}
	return v
}

// categoryPage loads a category and the standard page frame for it.
func (h *Handler) categoryPage(r *http.Request, key, titleID string) (views.Page, views.CategoryView, error) {
	c, err := h.Holdings.Category(r.Context(), key)
	if err != nil {
		return views.Page{}, views.CategoryView{}, err
	}
	return h.page(r, i18n.T(r.Context(), titleID)), categoryView(r.Context(), c), nil
}

func (h *Handler) dataOverview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	uid := CurrentUser(r).ID
	sums, err := h.Holdings.Overview(ctx, uid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var d views.DataOverview
	for _, s := range sums {
		d.Cards = append(d.Cards, views.CategoryCard{Category: categoryView(ctx, s.Category), Count: s.Count,
			LastChange: s.LastChange, URL: categoryPaths[s.Category.Key]})
	}
	policy, ack, err := h.Holdings.CurrentPolicy(ctx, uid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Policy = policyStatus(policy, ack)
	h.render(w, r, http.StatusOK, views.DataOverviewPage(h.page(r, i18n.T(ctx, "data.title")), d))
}

func policyStatus(p *models.PolicyVersion, ack *models.PolicyAck) *views.PolicyStatus {
	if p == nil {
		return nil
	}
	s := &views.PolicyStatus{Version: p.Version, PublishedAt: p.PublishedAt}
	if ack != nil {
		at := ack.AcknowledgedAt
		s.AcknowledgedAt = &at
	}
	return s
}

func (h *Handler) ordersData(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page, cat, err := h.categoryPage(r, "orders", "data.orders.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, offset := pageParam(r, dataPerPage)
	rows, total, err := h.Holdings.Orders(ctx, CurrentUser(r).ID, dataPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	loc := i18n.Locale(ctx)
	orders := make([]views.OrderView, 0, len(rows))
	for _, o := range rows {
		ov := views.OrderView{Number: o.Number, Status: o.Status, DeliveryStatus: o.DeliveryStatus, PlacedAt: o.PlacedAt,
			Total: views.FormatMoney(loc, o.TotalCents, o.Currency)}
		for _, it := range o.Items {
			ov.Items = append(ov.Items, views.OrderItemView{Description: it.Description, Quantity: it.Quantity,
				UnitPrice: views.FormatMoney(loc, it.UnitPriceCents, o.Currency)})
		}
		orders = append(orders, ov)
	}
	h.render(w, r, http.StatusOK, views.OrdersPage(page, cat, orders, pg))
}

func (h *Handler) paymentsData(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page, cat, err := h.categoryPage(r, "payments", "data.payments.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, offset := pageParam(r, dataPerPage)
	rows, total, err := h.Holdings.Payments(ctx, CurrentUser(r).ID, dataPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	loc := i18n.Locale(ctx)
	items := make([]views.PaymentView, 0, len(rows))
	for _, p := range rows {
		items = append(items, views.PaymentView{PaidAt: p.PaidAt, Provider: p.Provider, Method: p.Method, Last4: p.Last4,
			Amount: views.FormatMoney(loc, p.AmountCents, p.Currency), OrderNumber: p.OrderNumber})
	}
	h.render(w, r, http.StatusOK, views.PaymentsPage(page, cat, items, pg))
}

func (h *Handler) photosData(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page, cat, err := h.categoryPage(r, "photos", "data.photos.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, offset := pageParam(r, dataPerPage)
	rows, total, err := h.Holdings.Photos(ctx, CurrentUser(r).ID, dataPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	loc := i18n.Locale(ctx)
	items := make([]views.PhotoView, 0, len(rows))
	for _, p := range rows {
		base := "/account/data/photos/" + strconv.FormatInt(p.ID, 10)
		items = append(items, views.PhotoView{ID: p.ID, Filename: p.Filename, Size: views.FormatBytes(loc, p.SizeBytes),
			Width: p.Width, Height: p.Height, UploadedAt: p.UploadedAt, ThumbURL: base + "/thumb", FileURL: base + "/file"})
	}
	h.render(w, r, http.StatusOK, views.PhotosPage(page, cat, items, pg))
}

// photoFile streams a photo or its thumbnail, decrypted, to its owner
// only: the lookup is scoped by the signed-in customer.
func (h *Handler) photoFile(thumb bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			h.RenderError(w, r, http.StatusNotFound)
			return
		}
		p, err := h.Holdings.Photo(r.Context(), CurrentUser(r).ID, id)
		if errors.Is(err, holdings.ErrNotFound) {
			h.RenderError(w, r, http.StatusNotFound)
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		key, ctype := p.FileKey, p.ContentType
		if thumb {
			key, ctype = p.ThumbKey, "image/png"
		}
		data, err := h.Vault.Get(key)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		if !thumb {
			w.Header().Set("Content-Disposition", `attachment; filename="photo-`+strconv.FormatInt(p.ID, 10)+`"`)
		}
		w.Write(data)
	}
}

func (h *Handler) contactData(w http.ResponseWriter, r *http.Request) {
	page, cat, err := h.categoryPage(r, "contact", "data.contact.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, offset := pageParam(r, dataPerPage)
	rows, total, err := h.Holdings.Contact(r.Context(), CurrentUser(r).ID, dataPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	items := make([]views.ContactView, 0, len(rows))
	for _, m := range rows {
		items = append(items, views.ContactView{At: m.CreatedAt, Channel: m.Channel, Direction: m.Direction, Subject: m.Subject, Body: m.Body})
	}
	h.render(w, r, http.StatusOK, views.ContactPage(page, cat, items, pg))
}

func (h *Handler) surveysData(w http.ResponseWriter, r *http.Request) {
	page, cat, err := h.categoryPage(r, "surveys", "data.surveys.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, offset := pageParam(r, dataPerPage)
	rows, total, err := h.Holdings.Surveys(r.Context(), CurrentUser(r).ID, dataPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	items := make([]views.SurveyView, 0, len(rows))
	for _, s := range rows {
		items = append(items, views.SurveyView{At: s.AnsweredAt, Kind: s.Kind, Title: s.Title, Question: s.Question, Answer: s.Answer})
	}
	h.render(w, r, http.StatusOK, views.SurveysPage(page, cat, items, pg))
}

func (h *Handler) loginsData(w http.ResponseWriter, r *http.Request) {
	page, cat, err := h.categoryPage(r, "logins", "data.logins.title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, offset := pageParam(r, dataPerPage)
	rows, total, err := auth.ListEvents(r.Context(), h.DB, CurrentUser(r).ID, dataPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	items := make([]views.LoginEventView, 0, len(rows))
	for _, e := range rows {
		browser, os := auth.Device(e.UserAgent)
		items = append(items, views.LoginEventView{At: e.CreatedAt, Event: e.Event, Method: e.Method, IP: e.IP, Browser: browser, OS: os})
	}
	h.render(w, r, http.StatusOK, views.LoginHistoryPage(page, cat, items, pg))
}

func (h *Handler) policy(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p, ack, err := h.Holdings.CurrentPolicy(ctx, CurrentUser(r).ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	body, err := markdown.Render(holdings.Localized(p.Body, i18n.Locale(ctx)))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.PolicyPage(h.page(r, i18n.T(ctx, "policy.title")), *policyStatus(p, ack), body, ack != nil))
}

func (h *Handler) acknowledgePolicy(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	uid := CurrentUser(r).ID
	p, _, err := h.Holdings.CurrentPolicy(ctx, uid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p == nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if err := h.Holdings.Acknowledge(ctx, uid, p.ID, time.Now()); err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "policy.acknowledged")
	h.redirect(w, r, "/account/policy")
}
