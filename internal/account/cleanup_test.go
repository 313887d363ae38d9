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
			&models.OutboxMessage{ToAddress: "a@example.com", Template: "email_code", Subject: "old", Status: models.OutboxHeld,
				SealedCode: "v1:old", CreatedAt: now.Add(-s.codeLifetime() - time.Minute)},
			&models.OutboxMessage{ToAddress: "b@example.com", Template: "email_code", Subject: "live", Status: models.OutboxHeld,
				SealedCode: "v1:live", CreatedAt: now.Add(-time.Minute)},
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
		var sealed []string
		db.Model(&models.OutboxMessage{}).Order("subject").Pluck("sealed_code", &sealed)
		if len(sealed) != 2 || sealed[0] != "v1:live" || sealed[1] != "" {
			t.Fatalf("sealed outbox codes after cleanup (live, old): %q; want the expired one cleared", sealed)
		}
	})
}
