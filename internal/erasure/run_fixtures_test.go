package erasure

import (
	"fmt"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

// testNow is the clock of the engine's tests.
var testNow = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

// The erased customer's identifiers: distinctive enough that the PII walk
// finds nothing by chance.
const (
	pFirst  = "Ottilie"
	pLast   = "Wrenfield"
	pEmail  = "ottilie.wrenfield_42@example.org"
	pPhone  = "+442079460123"
	pStreet = "17 Marlpit Lane"
	pPost   = "QX9 4ZZ"
)

// needles are what the PII walk looks for.
var needles = []string{pFirst, pLast, pEmail, pPhone, pStreet, pPost}

type fixture struct {
	s         *Service
	db        *dbtest.DB
	userID    int64
	otherID   int64
	requestID int64
	erasureID int64
	// files are the vault keys of the customer's rows (photos, thumbnails,
	// an export, an ID document); otherFile the bystander's photo.
	files     []string
	otherFile string
	paid      int // the customer's paid orders (each leaves an invoice)
}

func newService(t testing.TB, db *dbtest.DB) *Service {
	t.Helper()
	keys := t.TempDir()
	v, err := vault.OpenDirs(t.TempDir(), keys)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := vault.OpenKeyRing(keys)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return testNow }
	return &Service{DB: db.DB, Dialect: db.Dialect, Vault: v, Secrets: ring, Now: now,
		Requests: &requests.Service{DB: db.DB, Dialect: db.Dialect, Now: now}}
}

func create(t testing.TB, db *dbtest.DB, rows ...any) {
	t.Helper()
	for _, r := range rows {
		if err := db.Create(r).Error; err != nil {
			t.Fatalf("create %T: %v", r, err)
		}
	}
}

func put(t testing.TB, s *Service, data string) string {
	t.Helper()
	k, err := s.Vault.Put([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// seed gives the customer rows in every table that can hold them, a
// bystander with their own, and an approved erasure request whose
// cool-off ended; orders of them paid ones.
func seed(t testing.TB, db *dbtest.DB, orders int) *fixture {
	t.Helper()
	f := &fixture{s: newService(t, db), db: db}
	s := f.s
	ago := testNow.Add(-40 * 24 * time.Hour)
	u := models.User{Email: pEmail, Role: models.RoleCustomer, Name: pFirst + " " + pLast, Locale: "en", PasswordHash: "argon2id$x",
		TOTPSecret: "v1:sealed", TOTPEnabledAt: &ago}
	other := models.User{Email: "bystander@example.com", Role: models.RoleCustomer, Name: "Bea Bystander", Locale: "fr"}
	staff := models.User{Email: "staff@shop.test", Role: models.RoleStaff, Name: "Sam Staff"}
	create(t, db, &u, &other, &staff)
	f.userID, f.otherID = u.ID, other.ID
	uid := u.ID
	create(t, db,
		&models.Profile{UserID: u.ID, FirstName: pFirst, LastName: pLast, Phone: pPhone, BirthDate: "1988-02-03", CreatedAt: ago, UpdatedAt: ago},
		&models.Profile{UserID: other.ID, FirstName: "Bea", LastName: "Bystander", Phone: "+33600000000", CreatedAt: ago, UpdatedAt: ago},
		&models.Address{UserID: u.ID, Kind: models.AddressBilling, Line1: pStreet, PostalCode: pPost, City: "Oxford", Country: "GB"},
		&models.Address{UserID: u.ID, Kind: models.AddressDelivery, Line1: pStreet + " (back door)", PostalCode: pPost, City: "Oxford", Country: "GB"},
		&models.Address{UserID: other.ID, Kind: models.AddressBilling, Line1: "1 rue Neuve", PostalCode: "75001", City: "Paris", Country: "FR"},
		&models.ProfileChange{UserID: u.ID, CreatedAt: ago, Field: "phone", OldValue: "", NewValue: pPhone, ActorKind: "customer"},
		&models.ContactMessage{UserID: u.ID, CreatedAt: ago, Channel: "email", Direction: "in", Subject: "Parcel", Body: "Please ring " + pPhone},
		&models.ContactMessage{UserID: other.ID, CreatedAt: ago, Channel: "email", Direction: "in", Subject: "Hi", Body: "Bea here"},
		&models.SurveyAnswer{UserID: u.ID, AnsweredAt: ago, Kind: "competition", Title: "Summer", Question: "Name?", Answer: pFirst},
		&models.LoginEvent{UserID: u.ID, CreatedAt: ago, Event: "signin", Method: "password", IP: "192.0.2.1", UserAgent: "Firefox"},
		&models.LoginEvent{UserID: other.ID, CreatedAt: ago, Event: "signin", IP: "198.51.100.7", UserAgent: "Safari"},
		&models.Session{TokenHash: "tok-" + pFirst, UserID: &uid, Data: `{"who":"` + pEmail + `"}`, CreatedAt: ago, LastSeenAt: ago,
			ExpiresAt: testNow.Add(time.Hour)},
		&models.RecoveryCode{UserID: u.ID, CodeHash: "rc-hash"},
		&models.EmailCode{Email: pEmail, Purpose: "signin", UserID: &uid, CodeHash: "ec-hash", ExpiresAt: testNow.Add(time.Minute)},
		&models.DormancyNotice{UserID: u.ID, WarnedAt: ago, ErasesAt: testNow},
	)
	for i := range orders {
		o := models.Order{UserID: u.ID, Number: fmt.Sprintf("INV-%d-%05d", u.ID, i), PlacedAt: ago.Add(-time.Duration(i) * time.Hour),
			Status: models.OrderDelivered, Currency: "GBP", TotalCents: 2400, TaxCents: 400}
		if i%4 != 3 {
			o.PaidAt = &o.PlacedAt
			f.paid++
		} else {
			o.Status = models.OrderCancelled
		}
		create(t, db, &o)
		create(t, db, &models.OrderItem{OrderID: o.ID, Description: "Print 10x15", Quantity: 2, UnitPriceCents: 1000},
			&models.OrderItem{OrderID: o.ID, Description: "Frame", Quantity: 1, UnitPriceCents: 400})
		if o.PaidAt != nil {
			create(t, db, &models.Payment{UserID: u.ID, OrderID: &o.ID, Provider: "stripe", Method: "card", Last4: "4242",
				AmountCents: 2400, Currency: "GBP", PaidAt: *o.PaidAt})
		}
	}
	oo := models.Order{UserID: other.ID, Number: fmt.Sprintf("INV-%d-1", other.ID), PlacedAt: ago, PaidAt: &ago, Status: models.OrderDelivered,
		Currency: "EUR", TotalCents: 900}
	create(t, db, &oo, &models.Payment{UserID: other.ID, OrderID: &oo.ID, Provider: "paypal", AmountCents: 900, Currency: "EUR", PaidAt: ago},
		&models.Payment{UserID: u.ID, Provider: "giftcard", AmountCents: 500, Currency: "GBP", PaidAt: ago})
	photo := models.Photo{UserID: u.ID, Filename: pLast + "-wedding.jpg", ContentType: "image/jpeg", FileKey: put(t, s, "photo"),
		ThumbKey: put(t, s, "thumb"), UploadedAt: ago}
	f.otherFile = put(t, s, "bea's photo")
	create(t, db, &photo, &models.Photo{UserID: other.ID, Filename: "bea.jpg", ContentType: "image/jpeg", FileKey: f.otherFile, UploadedAt: ago})
	f.files = append(f.files, photo.FileKey, photo.ThumbKey)

	// The requests: an older access request (with everything a request
	// can carry) and the erasure request being carried out.
	old := models.PrivacyRequest{UserID: &uid, Kind: models.RequestAccess, Status: models.StatusCompleted, Channel: models.ChannelPortal,
		Jurisdiction: models.JurisdictionGDPR, RequesterEmail: pEmail, RequesterName: pFirst + " " + pLast, Details: "I live at " + pStreet,
		ReceivedAt: ago, FirstDueAt: testNow, DueAt: testNow, VerificationNote: "called " + pPhone, ClosedAt: &ago}
	// A request filed signed-out from the same address, before the account.
	public := models.PrivacyRequest{Kind: models.RequestObjection, Status: models.StatusCompleted, Channel: models.ChannelPublic,
		Jurisdiction: models.JurisdictionGDPR, RequesterEmail: pEmail, RequesterName: pLast, ReceivedAt: ago, FirstDueAt: testNow, DueAt: testNow}
	req := models.PrivacyRequest{UserID: &uid, Kind: models.RequestErasure, Status: models.StatusWaitingFulfilment, Channel: models.ChannelPortal,
		Jurisdiction: models.JurisdictionGDPR, RequesterEmail: pEmail, RequesterName: pFirst, Locale: "en", ReceivedAt: ago,
		FirstDueAt: testNow.Add(10 * 24 * time.Hour), DueAt: testNow.Add(10 * 24 * time.Hour)}
	otherReq := models.PrivacyRequest{UserID: &other.ID, Kind: models.RequestAccess, Status: models.StatusInReview, Channel: models.ChannelPortal,
		Jurisdiction: models.JurisdictionGDPR, RequesterEmail: other.Email, RequesterName: "Bea", ReceivedAt: ago, FirstDueAt: testNow, DueAt: testNow}
	create(t, db, &old, &public, &req, &otherReq)
	f.requestID = req.ID
	doc := models.RequestDocument{RequestID: old.ID, Purpose: models.DocumentIdentity, FileKey: put(t, s, "passport"), ContentType: "image/png"}
	f.files = append(f.files, doc.FileKey)
	create(t, db,
		&models.RequestEvent{RequestID: old.ID, At: ago, ActorKind: "staff", Action: "verify", Note: "matched " + pPost},
		&models.RequestEvent{RequestID: req.ID, At: ago, ActorKind: "customer", Action: "file"},
		&models.RequestMessage{RequestID: old.ID, At: ago, AuthorKind: "customer", Body: "Regards, " + pFirst},
		&models.RequestNote{RequestID: old.ID, At: ago, AuthorID: staff.ID, Body: pLast + " sounded upset"},
		&models.RequestCorrection{RequestID: old.ID, Category: "profile", Field: "phone", CurrentValue: pPhone, ProposedValue: "+440000"},
		&models.RequestCode{RequestID: public.ID, Purpose: "email", CodeHash: "h", ExpiresAt: ago, CreatedAt: ago},
		&doc,
		&models.LegalHold{UserID: u.ID, Categories: "orders", Reason: "dispute with " + pLast, PlacedByID: staff.ID, PlacedAt: ago,
			ReleasedAt: &ago, ReleasedByID: &staff.ID},
		&models.MarketingObjection{UserID: &uid, Email: pEmail, RequestID: &public.ID, RecordedAt: ago},
		&models.RequestMessage{RequestID: otherReq.ID, At: ago, AuthorKind: "customer", Body: "Bea's message"},
	)
	exp := models.Export{UserID: &uid, Status: models.ExportReady, FileKey: put(t, s, "zip"), RequestedByKind: "customer", CreatedAt: ago}
	create(t, db, &exp)
	f.files = append(f.files, exp.FileKey)

	// Consents: the account's subject, an address subject, and the ledger.
	pv := models.PolicyVersion{Version: "V.1", PublishedAt: ago, Body: "{}"}
	create(t, db, &pv)
	h := s.Secrets.MAC("consent.email", pEmail)
	sub := models.ConsentSubject{UserID: &uid, CreatedAt: ago}
	addr := models.ConsentSubject{EmailHash: &h, CreatedAt: ago}
	create(t, db, &sub, &addr, &models.PolicyAck{UserID: u.ID, PolicyVersionID: pv.ID, AcknowledgedAt: ago})
	for _, sid := range []int64{sub.ID, addr.ID} {
		ev := models.ConsentEvent{SubjectID: sid, Purpose: models.PurposeMarketing, Topic: "news", Channel: models.ChannelEmail,
			Action: models.ConsentGranted, Method: models.MethodPortal, At: ago}
		create(t, db, &ev)
		create(t, db, &models.ConsentEvidence{EventID: ev.ID, IP: "192.0.2.0", UserAgent: "Firefox " + pFirst},
			&models.ConsentState{SubjectID: sid, Purpose: ev.Purpose, Topic: ev.Topic, Channel: ev.Channel, Status: ev.Action, EventID: ev.ID, UpdatedAt: ago})
	}

	// Mail and jobs naming the customer.
	create(t, db,
		&models.OutboxMessage{ToAddress: pEmail, Template: "request_received", Locale: "en", Subject: "Hello " + pFirst,
			TextBody: "Dear " + pFirst, HTMLBody: "<p>Dear " + pFirst + "</p>", Status: models.OutboxSent, CreatedAt: ago},
		&models.OutboxMessage{ToAddress: "bystander@example.com", Template: "x", Locale: "fr", Subject: "Bonjour", TextBody: "Bea",
			HTMLBody: "Bea", Status: models.OutboxSent, CreatedAt: ago},
		&models.Job{Kind: "account.send_signin_code", Payload: `{"email":"` + pEmail + `","locale":"en"}`, Status: models.JobDone, RunAt: ago},
		&models.Job{Kind: "account.email_change", Payload: fmt.Sprintf(`{"user_id":%d,"new_email":"o.w@example.net"}`, u.ID),
			Status: models.JobDone, RunAt: ago},
		&models.Job{Kind: "account.email_change", Payload: fmt.Sprintf(`{"user_id":%d0,"new_email":"x@example.net"}`, u.ID),
			Status: models.JobDone, RunAt: ago},
	)
	e := models.Erasure{RequestID: &req.ID, UserID: &uid, Status: models.ErasureCoolingOff, CoolOffUntil: testNow.Add(-time.Minute),
		ReportEmail: pEmail, ReportLocale: "en", CreatedAt: ago}
	create(t, db, &e)
	f.erasureID = e.ID
	return f
}

// steps is the erasure's steps by category.
func (f *fixture) steps(t testing.TB) map[string]models.ErasureStep {
	t.Helper()
	var rows []models.ErasureStep
	if err := f.db.Where("erasure_id = ?", f.erasureID).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[string]models.ErasureStep{}
	for _, r := range rows {
		out[r.Category] = r
	}
	return out
}

func (f *fixture) erasure(t testing.TB) models.Erasure {
	t.Helper()
	var e models.Erasure
	if err := f.db.Take(&e, f.erasureID).Error; err != nil {
		t.Fatal(err)
	}
	return e
}

func count(t testing.TB, db *dbtest.DB, table, where string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.Table(table).Where(where, args...).Count(&n).Error; err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
