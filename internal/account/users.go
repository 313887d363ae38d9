package account

import (
	"context"
	"fmt"
	"strconv"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// User returns one account by id; a missing one is ErrNotFound.
func (s *Service) User(ctx context.Context, id int64) (*models.User, error) {
	return s.userByID(ctx, id)
}

// SecurityCounts is what the security overview counts: the unused
// recovery codes and the live sessions.
type SecurityCounts struct {
	RecoveryCodesLeft, Sessions int64
}

// SecurityCounts reads both counts in one statement (the overview is
// opened after every sign-in). Both are small: at most ten codes, and
// the sessions of one user.
func (s *Service) SecurityCounts(ctx context.Context, userID int64) (SecurityCounts, error) {
	var c SecurityCounts
	err := s.DB.WithContext(ctx).Raw(`SELECT
	(SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL) AS recovery_codes_left,
	(SELECT COUNT(*) FROM sessions WHERE user_id = ? AND expires_at > ?) AS sessions`, userID, userID, s.Now().UTC()).Row().
		Scan(&c.RecoveryCodesLeft, &c.Sessions)
	if err != nil {
		return SecurityCounts{}, fmt.Errorf("account: security counts: %w", err)
	}
	return c, nil
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (s *Service) RecoveryCodesLeft(ctx context.Context, userID int64) (int64, error) {
	return auth.RecoveryCodesLeft(ctx, s.DB, userID)
}

// ErrInvalidLocale is a language the portal does not speak.
var ErrInvalidLocale = fault.New(fault.Invalid, "account: unknown language")

// SetLocale sets the user's preferred language, the one mails use: on the
// account (users.locale) and on the customer's saved profile, in one
// audited transaction, so the profile page and the mails always agree.
func (s *Service) SetLocale(ctx context.Context, a actor.Actor, u *models.User, locale string) error {
	if err := a.Self(u.ID); err != nil {
		return err
	}
	if !i18n.Valid(locale) {
		return ErrInvalidLocale
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		inProfile, err := profile.SetLanguage(tx, a, u.ID, locale, s.Now())
		if err != nil {
			return err
		}
		if u.Locale == locale && !inProfile {
			return nil
		}
		if err := tx.Model(&models.User{}).Where("id = ?", u.ID).Update("locale", locale).Error; err != nil {
			return err
		}
		e := audit.By(a, "account.locale_changed", "user", strconv.FormatInt(u.ID, 10))
		e.Details = map[string]string{"locale": locale}
		return audit.Append(tx, s.Dialect, e)
	})
	if err != nil {
		return fmt.Errorf("account: set locale: %w", err)
	}
	u.Locale = locale
	return nil
}

// CountByRole counts accounts per role, for the admin home.
func (s *Service) CountByRole(ctx context.Context) (map[models.Role]int64, error) {
	var rows []struct {
		Role  models.Role
		Count int64
	}
	err := s.DB.WithContext(ctx).Model(&models.User{}).Select("role, count(*) as count").Group("role").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("account: count by role: %w", err)
	}
	out := make(map[models.Role]int64, len(rows))
	for _, r := range rows {
		out[r.Role] = r.Count
	}
	return out, nil
}
