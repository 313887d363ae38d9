package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The demo's two erasures are of customers without a demo login (a
// published login must keep working): Tomás Ferreira's is approved and
// in its cool-off, which ends a day before its deadline, with his unpaid
// canvas under a legal hold; Hanna Berg closed her account before the
// demo begins, so what is left of her is what the law keeps (her
// invoices, restricted), the erasure report on her request and its mail
// in the outbox.
const (
	coolingEmail = "tomas.ferreira@example.com"
	erasedEmail  = "hanna.berg@example.com"
)

// SeedErasures shows erasure on the demo: Tomás's request in its
// cool-off (the engine will run it when the cool-off ends, on a demo left
// running), and Hanna's erasure, already run by the real engine (her
// invoices retained for bookkeeping, her address on the suppression list,
// the report mailed, the print system's task open for staff). Run after
// SeedSystems; running it again changes nothing.
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
	if err := seedCooling(db, er, now); err != nil {
		return fmt.Errorf("demo: erasures: Tomás: %w", err)
	}
	return seedErased(ctx, db, er, now)
}

// erasedPerson is a demo customer without a login, for the erasures.
type erasedPerson struct {
	name, first, last, email, locale, phone string
	billing                                 models.Address
	orders                                  []pastOrder
	details                                 string
}

type pastOrder struct {
	days  float64
	total int64
	what  string
}

var (
	tomas = erasedPerson{name: "Tomás Ferreira", first: "Tomás", last: "Ferreira", email: coolingEmail, locale: "en", phone: "+351910000055",
		billing: models.Address{Kind: models.AddressBilling, Line1: "Rua das Flores 21", PostalCode: "4050-262", City: "Porto", Country: "PT"},
		orders:  []pastOrder{{300, 1890, "Prints 10x15, glossy"}, {120, 7400, "Canvas 60x90"}},
		details: "I no longer use your lab. Please close my account and delete my photos and data."}
	hanna = erasedPerson{name: "Hanna Berg", first: "Hanna", last: "Berg", email: erasedEmail, locale: "en", phone: "+4915100000077",
		billing: models.Address{Kind: models.AddressBilling, Line1: "Lindenstraße 14", PostalCode: "10969", City: "Berlin", Country: "DE"},
		orders: []pastOrder{{820, 3480, "Photo book A4, 40 pages"}, {610, 1290, "Prints 13x18, matte"}, {400, 5900, "Canvas 40x60"},
			{95, 2150, "Passport photos, 4"}},
		details: "Please close my account."}
)

// seedCooling makes Tomás, his history and his erasure request, received
// 27 days ago and approved 2 days ago: its cool-off is shortened to end a
// day before the deadline. His canvas is unpaid, so a hold keeps his
// orders and payments.
func seedCooling(db *gorm.DB, er *erasure.Service, now time.Time) error {
	return db.Transaction(func(tx *gorm.DB) error {
		u, staffID, err := demoPerson(tx, tomas, now)
		if err != nil {
			return err
		}
		if staffID != nil {
			hold := models.LegalHold{UserID: u.ID, Categories: "orders,payments", PlacedByID: *staffID, PlacedAt: now.Add(-10 * 24 * time.Hour),
				Reason: "Canvas 60x90 delivered but not paid (card declined); keep until it is settled."}
			if err := tx.Create(&hold).Error; err != nil {
				return err
			}
		}
		r, err := demoErasureRequest(tx, u, tomas, staffID, now, 27, 2)
		if err != nil {
			return err
		}
		return er.Schedule(tx, &r)
	})
}

// seedErased makes Hanna, her history and her erasure request, approved
// 17 days ago with a cool-off over three days ago, and runs it.
func seedErased(ctx context.Context, db *gorm.DB, er *erasure.Service, now time.Time) error {
	var r models.PrivacyRequest
	err := db.Transaction(func(tx *gorm.DB) error {
		u, staffID, err := demoPerson(tx, hanna, now)
		if err != nil {
			return err
		}
		if r, err = demoErasureRequest(tx, u, hanna, staffID, now, 21, 17); err != nil {
			return err
		}
		if err := er.Schedule(tx, &r); err != nil {
			return err
		}
		// Approved 17 days ago: the 14-day cool-off ended three days ago.
		return tx.Model(&models.Erasure{}).Where("request_id = ?", r.ID).
			Updates(map[string]any{"cool_off_until": now.Add(-3 * 24 * time.Hour), "created_at": now.Add(-17 * 24 * time.Hour)}).Error
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

// demoPerson creates p's account, profile, billing address, orders with
// their payments, a contact message and a sign-in, dated back from now;
// it also returns the demo's staff member (nil if none).
func demoPerson(tx *gorm.DB, p erasedPerson, now time.Time) (models.User, *int64, error) {
	ago := func(days float64) time.Time { return now.Add(-time.Duration(days * float64(24*time.Hour))) }
	var staff models.User
	if err := tx.Where("role = ?", models.RoleStaff).Order("id").Limit(1).Find(&staff).Error; err != nil {
		return models.User{}, nil, err
	}
	var staffID *int64
	if staff.ID != 0 {
		staffID = &staff.ID
	}
	u := models.User{Email: p.email, Role: models.RoleCustomer, Name: p.name, Locale: p.locale, CreatedAt: ago(900)}
	if err := tx.Create(&u).Error; err != nil {
		return u, nil, err
	}
	if err := tx.Create(&models.Profile{UserID: u.ID, FirstName: p.first, LastName: p.last, Phone: p.phone,
		PreferredLanguage: p.locale, CreatedAt: ago(900), UpdatedAt: ago(900)}).Error; err != nil {
		return u, nil, err
	}
	addr := p.billing
	addr.UserID, addr.CreatedAt, addr.UpdatedAt = u.ID, ago(900), ago(900)
	if err := tx.Create(&addr).Error; err != nil {
		return u, nil, err
	}
	for i, o := range p.orders {
		paid := ago(o.days)
		ord := models.Order{UserID: u.ID, Number: fmt.Sprintf("LG-%s-%04d", strings.ToUpper(p.first[:1]+p.last[:1]), i+1), PlacedAt: ago(o.days),
			Status: models.OrderDelivered, DeliveryStatus: models.DeliveryDelivered, TotalCents: o.total, TaxCents: o.total * 19 / 119,
			Currency: "EUR", PaidAt: &paid, CreatedAt: ago(o.days), UpdatedAt: ago(o.days)}
		if err := tx.Create(&ord).Error; err != nil {
			return u, nil, err
		}
		if err := tx.Create(&models.OrderItem{OrderID: ord.ID, Description: o.what, Quantity: 1, UnitPriceCents: o.total}).Error; err != nil {
			return u, nil, err
		}
		if err := tx.Create(&models.Payment{UserID: u.ID, OrderID: &ord.ID, Provider: "Stripe", Method: "card", Last4: "4242",
			AmountCents: o.total, Currency: "EUR", PaidAt: paid}).Error; err != nil {
			return u, nil, err
		}
	}
	if err := tx.Create(&models.ContactMessage{UserID: u.ID, CreatedAt: ago(40), Channel: "email", Direction: "in",
		Subject: "Account", Body: "Hello, how do I close my account?"}).Error; err != nil {
		return u, nil, err
	}
	if err := tx.Create(&models.LoginEvent{UserID: u.ID, CreatedAt: ago(30), Event: auth.EventSignIn, Method: auth.MethodPassword,
		IP: "198.51.100.77", UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}).Error; err != nil {
		return u, nil, err
	}
	return u, staffID, nil
}

// demoErasureRequest files p's erasure request received days ago,
// verified by the session, approved and handed off approved days ago.
func demoErasureRequest(tx *gorm.DB, u models.User, p erasedPerson, staffID *int64, now time.Time, received, approved float64) (models.PrivacyRequest, error) {
	ago := func(days float64) time.Time { return now.Add(-time.Duration(days * float64(24*time.Hour))) }
	at := ago(received)
	r := models.PrivacyRequest{UserID: &u.ID, Kind: models.RequestErasure, Status: models.StatusWaitingFulfilment,
		Channel: models.ChannelPortal, Jurisdiction: models.JurisdictionGDPR, RequesterEmail: u.Email, RequesterName: u.Name,
		Locale: p.locale, Details: p.details, ReceivedAt: at, VerifiedAt: &at, VerificationMethod: "session",
		AssigneeID: staffID, CreatedAt: at, UpdatedAt: ago(approved)}
	r.FirstDueAt = requests.FirstDue(r.Jurisdiction, at)
	r.DueAt = r.FirstDueAt
	if err := tx.Create(&r).Error; err != nil {
		return r, err
	}
	for _, e := range []struct {
		days     float64
		who      string
		action   requests.Action
		from, to models.RequestStatus
	}{
		{received, "requester", requests.ActFile, "", models.StatusAwaitingVerification},
		{received, "system", requests.ActVerify, models.StatusAwaitingVerification, models.StatusInReview},
		{approved, "staff", requests.ActApprove, models.StatusInReview, models.StatusApproved},
		{approved, "system", requests.ActHandOff, models.StatusApproved, models.StatusWaitingFulfilment},
	} {
		ev := models.RequestEvent{RequestID: r.ID, At: ago(e.days), ActorKind: e.who, Action: string(e.action),
			FromStatus: string(e.from), ToStatus: string(e.to)}
		if e.who == "staff" {
			ev.ActorID = staffID
		}
		if err := tx.Create(&ev).Error; err != nil {
			return r, err
		}
	}
	return r, nil
}
