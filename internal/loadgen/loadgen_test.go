package loadgen

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

func TestGenerate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		const customers, orders, heavy = 200, 2000, 500
		for run := range 2 { // a second run adds a distinct set
			heavyID, typicalID, err := Generate(ctx, db.DB, db.Dialect, customers, orders, heavy)
			if err != nil {
				t.Fatal(err)
			}
			var nHeavy, nTypical int64
			db.Model(&models.Order{}).Where("user_id = ?", heavyID).Count(&nHeavy)
			db.Model(&models.Order{}).Where("user_id = ?", typicalID).Count(&nTypical)
			if nHeavy != heavy {
				t.Errorf("run %d: heavy customer has %d orders, want %d", run, nHeavy, heavy)
			}
			// (2000-500) orders over 199 customers: 7 or 8 each.
			if nTypical < 7 || nTypical > 8 {
				t.Errorf("run %d: typical customer has %d orders", run, nTypical)
			}
		}

		counts := []struct {
			name     string
			model    any
			where    string
			min, max int64
		}{
			{"customers", &models.User{}, "role = 'customer' AND password_hash = '' AND email LIKE 'load-%@example.com'", 2 * customers, 2 * customers},
			{"orders", &models.Order{}, "1 = 1", 2 * orders, 2 * orders},
			{"items, two per order on average", &models.OrderItem{}, "1 = 1", 2*2*orders - 10, 2*2*orders + 10},
			{"unpaid orders are the cancelled ones", &models.Order{}, "(paid_at IS NULL) <> (status = 'cancelled')", 0, 0},
			{"orders in the last four years", &models.Order{}, "placed_at > ? AND placed_at <= ?", 2 * orders, 2 * orders},
		}
		now := time.Now().UTC()
		for _, c := range counts {
			var n int64
			q := db.Model(c.model)
			if c.name == "orders in the last four years" {
				q = q.Where(c.where, now.AddDate(-4, 0, -2), now.Add(time.Minute))
			} else {
				q = q.Where(c.where)
			}
			if err := q.Count(&n).Error; err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if n < c.min || n > c.max {
				t.Errorf("%s: %d, want %d..%d", c.name, n, c.min, c.max)
			}
		}
		var emails int64
		db.Model(&models.User{}).Distinct("email").Count(&emails)
		if emails != 2*customers {
			t.Errorf("%d distinct emails", emails)
		}
	})
}

func TestGenerateRejectsBadSizes(t *testing.T) {
	db := dbtest.SQLite(t)
	tests := []struct{ customers, orders, heavy int }{
		{1, 10, 5},
		{10, 10, 11},
		{10, 10, -1},
	}
	for _, tt := range tests {
		if _, _, err := Generate(context.Background(), db.DB, db.Dialect, tt.customers, tt.orders, tt.heavy); err == nil {
			t.Errorf("Generate(%d, %d, %d) accepted", tt.customers, tt.orders, tt.heavy)
		}
	}
}
