package holdings

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// countedRow makes the i-th row of a counted category for a customer.
var countedRow = map[string]func(userID int64, i int) any{
	KeyOrders: func(u int64, i int) any {
		return &models.Order{UserID: u, Number: fmt.Sprintf("TL%d-%d", u, i), PlacedAt: base.Add(time.Duration(i) * time.Minute), Status: "paid", Currency: "EUR"}
	},
	KeyPayments: func(u int64, i int) any {
		return &models.Payment{UserID: u, Provider: "Stripe", AmountCents: 100, Currency: "EUR", PaidAt: base.Add(time.Duration(i) * time.Minute)}
	},
	KeyPhotos: func(u int64, i int) any {
		return &models.Photo{UserID: u, Filename: "p.png", ContentType: "image/png", UploadedAt: base.Add(time.Duration(i) * time.Minute)}
	},
	KeyContact: func(u int64, i int) any {
		return &models.ContactMessage{UserID: u, CreatedAt: base.Add(time.Duration(i) * time.Minute), Channel: "email", Direction: "in"}
	},
	KeySurveys: func(u int64, i int) any {
		return &models.SurveyAnswer{UserID: u, AnsweredAt: base.Add(time.Duration(i) * time.Minute), Kind: "survey", Title: "t", Question: "q"}
	},
	KeyLogins: func(u int64, i int) any {
		return &models.LoginEvent{UserID: u, CreatedAt: base.Add(time.Duration(i) * time.Minute), Event: "signin"}
	},
}

// timeColumn is each counted table's time, whose newest the tally keeps.
var timeColumn = map[string]string{"orders": "placed_at", "payments": "paid_at", "photos": "uploaded_at",
	"contact_messages": "created_at", "survey_answers": "answered_at", "login_events": "created_at"}

// TestTalliesStayRight writes every counted category's rows from several
// goroutines at once for two customers, then erases rows one by one, in
// bulk, by moving them to another customer and by deleting an account,
// and checks after each step that what the pages show (the overview's
// counts and a list's total) is the true count of rows.
func TestTalliesStayRight(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if err := SeedCategories(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		s := &Store{DB: db.DB, Dialect: db.Dialect}
		alice := newUser(t, db.DB, "alice@example.com")
		bob := newUser(t, db.DB, "bob@example.com")
		counted := map[string]string{} // key → table
		for _, e := range Entries() {
			if _, ok := countedRow[e.Key()]; ok {
				counted[e.Key()] = e.Tables()[0]
			}
		}
		if len(counted) != 6 {
			t.Fatalf("counted categories %v", counted)
		}
		check := func(step string) {
			t.Helper()
			for _, user := range []int64{alice, bob} {
				sums, err := s.Overview(ctx, user)
				if err != nil {
					t.Fatal(err)
				}
				for _, sum := range sums {
					table, ok := counted[sum.Category.Key]
					if !ok {
						continue
					}
					var want int64
					db.Table(table).Where("user_id = ?", user).Count(&want)
					if sum.Count != want {
						t.Errorf("%s: user %d %s: overview shows %d, table holds %d", step, user, sum.Category.Key, sum.Count, want)
					}
					var newest dbTime
					if err := db.Raw("SELECT MAX("+timeColumn[table]+") FROM "+table+" WHERE user_id = ?", user).Row().Scan(&newest); err != nil {
						t.Fatal(err)
					}
					if got := sum.LastChange; (got == nil) != !newest.Valid || got != nil && !got.Equal(newest.Time) {
						t.Errorf("%s: user %d %s: overview's last change %v, newest row %v", step, user, sum.Category.Key, got, newest.ptr())
					}
				}
				_, total, err := s.Orders(ctx, user, 20, 0)
				if err != nil {
					t.Fatal(err)
				}
				var want int64
				db.Model(&models.Order{}).Where("user_id = ?", user).Count(&want)
				if total != want {
					t.Errorf("%s: user %d: orders page total %d, table holds %d", step, user, total, want)
				}
			}
		}

		const writers, each = 4, 15
		var wg sync.WaitGroup
		errs := make(chan error, writers*len(counted))
		for w := range writers {
			for key := range counted {
				wg.Go(func() {
					for i := range each {
						user := alice
						if i%3 == 0 {
							user = bob
						}
						n := w*each + i
						if err := db.Transaction(func(tx *gorm.DB) error { return tx.Create(countedRow[key](user, n)).Error }); err != nil {
							errs <- fmt.Errorf("%s: %w", key, err)
							return
						}
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		check("after concurrent inserts")

		for key, table := range counted {
			var ids []int64
			db.Table(table).Where("user_id = ?", alice).Order("id").Limit(3).Pluck("id", &ids)
			for _, id := range ids { // one by one
				if err := db.Exec("DELETE FROM "+table+" WHERE id = ?", id).Error; err != nil {
					t.Fatalf("%s: %v", key, err)
				}
			}
		}
		check("after deleting rows one by one")

		for _, table := range counted { // in bulk, as a purge would
			if err := db.Exec("DELETE FROM "+table+" WHERE user_id = ? AND id % 2 = 0", alice).Error; err != nil {
				t.Fatal(err)
			}
		}
		check("after a bulk delete")

		if err := db.Exec("UPDATE orders SET user_id = ? WHERE user_id = ? AND id % 3 = 0", bob, alice).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("UPDATE orders SET status = 'delivered' WHERE user_id = ?", bob).Error; err != nil {
			t.Fatal(err)
		}
		check("after moving orders to another customer and updating others")

		// A newest order dated back, another dated forward.
		var newest models.Order
		db.Where("user_id = ?", bob).Order("placed_at DESC").Take(&newest)
		if err := db.Model(&newest).Update("placed_at", base.Add(-time.Hour)).Error; err != nil {
			t.Fatal(err)
		}
		check("after an order's date moved back")
		if err := db.Model(&models.Order{}).Where("id = (SELECT MIN(id) FROM orders WHERE user_id = ?)", alice).
			Update("placed_at", base.Add(1000*time.Hour)).Error; err != nil {
			t.Fatal(err)
		}
		check("after an order's date moved forward")

		// An erased account takes its tallies with it; the other's stay.
		if err := db.Exec("DELETE FROM users WHERE id = ?", alice).Error; err != nil {
			t.Fatal(err)
		}
		var left int64
		db.Model(&models.HoldingTally{}).Where("user_id = ?", alice).Count(&left)
		if left != 0 {
			t.Errorf("%d tallies left for a deleted account", left)
		}
		check("after deleting an account")
	})
}
