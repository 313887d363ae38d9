package account

import (
	"context"
	"errors"
	"strings"

	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// RequestEmailChange mails a confirmation code to the new address; the
// change takes effect only when that code comes back.
func (s *Service) RequestEmailChange(ctx context.Context, u *models.User, newEmail string) (string, error) {
	newEmail, err := NormalizeEmail(newEmail)
	if err != nil {
		return "", err
	}
	if newEmail == u.Email {
		return "", ErrSameEmail
	}
	taken, err := s.userByEmail(ctx, newEmail)
	if err != nil {
		return "", err
	}
	if taken != nil {
		return "", ErrEmailUnavailable
	}
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		id := u.ID
		code, err := s.Codes.Issue(tx, newEmail, models.CodeEmailChange, &id)
		if err != nil {
			return err
		}
		_, err = s.Mailer.Queue(tx, mail.Message{To: newEmail, Template: "email_change_code", Locale: u.Locale,
			Data: map[string]any{"Code": code, "Minutes": int(CodeLifetime.Minutes())}})
		return err
	})
	return newEmail, err
}

// ConfirmEmailChange applies the new address if the code matches, and
// tells the old address.
func (s *Service) ConfirmEmailChange(ctx context.Context, u *models.User, newEmail, code string, c Client) error {
	row, err := s.Codes.Verify(ctx, newEmail, models.CodeEmailChange, code)
	if errors.Is(err, auth.ErrCodeInvalid) || (err == nil && (row.UserID == nil || *row.UserID != u.ID)) {
		return ErrInvalidCode
	}
	if err != nil {
		return err
	}
	old := u.Email
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.User{}).Where("email = ?", newEmail).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrEmailUnavailable
		}
		if err := tx.Model(&models.User{}).Where("id = ?", u.ID).Update("email", newEmail).Error; err != nil {
			return err
		}
		if err := s.record(tx, u, nil, auth.EventEmailChanged, "", "account.email_changed", c); err != nil {
			return err
		}
		return s.notify(tx, u, old, "email_changed", map[string]any{"NewEmailMasked": maskEmail(newEmail)})
	})
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "unique") {
			return ErrEmailUnavailable
		}
		return err
	}
	u.Email = newEmail
	return nil
}
