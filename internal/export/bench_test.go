package export

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The size: 10,000 orders of 5 items, 2,000 photos of about
// 200 KB, 5,000 sign-ins; targets on the 2-core reference machine:
// under 5 s and 64 MB of peak heap. PORTAL_BENCH_LARGE=1 adds the
// 100,000-order customer (same photos), which must stay within 12× the
// time under the same ceiling. Run once each:
//
//	go test ./internal/export -run '^$' -bench BenchmarkBuild -benchtime 1x -count 1
//	PORTAL_TEST_POSTGRES_DSN=… PORTAL_BENCH_LARGE=1 go test ./internal/export -run '^$' -bench BenchmarkBuild -benchtime 1x -count 1
const envBenchLarge = "PORTAL_BENCH_LARGE"

// BenchReporter is the report the benchmark renders: the pages' real one,
// set by bench_report_test.go (an external test package may import views,
// which imports this package; this one may not).
var BenchReporter Reporter = plainReport{}

type benchSize struct {
	orders, items, photos, photoKB, logins int
}

func BenchmarkBuild(b *testing.B) {
	if testing.Short() {
		b.Skip("seeds 400 MB of photos; skipped with -short")
	}
	sizes := []benchSize{{orders: 10000, items: 5, photos: 2000, photoKB: 200, logins: 5000}}
	if os.Getenv(envBenchLarge) == "1" {
		sizes = append(sizes, benchSize{orders: 100000, items: 5, photos: 2000, photoKB: 200, logins: 5000})
	}
	engines := []struct {
		name string
		open func(testing.TB) *dbtest.DB
	}{{"sqlite", dbtest.SQLite}}
	if os.Getenv(dbtest.EnvPostgres) != "" {
		engines = append(engines, struct {
			name string
			open func(testing.TB) *dbtest.DB
		}{"postgres", dbtest.Postgres})
	}
	for _, size := range sizes {
		for _, eng := range engines {
			b.Run(fmt.Sprintf("%s/orders=%d", eng.name, size.orders), func(b *testing.B) {
				benchBuild(b, eng.open(b), size)
			})
		}
	}
}

func benchBuild(b *testing.B, db *dbtest.DB, size benchSize) {
	ctx := context.Background()
	s, clk := newService(b, db)
	s.Report = BenchReporter // the pages' real report (bench_report_test.go)
	b.Logf("report: %T", s.Report)
	uid := newCustomer(b, db, "heavy@example.com")
	start := time.Now()
	seedHeavy(b, s, db, uid, size)
	b.Logf("seeded %+v in %v", size, time.Since(start).Round(time.Millisecond))

	var peak uint64
	var zipSize int64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		clk.Advance(48 * time.Hour) // past the self-service interval
		e, err := s.Request(ctx, customer(uid), uid, nil, "en")
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		stop := sampleHeap(&peak)
		b.StartTimer()
		if err := s.Build(ctx, e.ID); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		stop()
		e = reload(b, s, e.ID)
		if e.Status != models.ExportReady {
			b.Fatalf("package %s", e.Status)
		}
		zipSize = e.SizeBytes
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(zipSize)/(1<<20), "zip-MB")
}

// sampleHeap records the highest HeapInuse (the heap's spans holding
// objects, live or not yet swept: what the process holds for the heap)
// every 5 ms until stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for !done.Load() {
			runtime.ReadMemStats(&m)
			*peak = max(*peak, m.HeapInuse)
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() { done.Store(true); wg.Wait() }
}

// seedHeavy writes the heavy customer's rows in one transaction, in
// batches, and the photo files through the vault (random bytes: as
// incompressible as a JPEG).
func seedHeavy(b *testing.B, s *Service, db *dbtest.DB, uid int64, size benchSize) {
	b.Helper()
	const batch = 1000
	err := db.Transaction(func(tx *gorm.DB) error {
		orders := make([]models.Order, 0, batch)
		items := make([]models.OrderItem, 0, batch*size.items)
		flush := func() error {
			if len(orders) > 0 {
				if err := tx.CreateInBatches(orders, batch).Error; err != nil {
					return err
				}
			}
			if len(items) > 0 {
				if err := tx.CreateInBatches(items, batch).Error; err != nil {
					return err
				}
			}
			orders, items = orders[:0], items[:0]
			return nil
		}
		for i := range size.orders {
			id := int64(i + 1) // the one customer's orders: their ids are known, for the items
			paid := testNow.Add(-time.Duration(i) * time.Hour)
			orders = append(orders, models.Order{ID: id, UserID: uid, Number: fmt.Sprintf("H-%07d", i), PlacedAt: paid,
				Status: models.OrderDelivered, DeliveryStatus: models.DeliveryDelivered, TotalCents: 4599, Currency: "EUR", PaidAt: &paid,
				CreatedAt: paid, UpdatedAt: paid})
			for j := range size.items {
				items = append(items, models.OrderItem{OrderID: id, Description: fmt.Sprintf("Tirage 10×15 mat, « été » #%d", j),
					Quantity: 2, UnitPriceCents: 45})
			}
			if len(orders) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		logins := make([]models.LoginEvent, 0, batch)
		for i := range size.logins {
			logins = append(logins, models.LoginEvent{UserID: uid, CreatedAt: testNow.Add(-time.Duration(i) * time.Minute),
				Event: "signin", Method: "password", IP: "192.0.2.10", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"})
			if len(logins) == batch || i == size.logins-1 {
				if err := tx.CreateInBatches(logins, batch).Error; err != nil {
					return err
				}
				logins = logins[:0]
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if db.Dialect == models.Postgres {
		// Explicit ids do not move the sequence; later inserts need it.
		db.Exec("SELECT setval(pg_get_serial_sequence('orders', 'id'), (SELECT MAX(id) FROM orders))")
	}
	photos := make([]models.Photo, 0, size.photos)
	buf := make([]byte, size.photoKB<<10)
	for i := range size.photos {
		rand.Read(buf)
		key, err := s.Vault.Put(buf)
		if err != nil {
			b.Fatal(err)
		}
		photos = append(photos, models.Photo{UserID: uid, Filename: fmt.Sprintf("IMG_%04d.jpg", i), ContentType: "image/jpeg",
			SizeBytes: int64(len(buf)), Width: 4000, Height: 3000, FileKey: key, UploadedAt: testNow.Add(-time.Duration(i) * time.Hour)})
	}
	if err := db.CreateInBatches(photos, batch).Error; err != nil {
		b.Fatal(err)
	}
}
