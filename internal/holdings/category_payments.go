package holdings

import (
	"context"
	"fmt"

	"github.com/photolab/privacyportal/models"
)

// KeyPayments is the customer's payment references: provider, method and
// the card's last four digits, never a card number.
const KeyPayments = "payments"

type paymentsCategory struct{}

func (paymentsCategory) Key() string      { return KeyPayments }
func (paymentsCategory) Path() string     { return "/account/data/payments" }
func (paymentsCategory) Tables() []string { return []string{"payments"} }

func (paymentsCategory) Tally() Tally {
	return counted
}

// PaymentRow is a payment reference and the number of the order it paid.
type PaymentRow struct {
	models.Payment
	OrderNumber string
}

// Payments returns one page of the customer's payment references, newest
// first, each with the number of the order it paid (empty if none).
func (s *Store) Payments(ctx context.Context, userID int64, limit, offset int) ([]PaymentRow, int64, error) {
	limit, offset = page(limit, offset)
	db := s.DB.WithContext(ctx)
	total, err := tallied(db, userID, KeyPayments)
	if err != nil || int64(offset) >= total {
		return nil, total, err
	}
	var rows []PaymentRow
	err = db.Model(&models.Payment{}).
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

// Correctable: none. Payment references are bookkeeping records written
// by the payment provider; a wrong one is settled with the provider.
func (paymentsCategory) Correctable() []Correctable { return nil }

// Export: every payment reference (never a card number: the shop holds none).
func (paymentsCategory) Export() []Set {
	from, args := byUser("payments")
	return []Set{{Name: "payments", Table: "payments", From: from, Args: args,
		Fields: []Field{f("id", FieldInt), fn("order_id", FieldInt), f("provider", FieldString), f("method", FieldString),
			f("last4", FieldString), f("amount_cents", FieldInt), f("currency", FieldString), f("paid_at", FieldTime)},
		Excluded: map[string]string{"user_id": "the account the export is for"}}}
}

// Erasure: the payment rows go; the provider and last four digits of an
// invoiced order's payment are kept in its retained invoice (orders are
// erased first).
func (paymentsCategory) Erasure() Erasure {
	return Erasure{Default: models.StrategyDelete, Allowed: []string{models.StrategyDelete}}
}

func (paymentsCategory) Erase(job EraseJob) (Outcome, error) { return eraseOwnRows("payments")(job) }

// Expiries: none. Payment references follow their orders.
func (paymentsCategory) Expiries() []Expiry { return nil }
