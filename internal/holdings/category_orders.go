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
// their items (an order's CreatedAt and UpdatedAt are left zero), and the customer's total number of orders. It costs two
// queries whatever the customer holds: the tally, and the page of orders
// joined with their items. Rows are scanned by hand: this is the busiest
// list of the portal, and reflection was a large part of its cost.
func (s *Store) Orders(ctx context.Context, userID int64, limit, offset int) ([]OrderWithItems, int64, error) {
	limit, offset = page(limit, offset)
	db := s.DB.WithContext(ctx)
	total, err := tallied(db, userID, KeyOrders)
	if err != nil || int64(offset) >= total {
		return nil, total, err
	}
	rows, err := db.Raw(ordersPageSQL, userID, limit, offset).Rows()
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	defer rows.Close()
	out := make([]OrderWithItems, 0, limit)
	for rows.Next() {
		o := models.Order{UserID: userID}
		var placed, paid dbTime
		var itemID, quantity, unitPrice sql.NullInt64
		var description sql.NullString
		if err := rows.Scan(&o.ID, &o.Number, &placed, &o.Status, &o.DeliveryStatus, &o.TotalCents, &o.Currency,
			&paid, &itemID, &description, &quantity, &unitPrice); err != nil {
			return nil, 0, fmt.Errorf("holdings: orders: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].ID != o.ID {
			o.PlacedAt, o.PaidAt = placed.Time, paid.ptr()
			out = append(out, OrderWithItems{Order: o})
		}
		if itemID.Valid {
			last := &out[len(out)-1]
			last.Items = append(last.Items, models.OrderItem{ID: itemID.Int64, OrderID: o.ID, Description: description.String,
				Quantity: int(quantity.Int64), UnitPriceCents: unitPrice.Int64})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	return out, total, nil
}

// ordersPageSQL is one page of orders (through the (user_id, placed_at)
// index) with each order's items, in page order then item order. It
// reads what a customer is shown of an order, not the bookkeeping
// columns (created_at, updated_at): every column of every joined row is
// a driver call, and SQLite's times are parsed from text.
const ordersPageSQL = `WITH page AS (
	SELECT id, number, placed_at, status, delivery_status, total_cents, currency, paid_at
	FROM orders WHERE user_id = ? ORDER BY placed_at DESC, id DESC LIMIT ? OFFSET ?)
SELECT page.id, page.number, page.placed_at, page.status, page.delivery_status, page.total_cents, page.currency,
	page.paid_at, i.id, i.description, i.quantity, i.unit_price_cents
FROM page LEFT JOIN order_items i ON i.order_id = page.id
ORDER BY page.placed_at DESC, page.id DESC, i.id`
