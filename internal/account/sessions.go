package account

import (
	"context"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Sessions lists the user's active sessions, most recently used first.
func (s *Service) Sessions(ctx context.Context, userID int64) ([]models.Session, error) {
	var rows []models.Session
	err := s.DB.WithContext(ctx).Where("user_id = ? AND expires_at > ?", userID, s.Now()).
		Order("last_seen_at DESC").Limit(200).Find(&rows).Error
	return rows, err
}

// RevokeSession ends one of the user's own sessions. The owner is part of
// the query, so another user's session id is simply not found.
func (s *Service) RevokeSession(ctx context.Context, a actor.Actor, u *models.User, sessionID int64) error {
	if err := a.Self(u.ID); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND user_id = ?", sessionID, u.ID).Delete(&models.Session{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return s.record(tx, a, u, auth.EventSessionRevoked, "", "account.session_revoked")
	})
}

// RevokeOtherSessions ends every session of the user except keep.
func (s *Service) RevokeOtherSessions(ctx context.Context, a actor.Actor, u *models.User, keep int64) (int64, error) {
	if err := a.Self(u.ID); err != nil {
		return 0, err
	}
	var n int64
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if n, err = revokeOtherSessions(tx, u.ID, keep); err != nil || n == 0 {
			return err
		}
		return s.record(tx, a, u, auth.EventSessionRevoked, "", "account.sessions_revoked")
	})
	return n, err
}

// Staff lists staff members and admins, for the admin page.
func (s *Service) Staff(ctx context.Context) ([]models.User, error) {
	var rows []models.User
	err := s.DB.WithContext(ctx).Where("role IN ?", []models.Role{models.RoleStaff, models.RoleAdmin}).
		Order("name").Limit(500).Find(&rows).Error
	return rows, err
}

// ResetTOTP is an admin clearing a staff member's lost second factor. The
// member's sessions end; they enrol again at their next sign-in.
func (s *Service) ResetTOTP(ctx context.Context, a actor.Actor, targetID int64) error {
	if err := a.RequireAdmin(); err != nil {
		return err
	}
	target, err := s.userByID(ctx, targetID)
	if err != nil {
		return err
	}
	if !target.Role.IsStaff() {
		return ErrNotFound
	}
	// An admin's own second factor is changed on their Security page,
	// after confirming it is them; a reset here would skip that.
	if target.ID == a.UserID {
		return ErrResetSelf
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := clearTOTP(tx, target.ID); err != nil {
			return err
		}
		if _, err := revokeOtherSessions(tx, target.ID, 0); err != nil {
			return err
		}
		if err := s.record(tx, a, target, auth.EventTOTPReset, "", "admin.totp_reset"); err != nil {
			return err
		}
		return s.notify(tx, target, target.Email, "totp_reset", nil)
	})
}

// throttleMemory is how long a quiet address's failure count is kept.
const throttleMemory = 24 * time.Hour

// Cleanup deletes what has no more use: expired emailed codes (they can
// never be accepted again, and the outbox forgets its sealed copy) and
// failure counts of addresses quiet for a day and not locked. It runs as a
// periodic job.
func (s *Service) Cleanup(ctx context.Context) error {
	now := s.Now()
	db := s.DB.WithContext(ctx)
	if err := db.Where("expires_at < ?", now).Delete(&models.EmailCode{}).Error; err != nil {
		return err
	}
	// The outbox's copy of an expired code is as useless as its hash.
	if _, err := mail.ForgetCodes(ctx, s.DB, now.Add(-s.codeLifetime())); err != nil {
		return err
	}
	return db.Where("updated_at < ? AND (locked_until IS NULL OR locked_until < ?)", now.Add(-throttleMemory), now).
		Delete(&models.SignInThrottle{}).Error
}
