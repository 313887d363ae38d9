package holdings

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/photolab/privacyportal/models"
)

// KeyOrders is the customer's orders and their lines.
const KeyOrders = "orders"

type ordersCategory struct{}

func (ordersCategory) Key() string  { return KeyOrders }
func (ordersCategory) Path() string { return "/account/data/orders" }

// Tables: an order's lines hold what was bought (a description typed by
// the shop), so they go wherever their order goes.
func (ordersCategory) Tables() []string { return []string{"orders", "order_items"} }

func (ordersCategory) Tally() Tally {
	return counted
}

// OrderWithItems is an order and its lines.
type OrderWithItems struct {
	models.Order
	Items []models.OrderItem
}

// Orders returns one page of the customer's orders, newest first, with
// their items (an order's CreatedAt and UpdatedAt are left zero), and the
// customer's total number of orders. It is one query whatever the
// customer holds: the tally, the page of orders and their items, joined
// without an ORDER BY (on SQLite the sort of the joined rows cost as much
// as the rest) and put in order here, which for one page is nothing.
// Rows are scanned by hand: this is the busiest list of the portal, and
// reflection was a large part of its cost.
func (s *Store) Orders(ctx context.Context, userID int64, limit, offset int) ([]OrderWithItems, int64, error) {
	limit, offset = page(limit, offset)
	db := s.DB.WithContext(ctx)
	rows, err := db.Raw(ordersPageSQL+pageClause(limit, offset)+ordersPageEnd, userID, KeyOrders, userID).Rows()
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	defer rows.Close()
	var total int64
	out := make([]OrderWithItems, 0, limit)
	at := make(map[int64]int, limit)
	for rows.Next() {
		o := models.Order{UserID: userID}
		var placed, paid dbTime
		var itemID, quantity, unitPrice sql.NullInt64
		var description sql.NullString
		if err := rows.Scan(&total, &o.ID, &o.Number, &placed, &o.Status, &o.DeliveryStatus, &o.TotalCents, &o.Currency,
			&paid, &itemID, &description, &quantity, &unitPrice); err != nil {
			return nil, 0, fmt.Errorf("holdings: orders: %w", err)
		}
		i, seen := at[o.ID]
		if !seen {
			o.PlacedAt, o.PaidAt = placed.Time, paid.ptr()
			i, at[o.ID] = len(out), len(out)
			out = append(out, OrderWithItems{Order: o})
		}
		if itemID.Valid {
			out[i].Items = append(out[i].Items, models.OrderItem{ID: itemID.Int64, OrderID: o.ID,
				Description: description.String, Quantity: int(quantity.Int64), UnitPriceCents: unitPrice.Int64})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	rows.Close()
	if len(out) == 0 && offset > 0 {
		// Past the last page: only the count is left to tell.
		total, err := tallied(db, userID, KeyOrders)
		return nil, total, err
	}
	slices.SortFunc(out, func(a, b OrderWithItems) int {
		if c := b.PlacedAt.Compare(a.PlacedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	for _, o := range out {
		slices.SortFunc(o.Items, func(a, b models.OrderItem) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out, total, nil
}

// ordersPageSQL is the customer's order count (their tally) beside each
// row of one page of orders (through the (user_id, placed_at) index)
// joined with their items. It reads what a customer is shown of an order,
// not the bookkeeping columns (created_at, updated_at): every column of
// every joined row is a driver call, and SQLite's times are parsed from
// text.
const ordersPageSQL = `SELECT (` + countSQL + `),
	p.id, p.number, p.placed_at, p.status, p.delivery_status, p.total_cents, p.currency, p.paid_at,
	i.id, i.description, i.quantity, i.unit_price_cents
FROM (SELECT id, number, placed_at, status, delivery_status, total_cents, currency, paid_at
	FROM orders WHERE user_id = ? ORDER BY placed_at DESC, id DESC`

const ordersPageEnd = `) p
LEFT JOIN order_items i ON i.order_id = p.id`

// Correctable: none. Orders are the shop's bookkeeping records, kept as
// they were placed (commercial law); a wrong delivery address is
// corrected in the profile for the next order.
func (ordersCategory) Correctable() []Correctable { return nil }

// Export: every order and every line of it.
func (ordersCategory) Export() []Set {
	from, args := byUser("orders")
	return []Set{
		{Name: "orders", Table: "orders", From: from, Args: args,
			Fields: []Field{f("id", FieldInt), f("number", FieldString), f("placed_at", FieldTime), f("status", FieldString),
				f("delivery_status", FieldString), f("total_cents", FieldInt), f("tax_cents", FieldInt), f("currency", FieldString), fn("paid_at", FieldTime),
				fn("created_at", FieldTime), fn("updated_at", FieldTime)},
			Excluded: map[string]string{"user_id": "the account the export is for"}},
		{Name: "items", Table: "order_items", From: "order_items t JOIN orders o ON o.id = t.order_id WHERE o.user_id = ?", Args: args,
			Fields: []Field{f("id", FieldInt), f("order_id", FieldInt), f("description", FieldString), f("quantity", FieldInt),
				f("unit_price_cents", FieldInt)}},
	}
}

// Erasure: invoices are kept for bookkeeping (retain) by default; a shop
// outside any bookkeeping duty may delete them instead (erase_orders.go).
func (ordersCategory) Erasure() Erasure {
	return Erasure{Default: models.StrategyRetain, Allowed: []string{models.StrategyRetain, models.StrategyDelete},
		LegalBasis:  "Bookkeeping and tax law oblige us to keep invoices (for example HGB §257 and AO §147 in Germany, Code de commerce L123-22 in France, the Companies Act 2006 in the United Kingdom).",
		RetainYears: 10}
}

func (ordersCategory) Erase(job EraseJob) (Outcome, error) { return eraseOrders(job) }

// Expiries: none. Orders are kept as long as the account (the customer's
// purchase history); at erasure bookkeeping keeps the invoice part.
func (ordersCategory) Expiries() []Expiry { return nil }
