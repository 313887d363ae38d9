package holdings

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/models"
)

// eraseOrders deletes the customer's orders and their lines. With the
// retain strategy, each paid order first leaves a retained invoice: the
// fields bookkeeping law needs (number, date, buyer's name and billing
// address, amounts, tax, lines, the payment's provider and last four
// digits) and nothing else, until the end of its retention period. An
// order never paid issued no invoice and simply goes. The payments
// category deletes the payment rows themselves (their references are in
// the invoices by then: orders are erased before payments).
func eraseOrders(job EraseJob) (Outcome, error) {
	if job.UserID == 0 {
		return Outcome{}, nil
	}
	var out Outcome
	if job.Strategy.Strategy == models.StrategyRetain {
		kept, until, err := job.retainInvoices()
		if err != nil {
			return Outcome{}, err
		}
		if kept > 0 {
			out.Retained, out.Until = kept, &until
			out.Reason, out.Basis = ReasonBookkeeping, job.Strategy.LegalBasis
		}
	}
	if _, err := job.exec("order items", "DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE user_id = ?)",
		job.UserID); err != nil {
		return Outcome{}, err
	}
	n, err := job.deleteOwn("orders")
	if err != nil {
		return Outcome{}, err
	}
	out.Removed = n - out.Retained
	return out, nil
}

// invoiceItem is one line of a retained invoice's Items JSON.
type invoiceItem struct {
	Description    string `json:"description"`
	Quantity       int    `json:"quantity"`
	UnitPriceCents int64  `json:"unit_price_cents"`
}

// retainInvoices writes the retained invoices of the customer's paid
// orders and returns how many, and the latest date they are kept until.
func (job EraseJob) retainInvoices() (int64, time.Time, error) {
	var orders []models.Order
	if err := job.Tx.Where("user_id = ? AND paid_at IS NOT NULL", job.UserID).Order("id").Find(&orders).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("holdings: retain invoices: %w", err)
	}
	if len(orders) == 0 {
		return 0, time.Time{}, nil
	}
	var items []models.OrderItem
	if err := job.Tx.Raw(`SELECT i.* FROM order_items i JOIN orders o ON o.id = i.order_id
		WHERE o.user_id = ? AND o.paid_at IS NOT NULL ORDER BY i.id`, job.UserID).Scan(&items).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("holdings: retain invoices: %w", err)
	}
	byOrder := make(map[int64][]invoiceItem, len(orders))
	for _, it := range items {
		byOrder[it.OrderID] = append(byOrder[it.OrderID], invoiceItem{it.Description, it.Quantity, it.UnitPriceCents})
	}
	var payments []models.Payment
	if err := job.Tx.Where("user_id = ? AND order_id IS NOT NULL", job.UserID).Order("id").Find(&payments).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("holdings: retain invoices: %w", err)
	}
	refs := make(map[int64][]string, len(payments))
	for _, p := range payments {
		ref := p.Provider
		if p.Last4 != "" {
			ref += " •••• " + p.Last4
		}
		refs[*p.OrderID] = append(refs[*p.OrderID], ref)
	}
	buyer, address, country, err := job.buyer()
	if err != nil {
		return 0, time.Time{}, err
	}
	rows := make([]models.RetainedInvoice, 0, len(orders))
	var latest time.Time
	erasureID := job.ErasureID
	for _, o := range orders {
		lines, err := json.Marshal(byOrder[o.ID])
		if err != nil {
			return 0, time.Time{}, fmt.Errorf("holdings: retain invoices: %w", err)
		}
		until := job.RetainUntil(o.PlacedAt, country)
		if until.After(latest) {
			latest = until
		}
		rows = append(rows, models.RetainedInvoice{ErasureID: &erasureID, Number: o.Number, IssuedAt: o.PlacedAt.UTC(),
			BuyerName: buyer, BillingAddress: address, Country: country, Currency: o.Currency, TotalCents: o.TotalCents,
			TaxCents: o.TaxCents, Items: string(lines), PaymentReference: strings.Join(refs[o.ID], "; "),
			LegalBasis: job.Strategy.LegalBasis, RetainUntil: until, CreatedAt: job.Now})
	}
	if err := job.Tx.CreateInBatches(rows, 500).Error; err != nil {
		return 0, time.Time{}, fmt.Errorf("holdings: retain invoices: %w", err)
	}
	return int64(len(rows)), latest, nil
}

// buyer is the name and billing address an invoice names: the profile's
// (the account's name when the profile has none), read before the
// profile category, which runs last, deletes them.
func (job EraseJob) buyer() (name, address, country string, err error) {
	var p models.Profile
	if err = job.Tx.Where("user_id = ?", job.UserID).Limit(1).Find(&p).Error; err != nil {
		return "", "", "", fmt.Errorf("holdings: retain invoices: %w", err)
	}
	name = strings.TrimSpace(p.FirstName + " " + p.LastName)
	if name == "" {
		if err = job.Tx.Model(&models.User{}).Where("id = ?", job.UserID).Select("name").Scan(&name).Error; err != nil {
			return "", "", "", fmt.Errorf("holdings: retain invoices: %w", err)
		}
	}
	var a models.Address
	if err = job.Tx.Where("user_id = ? AND kind = ?", job.UserID, models.AddressBilling).Limit(1).Find(&a).Error; err != nil {
		return "", "", "", fmt.Errorf("holdings: retain invoices: %w", err)
	}
	var lines []string
	for _, l := range []string{a.Line1, a.Line2, strings.TrimSpace(a.PostalCode + " " + a.City), a.Region} {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return name, strings.Join(lines, "\n"), a.Country, nil
}
