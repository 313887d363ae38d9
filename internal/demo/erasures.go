package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Hanna Berg is the demo's erased customer: she closed her account
// before the demo begins, so she has no login. What is left of her is
// what the law keeps (her invoices, restricted), the erasure report on
// her request, and its mail in the outbox.
const erasedEmail = "hanna.berg@example.com"

// SeedErasures shows erasure on the demo: Oliver's approved request in
// its cool-off, which ends a day before the deadline, with his orders and
// payments under a legal hold; and Hanna's erasure, already run by the
// real engine (her invoices retained for bookkeeping, her address on the
// suppression list, the report mailed, the print system's task open for
// staff). Run after SeedRequests; running it again changes nothing.
func SeedErasures(ctx context.Context, db *gorm.DB, er *erasure.Service, now time.Time) error {
	db = db.WithContext(ctx)
	var n int64
	if err := db.Model(&models.Erasure{}).Count(&n).Error; err != nil {
		return fmt.Errorf("demo: erasures: %w", err)
	}
	if n > 0 {
		return nil
	}
	now = now.UTC().Truncate(time.Second)
	// Oliver's request, approved two days ago (SeedRequests).
	var r models.PrivacyRequest
	err := db.Where("kind = ? AND status = ? AND user_id IN (SELECT id FROM users WHERE email = ?)",
		models.RequestErasure, models.StatusWaitingFulfilment, "oliver.hughes@example.com").Take(&r).Error
	if err != nil {
		return fmt.Errorf("demo: erasures: Oliver's request: %w", err)
	}
	if err := db.Transaction(func(tx *gorm.DB) error { return er.Schedule(tx, &r) }); err != nil {
		return fmt.Errorf("demo: erasures: %w", err)
	}
	return seedErased(ctx, db, er, now)
}

// seedErased makes Hanna, her history and her erasure request, approved
// 17 days ago with a cool-off over three days ago, and runs it.
func seedErased(ctx context.Context, db *gorm.DB, er *erasure.Service, now time.Time) error {
	ago := func(days float64) time.Time { return now.Add(-time.Duration(days * float64(24*time.Hour))) }
	var staffID *int64
	var staff models.User
	if err := db.Where("role = ?", models.RoleStaff).Order("id").Limit(1).Find(&staff).Error; err != nil {
		return err
	}
	if staff.ID != 0 {
		staffID = &staff.ID
	}
	var r models.PrivacyRequest
	err := db.Transaction(func(tx *gorm.DB) error {
		u := models.User{Email: erasedEmail, Role: models.RoleCustomer, Name: "Hanna Berg", Locale: "en", CreatedAt: ago(900)}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		if err := tx.Create(&models.Profile{UserID: u.ID, FirstName: "Hanna", LastName: "Berg", Phone: "+4915100000077",
			PreferredLanguage: "en", CreatedAt: ago(900), UpdatedAt: ago(900)}).Error; err != nil {
			return err
		}
		if err := tx.Create(&models.Address{UserID: u.ID, Kind: models.AddressBilling, Line1: "Lindenstraße 14", PostalCode: "10969",
			City: "Berlin", Country: "DE", CreatedAt: ago(900), UpdatedAt: ago(900)}).Error; err != nil {
			return err
		}
		for i, o := range []struct {
			days  float64
			total int64
			what  string
		}{{820, 3480, "Photo book A4, 40 pages"}, {610, 1290, "Prints 13x18, matte"}, {400, 5900, "Canvas 40x60"}, {95, 2150, "Passport photos, 4"}} {
			paid := ago(o.days)
			ord := models.Order{UserID: u.ID, Number: fmt.Sprintf("LG-HB-%04d", i+1), PlacedAt: ago(o.days), Status: models.OrderDelivered,
				DeliveryStatus: models.DeliveryDelivered, TotalCents: o.total, TaxCents: o.total * 19 / 119, Currency: "EUR", PaidAt: &paid,
				CreatedAt: ago(o.days), UpdatedAt: ago(o.days)}
			if err := tx.Create(&ord).Error; err != nil {
				return err
			}
			if err := tx.Create(&models.OrderItem{OrderID: ord.ID, Description: o.what, Quantity: 1, UnitPriceCents: o.total}).Error; err != nil {
				return err
			}
			if err := tx.Create(&models.Payment{UserID: u.ID, OrderID: &ord.ID, Provider: "Stripe", Method: "card", Last4: "4242",
				AmountCents: o.total, Currency: "EUR", PaidAt: paid}).Error; err != nil {
				return err
			}
		}
		if err := tx.Create(&models.ContactMessage{UserID: u.ID, CreatedAt: ago(40), Channel: "email", Direction: "in",
			Subject: "Account", Body: "Hello, how do I close my account?"}).Error; err != nil {
			return err
		}
		if err := tx.Create(&models.LoginEvent{UserID: u.ID, CreatedAt: ago(21), Event: auth.EventSignIn, Method: auth.MethodPassword,
			IP: "198.51.100.77", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}).Error; err != nil {
			return err
		}
		received := ago(21)
		r = models.PrivacyRequest{UserID: &u.ID, Kind: models.RequestErasure, Status: models.StatusWaitingFulfilment,
			Channel: models.ChannelPortal, Jurisdiction: models.JurisdictionGDPR, RequesterEmail: u.Email, RequesterName: u.Name,
			Locale: "en", Details: "Please close my account.", ReceivedAt: received, VerifiedAt: &received, VerificationMethod: "session",
			AssigneeID: staffID, CreatedAt: received, UpdatedAt: ago(17)}
		r.FirstDueAt = requests.FirstDue(r.Jurisdiction, received)
		r.DueAt = r.FirstDueAt
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		for _, e := range []struct {
			days     float64
			who      string
			action   requests.Action
			from, to models.RequestStatus
		}{
			{21, "requester", requests.ActFile, "", models.StatusAwaitingVerification},
			{21, "system", requests.ActVerify, models.StatusAwaitingVerification, models.StatusInReview},
			{17, "staff", requests.ActApprove, models.StatusInReview, models.StatusApproved},
			{17, "system", requests.ActHandOff, models.StatusApproved, models.StatusWaitingFulfilment},
		} {
			ev := models.RequestEvent{RequestID: r.ID, At: ago(e.days), ActorKind: e.who, Action: string(e.action),
				FromStatus: string(e.from), ToStatus: string(e.to)}
			if e.who == "staff" {
				ev.ActorID = staffID
			}
			if err := tx.Create(&ev).Error; err != nil {
				return err
			}
		}
		if err := er.Schedule(tx, &r); err != nil {
			return err
		}
		// Approved 17 days ago: the 14-day cool-off ended three days ago.
		return tx.Model(&models.Erasure{}).Where("request_id = ?", r.ID).
			Updates(map[string]any{"cool_off_until": ago(3), "created_at": ago(17)}).Error
	})
	if err != nil {
		return fmt.Errorf("demo: erasures: Hanna: %w", err)
	}
	e, _, err := er.ForRequest(ctx, r.ID)
	if err != nil {
		return err
	}
	if err := er.Run(ctx, e.ID); err != nil {
		return fmt.Errorf("demo: erasures: run: %w", err)
	}
	return nil
}
