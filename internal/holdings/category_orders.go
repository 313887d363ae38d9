package holdings

import (
	"context"
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
	return Tally{SQL: `SELECT 'orders', COUNT(*), MAX(placed_at) FROM orders WHERE user_id = ?`, Binds: 1}
}

// OrderWithItems is an order and its lines.
type OrderWithItems struct {
	models.Order
	Items []models.OrderItem
}

// Orders returns one page of the customer's orders, newest first, with
// their items, and the customer's total number of orders. It costs three
// queries whatever the page size: the count, the page, and the items of
// the page's orders in one IN list.
func (s *Store) Orders(ctx context.Context, userID int64, limit, offset int) ([]OrderWithItems, int64, error) {
	limit, offset = page(limit, offset)
	db := s.DB.WithContext(ctx)
	var total int64
	if err := db.Model(&models.Order{}).Where("user_id = ?", userID).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	var orders []models.Order
	err := db.Where("user_id = ?", userID).Order("placed_at DESC, id DESC").
		Limit(limit).Offset(offset).Find(&orders).Error
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: orders: %w", err)
	}
	if len(orders) == 0 {
		return nil, total, nil
	}
	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	var items []models.OrderItem
	if err := db.Where("order_id IN ?", ids).Order("order_id, id").Find(&items).Error; err != nil {
		return nil, 0, fmt.Errorf("holdings: order items: %w", err)
	}
	byOrder := make(map[int64][]models.OrderItem, len(orders))
	for _, it := range items {
		byOrder[it.OrderID] = append(byOrder[it.OrderID], it)
	}
	out := make([]OrderWithItems, len(orders))
	for i, o := range orders {
		out[i] = OrderWithItems{Order: o, Items: byOrder[o.ID]}
	}
	return out, total, nil
}
