package holdings

import (
	"context"
	"errors"
	"fmt"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

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

// Payments returns one page of the customer's payment references, newest
// first, each with the number of the order it paid (empty if none).
func (s *Store) Payments(ctx context.Context, userID int64, limit, offset int) ([]PaymentRow, int64, error) {
	limit, offset = page(limit, offset)
	db := s.DB.WithContext(ctx)
	var total int64
	if err := db.Model(&models.Payment{}).Where("user_id = ?", userID).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("holdings: payments: %w", err)
	}
	var rows []PaymentRow
	err := db.Model(&models.Payment{}).
		Select("payments.*, COALESCE(orders.number, '') AS order_number").
		Joins("LEFT JOIN orders ON orders.id = payments.order_id").
		Where("payments.user_id = ?", userID).
		Order("payments.paid_at DESC, payments.id DESC").
		Limit(limit).Offset(offset).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: payments: %w", err)
	}
	return rows, total, nil
}

// list is the count-then-page query every simple category shares.
func list[T any](ctx context.Context, db *gorm.DB, userID int64, order string, limit, offset int) ([]T, int64, error) {
	limit, offset = page(limit, offset)
	db = db.WithContext(ctx)
	var zero T
	var total int64
	if err := db.Model(&zero).Where("user_id = ?", userID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []T
	err := db.Where("user_id = ?", userID).Order(order).Limit(limit).Offset(offset).Find(&rows).Error
	if err != nil {
		return nil, 0, err
	}
	return rows, total, nil
}

// Photos returns one page of the customer's photos, newest first.
func (s *Store) Photos(ctx context.Context, userID int64, limit, offset int) ([]models.Photo, int64, error) {
	rows, total, err := list[models.Photo](ctx, s.DB, userID, "uploaded_at DESC, id DESC", limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: photos: %w", err)
	}
	return rows, total, nil
}

// Photo returns one of the customer's photos. Another customer's photo is
// ErrNotFound, exactly like a photo that does not exist.
func (s *Store) Photo(ctx context.Context, userID, photoID int64) (models.Photo, error) {
	var p models.Photo
	err := s.DB.WithContext(ctx).Where("id = ? AND user_id = ?", photoID, userID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Photo{}, ErrNotFound
	}
	if err != nil {
		return models.Photo{}, fmt.Errorf("holdings: photo: %w", err)
	}
	return p, nil
}

// Contact returns one page of the customer's contact history, newest first.
func (s *Store) Contact(ctx context.Context, userID int64, limit, offset int) ([]models.ContactMessage, int64, error) {
	rows, total, err := list[models.ContactMessage](ctx, s.DB, userID, "created_at DESC, id DESC", limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: contact: %w", err)
	}
	return rows, total, nil
}

// Surveys returns one page of the customer's survey and competition
// answers, newest first.
func (s *Store) Surveys(ctx context.Context, userID int64, limit, offset int) ([]models.SurveyAnswer, int64, error) {
	rows, total, err := list[models.SurveyAnswer](ctx, s.DB, userID, "answered_at DESC, id DESC", limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: surveys: %w", err)
	}
	return rows, total, nil
}
