package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// The erasure engine's screens: admins choose each category's strategy
// (/admin/erasure); staff find a retained invoice by its number and read
// it, each reading audited (/staff/retained-invoices). Retained invoices
// appear nowhere else.

func (h *Handler) erasureStrategies(w http.ResponseWriter, r *http.Request) {
	h.renderStrategies(w, r, http.StatusOK, views.StrategyForm{})
}

func (h *Handler) renderStrategies(w http.ResponseWriter, r *http.Request, status int, form views.StrategyForm) {
	ctx := r.Context()
	choices, err := h.Erasure.Strategies(ctx, h.actor(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := map[string]string{}
	if cats, err := h.Holdings.Categories(ctx); err == nil {
		for _, c := range cats {
			names[c.Key] = c.In(i18n.Locale(ctx)).Name
		}
	}
	rows := make([]views.StrategyRow, 0, len(choices))
	for _, c := range choices {
		name := names[c.Category]
		if name == "" {
			name = c.Category
		}
		rows = append(rows, views.StrategyRow{Category: c.Category, Name: name, Strategy: c.Strategy, Allowed: c.Allowed,
			LegalBasis: c.LegalBasis, RetainYears: c.RetainYears, UpdatedAt: c.UpdatedAt})
	}
	h.render(w, r, status, views.ErasureStrategiesPage(h.pageAt(r, i18n.T(ctx, "admin.strategies.title"), "/admin/erasure"), rows, form))
}

func (h *Handler) saveErasureStrategy(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form := views.StrategyForm{Category: r.PathValue("category"), Strategy: r.PostFormValue("strategy"),
		LegalBasis: r.PostFormValue("legal_basis"), RetainYears: strings.TrimSpace(r.PostFormValue("retain_years")), Errors: views.FieldErrors{}}
	years, convErr := strconv.Atoi(form.RetainYears)
	if form.RetainYears == "" {
		years, convErr = 0, nil
	}
	if convErr != nil {
		years = -1 // refused by the service beside the field, with the rest
	}
	err := h.Erasure.SetStrategy(ctx, h.actor(r), form.Category, form.Strategy, form.LegalBasis, years)
	switch {
	case err == nil:
		addFlash(r, flashSuccess, "admin.strategies.saved")
		h.redirect(w, r, "/admin/erasure")
		return
	case fault.Is(err, fault.Invalid):
		for k, msg := range fault.FieldsOf(err) {
			form.Errors[k] = i18n.T(ctx, msg)
		}
		h.renderStrategies(w, r, http.StatusUnprocessableEntity, form)
	default:
		h.fail(w, r, err)
	}
}

func (h *Handler) retainedInvoices(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	number := strings.TrimSpace(r.URL.Query().Get("number"))
	found, err := h.Erasure.SearchRetained(ctx, h.actor(r), number)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	locale := i18n.Locale(ctx)
	rows := make([]views.RetainedRow, 0, len(found))
	for _, inv := range found {
		rows = append(rows, views.RetainedRow{ID: inv.ID, Number: inv.Number, IssuedAt: inv.IssuedAt,
			Total: views.FormatMoney(locale, inv.TotalCents, inv.Currency), RetainUntil: inv.RetainUntil})
	}
	h.render(w, r, http.StatusOK, views.RetainedInvoicesPage(h.page(r, i18n.T(ctx, "retained.title")), number, rows))
}

func (h *Handler) retainedInvoice(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	inv, err := h.Erasure.ViewRetained(ctx, h.actor(r), id)
	if errors.Is(err, erasure.ErrRetainedNotFound) {
		h.RenderError(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.RetainedInvoicePage(h.page(r, i18n.T(ctx, "retained.invoice.title", "Number", inv.Number)),
		retainedView(i18n.Locale(ctx), inv)))
}

func retainedView(locale string, inv models.RetainedInvoice) views.RetainedInvoiceView {
	v := views.RetainedInvoiceView{Number: inv.Number, BuyerName: inv.BuyerName, BillingAddress: inv.BillingAddress, Country: inv.Country,
		IssuedAt: inv.IssuedAt, RetainUntil: inv.RetainUntil, Total: views.FormatMoney(locale, inv.TotalCents, inv.Currency),
		Tax: views.FormatMoney(locale, inv.TaxCents, inv.Currency), PaymentReference: inv.PaymentReference, LegalBasis: inv.LegalBasis}
	var items []struct {
		Description    string `json:"description"`
		Quantity       int    `json:"quantity"`
		UnitPriceCents int64  `json:"unit_price_cents"`
	}
	_ = json.Unmarshal([]byte(inv.Items), &items) // a row the engine wrote; an unreadable one shows no lines
	for _, it := range items {
		v.Items = append(v.Items, views.RetainedItem{Description: it.Description, Quantity: it.Quantity,
			UnitPrice: views.FormatMoney(locale, it.UnitPriceCents, inv.Currency)})
	}
	return v
}
