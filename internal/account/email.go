package account

import (
	"context"
	"errors"
	"strings"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// RequestEmailChange mails a confirmation code to the new address; the
// change takes effect only when that code comes back. The answer is the
// same whether or not the address already has an account, so the form
// cannot be used to find out who is a customer: when it is taken, no code
// is issued and the owner of that address is the one told, by mail.
func (s *Service) RequestEmailChange(ctx context.Context, a actor.Actor, u *models.User, newEmail string) (string, error) {
	if err := a.Self(u.ID); err != nil {
		return "", err
	}
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
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		if taken != nil {
			_, err := s.Mailer.Queue(tx, mail.Message{To: newEmail, Template: "email_change_taken", Locale: taken.Locale,
				Data: map[string]any{"Name": taken.Name}})
			return err
		}
		id := u.ID
		code, err := s.Codes.Issue(tx, newEmail, models.CodeEmailChange, &id)
		if err != nil {
			return err
		}
		_, err = s.Mailer.Queue(tx, mail.Message{To: newEmail, Template: "email_change_code", Locale: u.Locale,
			Data: map[string]any{"Code": code, "Minutes": int(s.codeLifetime().Minutes())}})
		return err
	})
	return newEmail, err
}

// ConfirmEmailChange applies the new address if the code matches, and
// tells the old address. A taken address never had a code issued, so it
// fails here like a wrong code.
func (s *Service) ConfirmEmailChange(ctx context.Context, a actor.Actor, u *models.User, newEmail, code string) error {
	if err := a.Self(u.ID); err != nil {
		return err
	}
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
			return ErrInvalidCode
		}
		if err := tx.Model(&models.User{}).Where("id = ?", u.ID).Update("email", newEmail).Error; err != nil {
			return err
		}
		if err := s.record(tx, a, u, auth.EventEmailChanged, "", "account.email_changed"); err != nil {
			return err
		}
		return s.notify(tx, u, old, "email_changed", map[string]any{"NewEmailMasked": maskEmail(newEmail)})
	})
	if err != nil {
		// The address was taken between the code and now (unique index).
		if strings.Contains(strings.ToLower(err.Error()), "unique") {
			return ErrInvalidCode
		}
		return err
	}
	u.Email = newEmail
	return nil
}
