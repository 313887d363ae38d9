package account

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
)

func TestCreateAdmin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		h := password.New(1)
		ctx := context.Background()
		cases := []struct {
			email, name, pw string
			want            error
		}{
			{"not-an-email", "A", "quiet lantern harbor", ErrInvalidEmail},
			{"a@example.com", " ", "quiet lantern harbor", ErrNameRequired},
			{"a@example.com", strings.Repeat("n", 201), "quiet lantern harbor", ErrNameTooLong},
			{"a@example.com", "A", "short", password.ErrTooShort},
			{" Ada@Example.com ", "Ada", "quiet lantern harbor", nil},
			{"ada@example.com", "Ada again", "quiet lantern harbor", ErrEmailTaken},
		}
		for _, c := range cases {
			_, err := CreateAdmin(ctx, db.DB, db.Dialect, h, c.email, c.name, c.pw)
			if !errors.Is(err, c.want) {
				t.Errorf("CreateAdmin(%q, %q) = %v, want %v", c.email, c.name, err, c.want)
			}
		}
		var u models.User
		if err := db.Where("email = ?", "ada@example.com").Take(&u).Error; err != nil || u.Role != models.RoleAdmin {
			t.Fatalf("admin not stored normalized: %v %+v", err, u)
		}
		var audits int64
		db.Model(&models.AuditEntry{}).Where("action = ?", "admin.created").Count(&audits)
		if audits != 1 {
			t.Fatalf("want 1 audit row, got %d", audits)
		}
	})
}
