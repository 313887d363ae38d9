package account

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

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
		cases := []struct {
			email, name string
			role        models.Role
			want        error
		}{
			{"new.staff@example.com", "New Staff", models.RoleStaff, nil},
			{"NEW.staff@example.com", "Again", models.RoleStaff, ErrEmailTaken},
			{"cust@example.com", "Customer", models.RoleCustomer, ErrInvalidRole},
			{"long@example.com", strings.Repeat("x", 201), models.RoleStaff, ErrNameTooLong},
			{"bad", "Name", models.RoleStaff, ErrInvalidEmail},
		}
		for _, c := range cases {
			_, err := s.CreateStaff(ctx, admin, c.email, c.name, c.role, "fr", Client{IP: "192.0.2.1"})
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
