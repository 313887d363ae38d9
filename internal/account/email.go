package account

import (
	"context"
	"errors"
	"strings"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// JobEmailChange is the job kind that mails an email-change code (or, for
// a taken address, a warning to its owner).
const JobEmailChange = "account.email_change"

type emailChangePayload struct {
	UserID   int64  `json:"user_id"`
	NewEmail string `json:"new_email"`
}

// RequestEmailChange queues the mailing of a confirmation code to the new
// address; the change takes effect only when that code comes back. The
// request does the same work (one job row) whether or not the address
// already has an account, so neither the answer nor its timing tells who
// is a customer; the job decides, off the request path.
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
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		_, err := jobs.Enqueue(tx, JobEmailChange, emailChangePayload{UserID: u.ID, NewEmail: newEmail}, jobs.MaxAttempts(3))
		return err
	})
	return newEmail, err
}

// sendEmailChange is the job: a free address gets the code, a taken one
// gets a warning to its owner and no code. Either way an address gets at
// most codeMailsPerWindow such mails per code lifetime, so the form cannot
// flood an inbox or buy fresh guesses without end.
func (s *Service) sendEmailChange(ctx context.Context, p emailChangePayload) error {
	u, err := s.userByID(ctx, p.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil // the account is gone; nothing to confirm
	}
	if err != nil {
		return err
	}
	since := s.Now().Add(-s.codeLifetime())
	var codes, warnings int64
	db := s.DB.WithContext(ctx)
	if err := db.Model(&models.EmailCode{}).Where("email = ? AND purpose = ? AND created_at > ?",
		p.NewEmail, models.CodeEmailChange, since).Count(&codes).Error; err != nil {
		return err
	}
	if err := db.Model(&models.OutboxMessage{}).Where("to_address = ? AND template = ? AND created_at > ?",
		p.NewEmail, "email_change_taken", since).Count(&warnings).Error; err != nil {
		return err
	}
	if codes+warnings >= codeMailsPerWindow {
		return nil
	}
	taken, err := s.userByEmail(ctx, p.NewEmail)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if taken != nil {
			_, err := s.Mailer.Queue(tx, mail.Message{To: p.NewEmail, Template: "email_change_taken", Locale: taken.Locale,
				Data: map[string]any{"Name": taken.Name}})
			return err
		}
		id := u.ID
		code, err := s.Codes.Issue(tx, p.NewEmail, models.CodeEmailChange, &id)
		if err != nil {
			return err
		}
		_, err = s.Mailer.Queue(tx, mail.Message{To: p.NewEmail, Template: "email_change_code", Locale: u.Locale,
			Data: map[string]any{"Code": code, "Minutes": int(s.codeLifetime().Minutes())}})
		return err
	})
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
