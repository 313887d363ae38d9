package export

import (
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// Secrets a package must never carry, whoever asks.
const (
	secretPassword = "argon2id$secret-hash-of-ada"
	secretTOTP     = "v1:SEALEDTOTPSECRETOFADA"
	secretToken    = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	withheldBody   = "Her neighbour Carol Dupont called about the parcel"
	normalBody     = "Identity checked against the order history"
	otherEmail     = "bob@example.com"
)

// rich is a customer with something in every category, and another
// customer whose data must stay out of the first one's package.
type rich struct {
	UserID, OtherID    int64
	Request            models.PrivacyRequest
	Photo              models.Photo
	Photo2             []byte // the photo's bytes
	WithheldNote, Note models.RequestNote
	Message            models.ContactMessage
}

// richCustomer seeds every kind of record the registry exports for one
// customer (orders with items, a photo, a profile with both addresses, a
// privacy request with events, messages and two staff notes — one
// withheld —, a legal hold, a restriction, sign-ins and a session).
func richCustomer(t testing.TB, s *Service, db *dbtest.DB) rich {
	t.Helper()
	var r rich
	tz := testNow.Add(-48 * time.Hour)
	u := models.User{Email: "ada@example.com", Role: models.RoleCustomer, Name: "Adèle Lovelace", Locale: "fr",
		PasswordHash: secretPassword, TOTPSecret: secretTOTP, TOTPEnabledAt: &tz}
	other := models.User{Email: otherEmail, Role: models.RoleCustomer, Name: "Bob", Locale: "en", PasswordHash: "bob-hash"}
	staff := models.User{Email: "sam@shop.test", Role: models.RoleStaff, Name: "Sam"}
	create(t, db, &u, &other, &staff)
	r.UserID, r.OtherID = u.ID, other.ID
	addOrders(t, db, u.ID, 3, 2)
	addOrders(t, db, other.ID, 1, 1)
	create(t, db,
		&models.Profile{UserID: u.ID, FirstName: "Adèle", LastName: "Lovelace", Phone: "+33612345678", BirthDate: "1990-05-17",
			Gender: "female", PreferredLanguage: "fr", TimeZone: "Europe/Paris", CreatedAt: tz, UpdatedAt: tz},
		&models.Address{UserID: u.ID, Kind: models.AddressBilling, Line1: "1 rue de Rivoli", PostalCode: "75001", City: "Paris", Country: "FR"},
		&models.Address{UserID: u.ID, Kind: models.AddressDelivery, Line1: "2 rue du Bac", PostalCode: "75007", City: "Paris", Country: "FR"},
		&models.ProfileChange{UserID: u.ID, CreatedAt: tz, Field: "phone", OldValue: "", NewValue: "+33612345678", ActorKind: "customer"},
		&models.Payment{UserID: u.ID, Provider: "stripe", Method: "card", Last4: "4242", AmountCents: 1999, Currency: "EUR", PaidAt: tz},
		&models.SurveyAnswer{UserID: u.ID, AnsweredAt: tz, Kind: "survey", Title: "Prints", Question: "Happy?", Answer: "=HYPERLINK(\"x\")"},
		&models.LoginEvent{UserID: u.ID, CreatedAt: tz, Event: "signin", Method: "password", IP: "192.0.2.1", UserAgent: "Firefox"},
		&models.LoginEvent{UserID: u.ID, CreatedAt: tz.Add(time.Hour), Event: "signout", IP: "192.0.2.1", UserAgent: "Firefox"},
		&models.LoginEvent{UserID: other.ID, CreatedAt: tz, Event: "signin", IP: "198.51.100.7", UserAgent: "Bob's browser"},
		&models.Session{TokenHash: secretToken, UserID: &u.ID, Data: `{"flash":"x"}`, IP: "192.0.2.1", UserAgent: "Firefox",
			CreatedAt: tz, LastSeenAt: tz, ExpiresAt: testNow.Add(24 * time.Hour)},
	)
	r.Message = models.ContactMessage{UserID: u.ID, CreatedAt: tz, Channel: "email", Direction: "in", Subject: "Tirage abîmé, \"urgent\"",
		Body: "Bonjour,\r\nle tirage est arrivé plié; merci de \"refaire\", vite.\nAdèle"}
	create(t, db, &r.Message)
	r.Photo2 = []byte("\xff\xd8\xff\xe0 a jpeg of a cat")
	r.Photo = addPhoto(t, s, u.ID, "chat.jpg", r.Photo2)

	uid := u.ID
	r.Request = models.PrivacyRequest{UserID: &uid, Kind: models.RequestAccess, Status: models.StatusInReview, Channel: models.ChannelPortal,
		Jurisdiction: models.JurisdictionGDPR, RequesterEmail: u.Email, RequesterName: u.Name, Locale: "fr", ReceivedAt: tz,
		VerifiedAt: &tz, VerificationMethod: "session", FirstDueAt: testNow.AddDate(0, 1, 0), DueAt: testNow.AddDate(0, 1, 0),
		StatusTokenHash: "status-token-hash-secret"}
	create(t, db, &r.Request)
	otherUID := other.ID
	create(t, db, &models.PrivacyRequest{UserID: &otherUID, Kind: models.RequestErasure, Status: models.StatusInReview, Channel: models.ChannelPortal,
		Jurisdiction: models.JurisdictionGDPR, RequesterEmail: otherEmail, Locale: "en", ReceivedAt: tz, FirstDueAt: testNow, DueAt: testNow})
	r.WithheldNote = models.RequestNote{RequestID: r.Request.ID, At: tz, AuthorID: staff.ID, Body: withheldBody,
		Withheld: models.WithholdThirdParty, WithheldAt: &tz}
	r.Note = models.RequestNote{RequestID: r.Request.ID, At: tz.Add(time.Minute), AuthorID: staff.ID, Body: normalBody}
	create(t, db, &r.WithheldNote, &r.Note,
		&models.RequestEvent{RequestID: r.Request.ID, At: tz, ActorKind: "requester", Action: "file", ToStatus: string(models.StatusInReview)},
		&models.RequestMessage{RequestID: r.Request.ID, At: tz, AuthorKind: "staff", AuthorID: &staff.ID, Body: "Nous traitons votre demande."},
		&models.LegalHold{UserID: u.ID, Categories: "orders,payments", Reason: "unpaid invoice", PlacedByID: staff.ID, PlacedAt: tz},
		&models.Restriction{UserID: u.ID, Category: "surveys", Ground: "request", Reason: "accuracy contested", PlacedAt: tz},
	)
	return r
}

func create(t testing.TB, db *dbtest.DB, rows ...any) {
	t.Helper()
	for _, row := range rows {
		if err := db.Create(row).Error; err != nil {
			t.Fatalf("create %T: %v", row, err)
		}
	}
}
