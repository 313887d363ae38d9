package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/markdown"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

const dataPerPage = 20

// categoryView is a category's texts in the request's language (decoded
// once, when the catalog was loaded).
func categoryView(ctx context.Context, c holdings.Category) views.CategoryView {
	t := c.In(i18n.Locale(ctx))
	v := views.CategoryView{Key: c.Key, Name: t.Name, Description: t.Description, RetentionText: t.RetentionText,
		Source: t.Source, Recipients: t.Recipients, RetentionDays: c.RetentionDays, CustomerEdits: c.CustomerEdits,
		Purposes: make([]views.PurposeView, len(c.Purposes))}
	for i, p := range c.Purposes {
		v.Purposes[i] = views.PurposeView{Text: t.Purposes[i], Basis: string(p.Basis)}
	}
	return v
}

// categoryPage loads a registered category and the standard page frame
// for it. A key no registry entry answers for has no page.
func (h *Handler) categoryPage(r *http.Request, key, titleID string) (views.Page, views.CategoryView, error) {
	e, ok := holdings.Lookup(key)
	if !ok {
		return views.Page{}, views.CategoryView{}, holdings.ErrNotFound
	}
	c, err := h.Holdings.Category(r.Context(), e.Key())
	if err != nil {
		return views.Page{}, views.CategoryView{}, err
	}
	return h.page(r, i18n.T(r.Context(), titleID)), categoryView(r.Context(), c), nil
}

// pageLoader reads one page of the signed-in customer's rows.
type pageLoader[T any] func(ctx context.Context, userID int64, limit, offset int) ([]T, int64, error)

// listCategory renders a category page listing the customer's rows: it
// loads the category (titled by the message "data.<key>.title"), the
// requested page of rows (always scoped by the signed-in customer),
// converts each row for the view and renders.
func listCategory[T, V any](h *Handler, w http.ResponseWriter, r *http.Request, key string,
	load pageLoader[T], convert func(T) V, render func(views.Page, views.CategoryView, []V, views.Pagination) templ.Component) {
	page, cat, err := h.categoryPage(r, key, "data."+key+".title")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, offset := pageParam(r, dataPerPage)
	rows, total, err := load(r.Context(), CurrentUser(r).ID, dataPerPage, offset)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg.Total = total
	items := make([]V, 0, len(rows))
	for _, row := range rows {
		items = append(items, convert(row))
	}
	h.render(w, r, http.StatusOK, render(page, cat, items, pg))
}

func (h *Handler) dataOverview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	uid := CurrentUser(r).ID
	sums, policy, ack, err := h.Holdings.OverviewAndPolicy(ctx, uid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var d views.DataOverview
	for _, s := range sums {
		d.Cards = append(d.Cards, views.CategoryCard{Category: categoryView(ctx, s.Category), Count: s.Count,
			LastChange: s.LastChange, URL: s.Path})
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
	loc := i18n.Locale(r.Context())
	listCategory(h, w, r, holdings.KeyOrders, h.Holdings.Orders, func(o holdings.OrderWithItems) views.OrderView {
		ov := views.OrderView{Number: o.Number, Status: o.Status, DeliveryStatus: o.DeliveryStatus, PlacedAt: o.PlacedAt,
			Total: views.FormatMoney(loc, o.TotalCents, o.Currency)}
		for _, it := range o.Items {
			ov.Items = append(ov.Items, views.OrderItemView{Description: it.Description, Quantity: it.Quantity,
				UnitPrice: views.FormatMoney(loc, it.UnitPriceCents, o.Currency)})
		}
		return ov
	}, views.OrdersPage)
}

func (h *Handler) paymentsData(w http.ResponseWriter, r *http.Request) {
	loc := i18n.Locale(r.Context())
	listCategory(h, w, r, holdings.KeyPayments, h.Holdings.Payments, func(p holdings.PaymentRow) views.PaymentView {
		// The method is a code ("card"); the page gets its label.
		return views.PaymentView{PaidAt: p.PaidAt, Provider: p.Provider, Method: views.Label(r.Context(), views.FamilyPaymentMethod, p.Method), Last4: p.Last4,
			Amount: views.FormatMoney(loc, p.AmountCents, p.Currency), OrderNumber: p.OrderNumber}
	}, views.PaymentsPage)
}

func (h *Handler) photosData(w http.ResponseWriter, r *http.Request) {
	loc := i18n.Locale(r.Context())
	listCategory(h, w, r, holdings.KeyPhotos, h.Holdings.Photos, func(p models.Photo) views.PhotoView {
		base := "/account/data/photos/" + strconv.FormatInt(p.ID, 10)
		return views.PhotoView{ID: p.ID, Filename: p.Filename, Size: views.FormatBytes(loc, p.SizeBytes),
			Width: p.Width, Height: p.Height, UploadedAt: p.UploadedAt, ThumbURL: base + "/thumb", FileURL: base + "/file"}
	}, views.PhotosPage)
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
	listCategory(h, w, r, holdings.KeyContact, h.Holdings.Contact, func(m models.ContactMessage) views.ContactView {
		return views.ContactView{ID: m.ID, At: m.CreatedAt, Channel: m.Channel, Direction: m.Direction, Subject: m.Subject, Body: m.Body}
	}, views.ContactPage)
}

func (h *Handler) surveysData(w http.ResponseWriter, r *http.Request) {
	listCategory(h, w, r, holdings.KeySurveys, h.Holdings.Surveys, func(s models.SurveyAnswer) views.SurveyView {
		return views.SurveyView{At: s.AnsweredAt, Kind: s.Kind, Title: s.Title, Question: s.Question, Answer: s.Answer}
	}, views.SurveysPage)
}

func (h *Handler) loginsData(w http.ResponseWriter, r *http.Request) {
	listCategory(h, w, r, holdings.KeyLogins, h.Holdings.Logins, loginEventView, views.LoginHistoryPage)
}

// loginEventView shows one history line with its device in words.
func loginEventView(e models.LoginEvent) views.LoginEventView {
	browser, os := auth.Device(e.UserAgent)
	return views.LoginEventView{At: e.CreatedAt, Event: e.Event, Method: e.Method, IP: e.IP, Browser: browser, OS: os}
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
	st := *policyStatus(p, ack)
	h.render(w, r, http.StatusOK, views.PolicyPage(h.page(r, i18n.T(ctx, "policy.title")), st, body, ack != nil))
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
	// Only the version the customer had in front of them is acknowledged:
	// if a newer one was published meanwhile, they are shown that first.
	if r.PostFormValue("version") != p.Version {
		addFlash(r, flashInfo, "policy.newer")
		h.redirect(w, r, "/account/policy")
		return
	}
	if err := h.Holdings.Acknowledge(ctx, h.actor(r), uid, p.ID, time.Now()); err != nil {
		h.fail(w, r, err)
		return
	}
	addFlash(r, flashSuccess, "policy.acknowledged")
	h.redirect(w, r, "/account/policy")
}
