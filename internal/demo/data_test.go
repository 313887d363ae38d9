package demo

import (
	"bytes"
	"context"
	"image/png"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

func TestSeedData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		v, err := vault.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Seed(ctx, db.DB, password.New(2)); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
		tables := []any{&models.Profile{}, &models.Address{}, &models.Order{}, &models.OrderItem{}, &models.Payment{},
			&models.Photo{}, &models.ContactMessage{}, &models.SurveyAnswer{}, &models.LoginEvent{},
			&models.DataCategory{}, &models.DataPurpose{}, &models.PolicyVersion{}}
		var first []int64
		for run := range 2 {
			start := time.Now()
			if err := SeedData(ctx, db.DB, v, now); err != nil {
				t.Fatalf("run %d: %v", run, err)
			}
			t.Logf("run %d took %s", run, time.Since(start).Round(time.Millisecond))
			var counts []int64
			for _, m := range tables {
				var n int64
				if err := db.Model(m).Count(&n).Error; err != nil {
					t.Fatal(err)
				}
				counts = append(counts, n)
			}
			if run == 0 {
				first = counts
				continue
			}
			for i := range counts {
				if counts[i] != first[i] {
					t.Errorf("table %T: %d rows after the first run, %d after the second", tables[i], first[i], counts[i])
				}
			}
		}

		var camille models.User
		if err := db.Where("email = ?", "camille.laurent@example.com").Take(&camille).Error; err != nil {
			t.Fatal(err)
		}
		s := &holdings.Store{DB: db.DB}
		overview, err := s.Overview(ctx, camille.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]int64{ // min, max
			"profile": {1, 1}, "orders": {200, 200}, "payments": {170, 199}, "photos": {50, 50},
			"contact": {30, 30}, "surveys": {6, 6}, "logins": {40, 40},
		}
		for _, sum := range overview {
			w := want[sum.Category.Key]
			if sum.Count < w[0] || sum.Count > w[1] {
				t.Errorf("camille's %s: %d, want %d..%d", sum.Category.Key, sum.Count, w[0], w[1])
			}
		}
		checks := []struct {
			name  string
			model any
			where string
			args  []any
			min   int64
			max   int64
		}{
			{"orders with 1 to 4 items", &models.Order{}, "user_id = ? AND (SELECT COUNT(*) FROM order_items WHERE order_id = orders.id) BETWEEN 1 AND 4", []any{camille.ID}, 200, 200},
			{"orders over four years", &models.Order{}, "user_id = ? AND placed_at >= ?", []any{camille.ID, now.AddDate(-4, 0, -1)}, 200, 200},
			{"a payment per paid order", &models.Order{}, "user_id = ? AND (paid_at IS NOT NULL) <> EXISTS (SELECT 1 FROM payments WHERE order_id = orders.id)", []any{camille.ID}, 0, 0},
			// Kept 90 days: the demo holds none older (TestDemoObeysItsRetentionRules).
			{"contact messages past 90 days", &models.ContactMessage{}, "user_id = ? AND created_at <= ?", []any{camille.ID, now.AddDate(0, 0, -90)}, 0, 0},
			{"contact from the customer", &models.ContactMessage{}, "user_id = ? AND direction = 'in'", []any{camille.ID}, 15, 15},
			{"paid photos", &models.Photo{}, "user_id = ? AND paid_at IS NOT NULL AND order_id IS NOT NULL", []any{camille.ID}, 5, 45},
			{"competition answers", &models.SurveyAnswer{}, "user_id = ? AND kind = 'competition'", []any{camille.ID}, 1, 5},
			{"card numbers beyond last four", &models.Payment{}, "LENGTH(last4) NOT IN (0, 4)", nil, 0, 0},
			{"other customers' orders", &models.Order{}, "user_id <> ?", []any{camille.ID}, 6, 30},
		}
		for _, c := range checks {
			var n int64
			if err := db.Model(c.model).Where(c.where, c.args...).Count(&n).Error; err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if n < c.min || n > c.max {
				t.Errorf("%s: %d, want %d..%d", c.name, n, c.min, c.max)
			}
		}

		var photos []models.Photo
		db.Where("user_id = ?", camille.ID).Limit(5).Find(&photos)
		for _, p := range photos {
			for _, f := range []struct {
				key  string
				w, h int
			}{{p.FileKey, photoW, photoH}, {p.ThumbKey, thumbW, thumbH}} {
				data, err := v.Get(f.key)
				if err != nil {
					t.Fatalf("photo %d: %v", p.ID, err)
				}
				img, err := png.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("photo %d is not a PNG: %v", p.ID, err)
				}
				if b := img.Bounds(); b.Dx() != f.w || b.Dy() != f.h {
					t.Errorf("photo %d: %dx%d, want %dx%d", p.ID, b.Dx(), b.Dy(), f.w, f.h)
				}
			}
			if data, _ := v.Get(p.FileKey); int64(len(data)) != p.SizeBytes {
				t.Errorf("photo %d: size %d recorded, %d stored", p.ID, p.SizeBytes, len(data))
			}
		}
	})
}

// Every stored status must be one the customer sees translated.
func TestDemoOrderStatusesAreKnown(t *testing.T) {
	db := dbtest.SQLite(t)
	v, err := vault.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Seed(context.Background(), db.DB, password.New(1)); err != nil {
		t.Fatal(err)
	}
	if err := SeedData(context.Background(), db.DB, v, time.Now()); err != nil {
		t.Fatal(err)
	}
	var bad int64
	db.Model(&models.Order{}).Where("status NOT IN ? OR delivery_status NOT IN ?", models.OrderStatuses, models.DeliveryStatuses).Count(&bad)
	if bad != 0 {
		t.Fatalf("%d demo orders have a status the portal cannot show", bad)
	}
}
