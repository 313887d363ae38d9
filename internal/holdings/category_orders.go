package holdings

import (
	"context"
	"database/sql"
	"fmt"

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
	return countedTally(KeyOrders, "orders", "placed_at")
}

// OrderWithItems is an order and its lines.
type OrderWithItems struct {
	models.Order
	Items []models.OrderItem
}

// Orders returns one page of the customer's orders, newest first, with
// their items (an order's CreatedAt and UpdatedAt are left zero), and the
// customer's total number of orders. It is one query whatever the
// customer holds: the tally, the page of orders and their items. Rows are
// scanned by hand: this is the busiest list of the portal, and reflection
// was a large part of its cost.
func (s *Store) Orders(ctx context.Context, userID int64, limit, offset int) ([]OrderWithItems, int64, error) {
	limit, offset = page(limit, offset)
	rows, err := s.DB.WithContext(ctx).Raw(ordersPageSQL, userID, userID, limit, offset).Rows()
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	defer rows.Close()
	var total int64
	out := make([]OrderWithItems, 0, limit)
	for rows.Next() {
		var id, totalCents, itemID, quantity, unitPrice sql.NullInt64
		var number, status, delivery, currency, description sql.NullString
		var placed, paid dbTime
		if err := rows.Scan(&total, &id, &number, &placed, &status, &delivery, &totalCents, &currency,
			&paid, &itemID, &description, &quantity, &unitPrice); err != nil {
			return nil, 0, fmt.Errorf("holdings: orders: %w", err)
		}
		if !id.Valid {
			break // the page is empty: the one row carries the total alone
		}
		if n := len(out); n == 0 || out[n-1].ID != id.Int64 {
			out = append(out, OrderWithItems{Order: models.Order{ID: id.Int64, UserID: userID, Number: number.String,
				PlacedAt: placed.Time, Status: status.String, DeliveryStatus: delivery.String, TotalCents: totalCents.Int64,
				Currency: currency.String, PaidAt: paid.ptr()}})
		}
		if itemID.Valid {
			last := &out[len(out)-1]
			last.Items = append(last.Items, models.OrderItem{ID: itemID.Int64, OrderID: id.Int64, Description: description.String,
				Quantity: int(quantity.Int64), UnitPriceCents: unitPrice.Int64})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	return out, total, nil
}

// ordersPageSQL is the customer's order count (their tally) beside one
// page of orders (through the (user_id, placed_at) index) with each
// order's items, in page order then item order; a page past the end is
// one row with the count alone. It reads what a customer is shown of an
// order, not the bookkeeping columns (created_at, updated_at): every
// column of every joined row is a driver call, and SQLite's times are
// parsed from text.
const ordersPageSQL = `WITH tally AS (
	SELECT COALESCE((SELECT n FROM holding_tallies WHERE user_id = ? AND category = '` + KeyOrders + `'), 0) AS n),
page AS (
	SELECT id, number, placed_at, status, delivery_status, total_cents, currency, paid_at
	FROM orders WHERE user_id = ? ORDER BY placed_at DESC, id DESC LIMIT ? OFFSET ?)
SELECT tally.n, page.id, page.number, page.placed_at, page.status, page.delivery_status, page.total_cents, page.currency,
	page.paid_at, i.id, i.description, i.quantity, i.unit_price_cents
FROM tally LEFT JOIN page ON 1 = 1 LEFT JOIN order_items i ON i.order_id = page.id
ORDER BY page.placed_at DESC, page.id DESC, i.id`
