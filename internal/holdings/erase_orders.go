package holdings

import (
	"encoding/json"
	"fmt"
	"strconv"
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
	// What the foreign keys would do (ON DELETE SET NULL), in one
	// statement each instead of one per order: on PostgreSQL every
	// referential action is a statement of its own, and each fired the
	// tally triggers of payments.
	for _, t := range []string{"payments", "photos"} {
		if _, err := job.exec(t, "UPDATE "+t+" SET order_id = NULL WHERE user_id = ? AND order_id IS NOT NULL", job.UserID); err != nil {
			return Outcome{}, err
		}
	}
	n, err := job.deleteOwn("orders")
	if err != nil {
		return Outcome{}, err
	}
	out.Removed = n - out.Retained
	return out, nil
}

// invoice is one paid order as its retained invoice is made of it.
type invoice struct {
	id               int64
	number, currency string
	placed           dbTime
	total, tax       int64
	payments         string
	items            []invoiceItem
}

// invoiceItem is one line of a retained invoice's Items JSON.
type invoiceItem struct {
	Description    string `json:"description"`
	Quantity       int    `json:"quantity"`
	UnitPriceCents int64  `json:"unit_price_cents"`
}

// retainInvoices writes the retained invoices of the customer's paid
// orders and returns how many, and the latest date they are kept until.
// Rows are read and written by hand, in two reads and multi-row inserts:
// a customer with 10,000 orders is the benchmark's, and GORM's
// reflection over every order, line and payment was most of its time.
func (job EraseJob) retainInvoices() (int64, time.Time, error) {
	fail := func(err error) (int64, time.Time, error) {
		return 0, time.Time{}, fmt.Errorf("holdings: retain invoices: %w", err)
	}
	refs := "(SELECT group_concat(ref, '; ') FROM (SELECT p.provider || CASE WHEN p.last4 <> '' THEN ' •••• ' || p.last4 ELSE '' END AS ref" +
		" FROM payments p WHERE p.order_id = o.id ORDER BY p.id) x)"
	if job.isPostgres() {
		refs = "(SELECT string_agg(p.provider || CASE WHEN p.last4 <> '' THEN ' •••• ' || p.last4 ELSE '' END, '; ' ORDER BY p.id)" +
			" FROM payments p WHERE p.order_id = o.id)"
	}
	rows, err := job.Tx.Raw(`SELECT o.id, o.number, o.placed_at, o.currency, o.total_cents, o.tax_cents, COALESCE(`+refs+`, '')
		FROM orders o WHERE o.user_id = ? AND o.paid_at IS NOT NULL ORDER BY o.id`, job.UserID).Rows()
	if err != nil {
		return fail(err)
	}
	var invoices []invoice
	at := map[int64]int{}
	for rows.Next() {
		var v invoice
		if err := rows.Scan(&v.id, &v.number, &v.placed, &v.currency, &v.total, &v.tax, &v.payments); err != nil {
			rows.Close()
			return fail(err)
		}
		at[v.id] = len(invoices)
		invoices = append(invoices, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	if len(invoices) == 0 {
		return 0, time.Time{}, nil
	}
	rows, err = job.Tx.Raw(`SELECT i.order_id, i.description, i.quantity, i.unit_price_cents FROM order_items i
		JOIN orders o ON o.id = i.order_id WHERE o.user_id = ? AND o.paid_at IS NOT NULL ORDER BY i.id`, job.UserID).Rows()
	if err != nil {
		return fail(err)
	}
	for rows.Next() {
		var orderID int64
		var it invoiceItem
		if err := rows.Scan(&orderID, &it.Description, &it.Quantity, &it.UnitPriceCents); err != nil {
			rows.Close()
			return fail(err)
		}
		if i, ok := at[orderID]; ok {
			invoices[i].items = append(invoices[i].items, it)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	buyer, address, country, err := job.buyer()
	if err != nil {
		return 0, time.Time{}, err
	}
	if job.isPostgres() {
		return job.insertInvoicesPostgres(invoices, buyer, address, country)
	}
	const cols = 14
	const batch = 400 // 5,200 parameters: inside SQLite's and PostgreSQL's limits
	var latest time.Time
	insert := "INSERT INTO retained_invoices (erasure_id, number, issued_at, buyer_name, billing_address, country, currency, " +
		"total_cents, tax_cents, items, payment_reference, legal_basis, retain_until, created_at) VALUES "
	for lo := 0; lo < len(invoices); lo += batch {
		part := invoices[lo:min(lo+batch, len(invoices))]
		var sb strings.Builder
		sb.WriteString(insert)
		args := make([]any, 0, len(part)*cols)
		for i, v := range part {
			if i > 0 {
				sb.WriteString(",")
			}
			sb.WriteString("(")
			for c := range cols {
				if c > 0 {
					sb.WriteString(",")
				}
				if job.isPostgres() {
					sb.WriteString("$" + strconv.Itoa(i*cols+c+1))
				} else {
					sb.WriteString("?")
				}
			}
			sb.WriteString(")")
			if v.items == nil {
				v.items = []invoiceItem{}
			}
			lines, err := json.Marshal(v.items)
			if err != nil {
				return fail(err)
			}
			issued := v.placed.Time.UTC()
			until := job.RetainUntil(issued, country)
			if until.After(latest) {
				latest = until
			}
			args = append(args, job.ErasureID, v.number, issued, buyer, address, country, v.currency, v.total, v.tax,
				string(lines), v.payments, job.Strategy.LegalBasis, until, job.Now)
		}
		// Straight to the connection: GORM's expansion of thousands of
		// bound values cost more than the insert itself.
		if _, err := job.Tx.Statement.ConnPool.ExecContext(job.Tx.Statement.Context, sb.String(), args...); err != nil {
			return fail(err)
		}
	}
	return int64(len(invoices)), latest, nil
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

// insertInvoicesPostgres writes the invoices in one statement of arrays
// unnested: PostgreSQL plans it once, where multi-row VALUES of thousands
// of parameters were parsed and planned batch after batch.
func (job EraseJob) insertInvoicesPostgres(invoices []invoice, buyer, address, country string) (int64, time.Time, error) {
	n := len(invoices)
	numbers, currencies, items, payments := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	issued, until := make([]time.Time, n), make([]time.Time, n)
	totals, taxes := make([]int64, n), make([]int64, n)
	var latest time.Time
	for i, v := range invoices {
		if v.items == nil {
			v.items = []invoiceItem{}
		}
		lines, err := json.Marshal(v.items)
		if err != nil {
			return 0, time.Time{}, fmt.Errorf("holdings: retain invoices: %w", err)
		}
		numbers[i], currencies[i], items[i], payments[i] = v.number, v.currency, string(lines), v.payments
		issued[i] = v.placed.Time.UTC()
		until[i] = job.RetainUntil(issued[i], country)
		if until[i].After(latest) {
			latest = until[i]
		}
		totals[i], taxes[i] = v.total, v.tax
	}
	q := `INSERT INTO retained_invoices (erasure_id, number, issued_at, buyer_name, billing_address, country, currency,
		total_cents, tax_cents, items, payment_reference, legal_basis, retain_until, created_at)
		SELECT $1, u.number, u.issued, $2, $3, $4, u.currency, u.total, u.tax, u.items, u.payments, $5, u.until, $6
		FROM unnest($7::text[], $8::timestamptz[], $9::text[], $10::bigint[], $11::bigint[], $12::text[], $13::text[], $14::timestamptz[])
			AS u(number, issued, currency, total, tax, items, payments, until)`
	if _, err := job.Tx.Statement.ConnPool.ExecContext(job.Tx.Statement.Context, q, job.ErasureID, buyer, address, country,
		job.Strategy.LegalBasis, job.Now, numbers, issued, currencies, totals, taxes, items, payments, until); err != nil {
		return 0, time.Time{}, fmt.Errorf("holdings: retain invoices: %w", err)
	}
	return int64(n), latest, nil
}
