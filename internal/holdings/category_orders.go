package holdings

import (
	"context"
	"fmt"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
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
// customer's total number of orders. It is two queries whatever the
// customer holds: the page of orders with the customer's tally beside
// each row, then the page's items by order id. (One query joining the
// items cost twice as much on SQLite: the join's sort outweighs the
// round trip.) Rows are scanned by hand: this is the busiest list of the
// portal, and reflection was a large part of its cost.
func (s *Store) Orders(ctx context.Context, userID int64, limit, offset int) ([]OrderWithItems, int64, error) {
	limit, offset = page(limit, offset)
	db := s.DB.WithContext(ctx)
	rows, err := db.Raw(ordersPageSQL, userID, userID, limit, offset).Rows()
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	defer rows.Close()
	var total int64
	out := make([]OrderWithItems, 0, limit)
	for rows.Next() {
		o := models.Order{UserID: userID}
		var placed, paid dbTime
		if err := rows.Scan(&total, &o.ID, &o.Number, &placed, &o.Status, &o.DeliveryStatus, &o.TotalCents, &o.Currency, &paid); err != nil {
			return nil, 0, fmt.Errorf("holdings: orders: %w", err)
		}
		o.PlacedAt, o.PaidAt = placed.Time, paid.ptr()
		out = append(out, OrderWithItems{Order: o})
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		if offset == 0 {
			return nil, 0, nil
		}
		// Past the last page: only the count is left to tell.
		total, err := tallied(db, userID, KeyOrders)
		return nil, total, err
	}
	if err := s.orderItems(db, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// ordersPageSQL is one page of orders (through the (user_id, placed_at)
// index), each row with the customer's order count (their tally). It
// reads what a customer is shown of an order, not the bookkeeping columns
// (created_at, updated_at): every column is a driver call, and SQLite's
// times are parsed from text.
const ordersPageSQL = `SELECT COALESCE((SELECT n FROM holding_tallies WHERE user_id = ? AND category = '` + KeyOrders + `'), 0),
	id, number, placed_at, status, delivery_status, total_cents, currency, paid_at
FROM orders WHERE user_id = ? ORDER BY placed_at DESC, id DESC LIMIT ? OFFSET ?`

// orderItems fills in the items of a page of orders, in item order.
func (s *Store) orderItems(db *gorm.DB, orders []OrderWithItems) error {
	ids := make([]int64, len(orders))
	at := make(map[int64]int, len(orders))
	for i, o := range orders {
		ids[i], at[o.ID] = o.ID, i
	}
	rows, err := db.Raw(`SELECT order_id, id, description, quantity, unit_price_cents FROM order_items WHERE order_id IN ? ORDER BY order_id, id`, ids).Rows()
	if err != nil {
		return fmt.Errorf("holdings: order items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it models.OrderItem
		if err := rows.Scan(&it.OrderID, &it.ID, &it.Description, &it.Quantity, &it.UnitPriceCents); err != nil {
			return fmt.Errorf("holdings: order items: %w", err)
		}
		o := &orders[at[it.OrderID]]
		o.Items = append(o.Items, it)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("holdings: order items: %w", err)
	}
	return nil
}
