package account

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
)

// TestSetLocaleKeepsTheProfileInStep: the preferred language lives on
// the account (mails read it) and on the customer's profile (the form
// shows it); SetLocale changes both, with one audit entry and one history
// row, and refuses anyone but the account's owner.
func TestSetLocaleKeepsTheProfileInStep(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s := NewService(db.DB, db.Dialect, password.New(1), nil, testKeys(t), "Test", "https://portal.example.com", time.Now)
		ctx := context.Background()
		now := time.Now().UTC()
		withProfile := &models.User{Email: "ada@example.com", Role: models.RoleCustomer, Locale: "fr"}
		without := &models.User{Email: "bob@example.com", Role: models.RoleCustomer, Locale: "fr"}
		for _, u := range []*models.User{withProfile, without} {
			if err := db.Create(u).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Create(&models.Profile{UserID: withProfile.ID, PreferredLanguage: "fr", Version: 3, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
		self := func(u *models.User) actor.Actor { return actor.Actor{Kind: actor.Customer, UserID: u.ID} }
		cases := []struct {
			name                string
			u                   *models.User
			by                  actor.Actor
			locale              string
			wantErr             error
			wantLocale          string
			wantAudit, wantHist int64
			wantProfile         string // "" when the user has no profile
			wantVersion         int64
		}{
			{"with a profile", withProfile, self(withProfile), "en", nil, "en", 1, 1, "en", 4},
			{"again: nothing to do", withProfile, self(withProfile), "en", nil, "en", 1, 1, "en", 4},
			{"no profile", without, self(without), "zh-CN", nil, "zh-CN", 1, 0, "", 0},
			{"someone else", without, self(withProfile), "en", actor.ErrNotSelf, "zh-CN", 1, 0, "", 0},
			{"unknown language", withProfile, self(withProfile), "xx", ErrInvalidLocale, "en", 1, 1, "en", 4},
		}
		for _, c := range cases {
			err := s.SetLocale(ctx, c.by, c.u, c.locale)
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("%s: err = %v, want %v", c.name, err, c.wantErr)
			}
			var got models.User
			db.Where("id = ?", c.u.ID).Take(&got)
			var audits, hist int64
			db.Model(&models.AuditEntry{}).Where("action = ? AND target_id = ?", "account.locale_changed", strconv.FormatInt(c.u.ID, 10)).Count(&audits)
			db.Model(&models.ProfileChange{}).Where("user_id = ? AND field = ?", c.u.ID, "preferred_language").Count(&hist)
			var p models.Profile
			db.Where("user_id = ?", c.u.ID).Find(&p)
			if got.Locale != c.wantLocale || audits != c.wantAudit || hist != c.wantHist || p.PreferredLanguage != c.wantProfile || p.Version != c.wantVersion {
				t.Errorf("%s: locale %q audits %d history %d profile %q v%d; want %q %d %d %q v%d", c.name,
					got.Locale, audits, hist, p.PreferredLanguage, p.Version, c.wantLocale, c.wantAudit, c.wantHist, c.wantProfile, c.wantVersion)
			}
		}
	})
}
