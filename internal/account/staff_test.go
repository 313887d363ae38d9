package account

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
)

func TestCreateStaff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "https://portal.example.com"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := NewService(db.DB, db.Dialect, password.New(1), mailer, testKeys(t), "Test", "https://portal.example.com", time.Now)
		ctx := context.Background()
		admin := &models.User{Email: "boss@example.com", Role: models.RoleAdmin, Name: "Boss"}
		if err := db.Create(admin).Error; err != nil {
			t.Fatal(err)
		}
		byAdmin := actor.Actor{Kind: actor.Admin, UserID: admin.ID, IP: "192.0.2.1"}
		cases := []struct {
			by          actor.Actor
			email, name string
			role        models.Role
			want        error
		}{
			{byAdmin, "new.staff@example.com", "New Staff", models.RoleStaff, nil},
			{byAdmin, "NEW.staff@example.com", "Again", models.RoleStaff, ErrEmailTaken},
			{byAdmin, "cust@example.com", "Customer", models.RoleCustomer, ErrInvalidRole},
			{byAdmin, "long@example.com", strings.Repeat("x", 201), models.RoleStaff, ErrNameTooLong},
			{byAdmin, "bad", "Name", models.RoleStaff, ErrInvalidEmail},
			// The same character rule as customer names: nothing that can
			// break a line or reorder text on staff screens.
			{byAdmin, "ctl@example.com", "Sam\x07", models.RoleStaff, ErrNameInvalid},
			{byAdmin, "nl@example.com", "Sam\nSmith", models.RoleStaff, ErrNameInvalid},
			{byAdmin, "bidi@example.com", "Sam \u202eevil", models.RoleStaff, ErrNameInvalid},
			{actor.Actor{Kind: actor.Staff, UserID: admin.ID}, "by.staff@example.com", "Staff Made", models.RoleStaff, actor.ErrNotAdmin},
			{actor.Actor{Kind: actor.Customer, UserID: admin.ID}, "by.cust@example.com", "Cust Made", models.RoleStaff, actor.ErrNotAdmin},
		}
		for _, c := range cases {
			_, err := s.CreateStaff(ctx, c.by, c.email, c.name, c.role, "fr")
			if !errors.Is(err, c.want) {
				t.Errorf("CreateStaff(%q, %q) = %v, want %v", c.email, c.role, err, c.want)
			}
		}
		var u models.User
		if err := db.Where("email = ?", "new.staff@example.com").Take(&u).Error; err != nil {
			t.Fatal(err)
		}
		if u.Role != models.RoleStaff || u.PasswordHash != "" || u.Locale != "fr" {
			t.Fatalf("staff stored as %+v", u)
		}
		var welcome models.OutboxMessage
		if err := db.Where("to_address = ? AND template = ?", u.Email, "staff_welcome").Take(&welcome).Error; err != nil {
			t.Fatalf("no welcome mail: %v", err)
		}
		if !strings.Contains(welcome.TextBody, "https://portal.example.com/signin/code") {
			t.Fatal("welcome mail lacks the sign-in link")
		}
		var audits, users int64
		db.Model(&models.AuditEntry{}).Where("action = ? AND actor_id = ?", "admin.staff_created", admin.ID).Count(&audits)
		db.Model(&models.User{}).Count(&users)
		if audits != 1 || users != 2 {
			t.Fatalf("audit rows %d, users %d: refused creations must leave nothing", audits, users)
		}
	})
}

// TestAdminCannotResetOwnSecondFactor: the reset is for someone else's
// lost phone; an admin's own factor changes on their Security page.
func TestAdminCannotResetOwnSecondFactor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s := NewService(db.DB, db.Dialect, password.New(1), nil, testKeys(t), "Test", "https://portal.example.com", time.Now)
		admin := &models.User{Email: "boss@example.com", Role: models.RoleAdmin, Name: "Boss", TOTPSecret: "x"}
		if err := db.Create(admin).Error; err != nil {
			t.Fatal(err)
		}
		err := s.ResetTOTP(context.Background(), actor.Actor{Kind: actor.Admin, UserID: admin.ID}, admin.ID)
		if !errors.Is(err, ErrResetSelf) {
			t.Fatalf("own reset: %v, want ErrResetSelf", err)
		}
		var u models.User
		db.Take(&u, admin.ID)
		if u.TOTPSecret == "" {
			t.Fatal("the admin's own second factor was cleared")
		}
	})
}
