package holdings

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// base is a whole second so both databases give back exactly what went in.
var base = time.Date(2025, time.March, 3, 10, 0, 0, 0, time.UTC)

func newUser(t *testing.T, db *gorm.DB, email string) int64 {
	t.Helper()
	u := models.User{Email: email, Role: models.RoleCustomer}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func mustCreate(t *testing.T, db *gorm.DB, v any) {
	t.Helper()
	if err := db.Create(v).Error; err != nil {
		t.Fatal(err)
	}
}

// addOrders gives the user n orders an hour apart (the last is newest),
// each with two items, and a payment for each.
func addOrders(t *testing.T, db *gorm.DB, userID int64, n int) []models.Order {
	t.Helper()
	orders := make([]models.Order, n)
	for i := range orders {
		paid := base.Add(time.Duration(i) * time.Hour)
		orders[i] = models.Order{UserID: userID, Number: fmt.Sprintf("T%d-%04d", userID, i),
			PlacedAt: paid, Status: "paid", TotalCents: 1000, Currency: "EUR", PaidAt: &paid}
	}
	mustCreate(t, db, &orders)
	var items []models.OrderItem
	var payments []models.Payment
	for _, o := range orders {
		items = append(items,
			models.OrderItem{OrderID: o.ID, Description: "Print 10x15", Quantity: 10, UnitPriceCents: 30},
			models.OrderItem{OrderID: o.ID, Description: "Photo book", Quantity: 1, UnitPriceCents: 700})
		payments = append(payments, models.Payment{UserID: userID, OrderID: &o.ID, Provider: "Stripe",
			Method: "card", Last4: "4242", AmountCents: 1000, Currency: "EUR", PaidAt: *o.PaidAt})
	}
	mustCreate(t, db, &items)
	mustCreate(t, db, &payments)
	return orders
}

// countQueries counts every statement GORM sends through db from now on.
func countQueries(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	inc := func(*gorm.DB) { n.Add(1) }
	for _, err := range []error{
		db.Callback().Query().After("gorm:query").Register("test:count_query", inc),
		db.Callback().Row().After("gorm:row").Register("test:count_row", inc),
		db.Callback().Raw().After("gorm:raw").Register("test:count_raw", inc),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return &n
}

// queries returns how many statements fn sent.
func queries(n *atomic.Int64, fn func()) int64 {
	before := n.Load()
	fn()
	return n.Load() - before
}
