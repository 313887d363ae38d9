package account

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestCleanupKeepsOnlyWhatIsStillUseful(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
		mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "http://localhost"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := NewService(db.DB, db.Dialect, password.New(1), mailer, testKeys(t), "Test", "http://localhost", func() time.Time { return now })
		ctx := context.Background()
		later := now.Add(time.Hour)
		rows := []any{
			&models.EmailCode{Email: "a@example.com", Purpose: models.CodeSignIn, CodeHash: "x", ExpiresAt: now.Add(-time.Minute)},
			&models.EmailCode{Email: "b@example.com", Purpose: models.CodeSignIn, CodeHash: "y", ExpiresAt: now.Add(time.Minute)},
			&models.SignInThrottle{KeyHash: "quiet", HourStart: now, UpdatedAt: now.Add(-48 * time.Hour)},
			&models.SignInThrottle{KeyHash: "locked", HourStart: now, UpdatedAt: now.Add(-48 * time.Hour), LockedUntil: &later},
			&models.SignInThrottle{KeyHash: "recent", HourStart: now, UpdatedAt: now.Add(-time.Hour)},
		}
		for _, r := range rows {
			if err := db.Session(&gorm.Session{SkipHooks: true}).Create(r).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Cleanup(ctx); err != nil {
			t.Fatal(err)
		}
		var codes []string
		db.Model(&models.EmailCode{}).Pluck("email", &codes)
		if len(codes) != 1 || codes[0] != "b@example.com" {
			t.Fatalf("codes left: %v", codes)
		}
		var keys []string
		db.Model(&models.SignInThrottle{}).Order("key_hash").Pluck("key_hash", &keys)
		if len(keys) != 2 || keys[0] != "locked" || keys[1] != "recent" {
			t.Fatalf("throttles left: %v", keys)
		}
	})
}
