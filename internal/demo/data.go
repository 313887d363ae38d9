package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// seed makes the demo data the same on every install.
const seed = 20250115

const batch = 200

// SeedData gives the demo shop its data categories and policy, and each
// demo customer a profile, addresses and a history: orders, payments,
// photos (stored encrypted in v), contact messages, survey answers and
// sign-ins, dated back from now. Run Seed first. A customer who already has
// orders is left alone, so running it again changes nothing.
func SeedData(ctx context.Context, db *gorm.DB, v *vault.Vault, now time.Time) error {
	db = db.WithContext(ctx)
	if err := holdings.SeedCategories(ctx, db); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := holdings.SeedPolicy(ctx, db); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	now = now.UTC().Truncate(time.Second)
	for i, p := range plans {
		var u models.User
		err := db.Where("email = ?", p.email).Take(&u).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("demo: customer %s missing: run Seed first", p.email)
		}
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if err := seedCustomer(db, v, u.ID, p, rand.New(rand.NewPCG(seed, uint64(i))), now); err != nil {
			return fmt.Errorf("demo: %s: %w", p.email, err)
		}
	}
	return nil
}

func seedCustomer(db *gorm.DB, v *vault.Vault, userID int64, p plan, r *rand.Rand, now time.Time) error {
	var n int64
	if err := db.Model(&models.Order{}).Where("user_id = ?", userID).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	orders := makeOrders(userID, p, r, now)
	// Photos are stored before the transaction: the vault is not part of
	// it, and files left by a failed run are only unreferenced ciphertext.
	photos, err := makePhotos(v, userID, p, r, now, &orders)
	if err != nil {
		return err
	}
	return db.Transaction(func(tx *gorm.DB) error {
		profile := p.profile
		profile.UserID = userID
		profile.CreatedAt, profile.UpdatedAt = now.AddDate(-4, 0, -10), now.AddDate(0, -2, 0)
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&profile).Error; err != nil {
			return err
		}
		addrs := slices.Clone(p.addresses)
		for i := range addrs {
			addrs[i].UserID = userID
			addrs[i].CreatedAt, addrs[i].UpdatedAt = profile.CreatedAt, profile.UpdatedAt
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&addrs).Error; err != nil {
			return err
		}
		if err := insert(tx, &orders.orders); err != nil {
			return err
		}
		var items []models.OrderItem
		var payments []models.Payment
		for i, o := range orders.orders {
			for _, it := range orders.items[i] {
				it.OrderID = o.ID
				items = append(items, it)
			}
			if o.PaidAt != nil {
				prov := providers[r.IntN(len(providers))]
				last4 := ""
				if prov.method == "card" {
					last4 = p.cards[r.IntN(len(p.cards))]
				}
				payments = append(payments, models.Payment{UserID: userID, OrderID: &o.ID, Provider: prov.name,
					Method: prov.method, Last4: last4, AmountCents: o.TotalCents, Currency: o.Currency, PaidAt: *o.PaidAt})
			}
		}
		for i := range photos {
			if k := orders.photoOrder[i]; k >= 0 {
				photos[i].OrderID = &orders.orders[k].ID
			}
		}
		msgs, answers, logins := contactMessages(userID, p, r, now), surveyAnswers(userID, p, now), loginEvents(userID, p, r, now)
		for _, ins := range []func() error{
			func() error { return insert(tx, &items) },
			func() error { return insert(tx, &payments) },
			func() error { return insert(tx, &photos) },
			func() error { return insert(tx, &msgs) },
			func() error { return insert(tx, &answers) },
			func() error { return insert(tx, &logins) },
		} {
			if err := ins(); err != nil {
				return err
			}
		}
		return nil
	})
}

// insert adds rows in batches, filling in their ids. Nothing to insert is
// not an error (GORM refuses an empty slice).
func insert[T any](tx *gorm.DB, rows *[]T) error {
	if len(*rows) == 0 {
		return nil
	}
	return tx.CreateInBatches(rows, batch).Error
}

// orderSet is a customer's orders before insertion, oldest first, with the
// items of each and, per photo, the index of the order it was printed in
// (-1 for none).
type orderSet struct {
	orders     []models.Order
	items      [][]models.OrderItem
	photoOrder []int
}

func makeOrders(userID int64, p plan, r *rand.Rand, now time.Time) orderSet {
	const fourYears = 4 * 365 * 24 * time.Hour
	times := make([]time.Time, p.orders)
	for i := range times {
		times[i] = now.Add(-time.Duration(r.Int64N(int64(fourYears)))).Truncate(time.Second)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	var s orderSet
	for i, placed := range times {
		o := models.Order{UserID: userID, Number: fmt.Sprintf("LG%05d-%04d", userID, i+1),
			PlacedAt: placed, Currency: "EUR", CreatedAt: placed, UpdatedAt: placed}
		var items []models.OrderItem
		for range 1 + r.IntN(4) {
			pr := products[r.IntN(len(products))]
			it := models.OrderItem{Description: pr.name, Quantity: 1 + r.IntN(pr.maxQty), UnitPriceCents: pr.priceCents}
			o.TotalCents += int64(it.Quantity) * it.UnitPriceCents
			items = append(items, it)
		}
		age := now.Sub(placed)
		paid := placed.Add(time.Duration(1+r.IntN(10)) * time.Minute)
		switch {
		case i == len(times)-1 && p.orders > 20:
			o.Status, o.DeliveryStatus = models.OrderPlaced, models.DeliveryPending
		case r.IntN(25) == 0:
			o.Status = models.OrderCancelled
		case age < 3*24*time.Hour:
			o.Status, o.DeliveryStatus, o.PaidAt = models.OrderInProduction, models.DeliveryPending, &paid
		case age < 10*24*time.Hour:
			o.Status, o.DeliveryStatus, o.PaidAt = models.OrderShipped, models.DeliveryInTransit, &paid
		default:
			o.Status, o.DeliveryStatus, o.PaidAt = models.OrderDelivered, models.DeliveryDelivered, &paid
		}
		o.UpdatedAt = placed.Add(min(age, 5*24*time.Hour))
		s.orders = append(s.orders, o)
		s.items = append(s.items, items)
	}
	return s
}

// makePhotos stores p.photos pictures uploaded over the last five and a
// half months, inside the six months photos are kept (retention.photos_paid
// and photos_unordered), so the demo shows nothing its own rules would
// already have destroyed. About half were printed: they belong to the
// first paid order placed after the upload and carry its payment date,
// from which the six months of retention run.
func makePhotos(v *vault.Vault, userID int64, p plan, r *rand.Rand, now time.Time, orders *orderSet) ([]models.Photo, error) {
	pics := make([]picture, p.photos)
	for i := range pics {
		pics[i] = randomPicture(r)
	}
	stored, err := storePictures(v, pics)
	if err != nil {
		return nil, err
	}
	photos := make([]models.Photo, p.photos)
	orders.photoOrder = make([]int, p.photos)
	for i := range photos {
		uploaded := now.Add(-time.Duration(r.Int64N(int64(170 * 24 * time.Hour)))).Truncate(time.Second)
		photos[i] = models.Photo{UserID: userID, Filename: fmt.Sprintf("IMG_%04d.png", 2100+i*7+r.IntN(7)),
			ContentType: "image/png", SizeBytes: stored[i].size, Width: photoW, Height: photoH,
			FileKey: stored[i].fileKey, ThumbKey: stored[i].thumbKey, UploadedAt: uploaded}
		orders.photoOrder[i] = -1
		if r.IntN(2) == 0 {
			continue
		}
		for k, o := range orders.orders {
			if o.PaidAt != nil && o.PlacedAt.After(uploaded) {
				orders.photoOrder[i] = k
				photos[i].PaidAt = o.PaidAt
				break
			}
		}
	}
	return photos, nil
}
