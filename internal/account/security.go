package account

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image/png"
	"net/url"
	"strings"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
	"github.com/pquerna/otp"
	"gorm.io/gorm"
)

// ChangePassword sets a new password. needsCurrent is false only when the
// user has no password yet or has just proved their address with an
// emailed code (the reset path); a second factor was already required to
// get here. Every other session of the user ends.
func (s *Service) ChangePassword(ctx context.Context, a actor.Actor, u *models.User, current, newPw string, needsCurrent bool, keepSession int64) error {
	if err := a.Self(u.ID); err != nil {
		return err
	}
	if err := CheckNewPassword(u, newPw); err != nil {
		return err
	}
	if needsCurrent && u.PasswordHash != "" {
		ok, err := s.Hasher.Verify(ctx, current, u.PasswordHash)
		if err != nil {
			return err
		}
		if !ok {
			return s.failed(ctx, a, u.Email, u, auth.MethodPassword, ErrCurrentPassword)
		}
	}
	hash, err := s.Hasher.Hash(ctx, newPw)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&models.User{}).Where("id = ?", u.ID).
			Updates(map[string]any{"password_hash": hash, "password_changed_at": now}).Error; err != nil {
			return err
		}
		if _, err := revokeOtherSessions(tx, u.ID, keepSession); err != nil {
			return err
		}
		if err := s.record(tx, a, u, auth.EventPasswordChanged, "", "account.password_changed"); err != nil {
			return err
		}
		u.PasswordHash, u.PasswordChangedAt = hash, &now
		return s.notify(tx, u, u.Email, "password_changed", nil)
	})
}

// CheckNewPassword applies the password rules to a new password for u (not
// too short or long, not common, not their own name or address), so a form
// can say what is wrong with it alongside its other fields.
func CheckNewPassword(u *models.User, pw string) error {
	local, _, _ := strings.Cut(u.Email, "@")
	return password.CheckNew(pw, u.Email, local, u.Name)
}

// TOTPSetup is what the enrolment page shows.
type TOTPSetup struct {
	Secret    string // grouped for typing
	QRDataURI string
}

// BeginTOTP makes a new pending secret, kept server-side until a code
// proves the app has it.
func (s *Service) BeginTOTP(ctx context.Context, a actor.Actor, u *models.User) (TOTPSetup, error) {
	if err := a.Self(u.ID); err != nil {
		return TOTPSetup{}, err
	}
	secret, _, _, err := auth.NewTOTPKey(s.Issuer, u.Email)
	if err != nil {
		return TOTPSetup{}, err
	}
	sealed, err := s.Secrets.Seal(TOTPPurpose, secret)
	if err != nil {
		return TOTPSetup{}, err
	}
	if err := s.DB.WithContext(ctx).Model(&models.User{}).Where("id = ?", u.ID).
		Update("totp_pending_secret", sealed).Error; err != nil {
		return TOTPSetup{}, err
	}
	u.TOTPPendingSecret = sealed
	return s.PendingTOTP(u)
}

// PendingTOTP shows the enrolment in progress again (e.g. after a wrong code).
func (s *Service) PendingTOTP(u *models.User) (TOTPSetup, error) {
	if u.TOTPPendingSecret == "" {
		return TOTPSetup{}, ErrNoPendingTOTP
	}
	secret, err := s.Secrets.Open(TOTPPurpose, u.TOTPPendingSecret)
	if err != nil {
		return TOTPSetup{}, err
	}
	qr, err := qrDataURI(s.Issuer, u.Email, secret)
	if err != nil {
		return TOTPSetup{}, err
	}
	return TOTPSetup{Secret: auth.FormatSecret(secret), QRDataURI: qr}, nil
}

func qrDataURI(issuer, account, secret string) (string, error) {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}
	key, err := otp.NewKeyFromURL(u.String())
	if err != nil {
		return "", err
	}
	img, err := key.Image(200, 200)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// ConfirmTOTP turns two-factor on when the code matches the pending
// secret, and returns the recovery codes, shown once.
func (s *Service) ConfirmTOTP(ctx context.Context, a actor.Actor, u *models.User, code string, keepSession int64) ([]string, error) {
	if err := a.Self(u.ID); err != nil {
		return nil, err
	}
	if u.TOTPPendingSecret == "" {
		return nil, ErrNoPendingTOTP
	}
	pending, err := s.Secrets.Open(TOTPPurpose, u.TOTPPendingSecret)
	if err != nil {
		return nil, err
	}
	step, ok := auth.CheckTOTP(pending, code, 0, s.Now())
	if !ok {
		return nil, ErrInvalidCode
	}
	// Sealed afresh: a pending secret left in clear by an older version
	// is never enrolled in clear.
	sealed, err := s.Secrets.Seal(TOTPPurpose, pending)
	if err != nil {
		return nil, err
	}
	plain, hashes, err := auth.NewRecoveryCodes(s.Secrets, s.recoveryCodeCount())
	if err != nil {
		return nil, err
	}
	now := s.Now()
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&models.User{}).Where("id = ? AND totp_pending_secret = ?", u.ID, u.TOTPPendingSecret).
			Updates(map[string]any{"totp_secret": sealed, "totp_pending_secret": "",
				"totp_enabled_at": now, "totp_last_step": step})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrNoPendingTOTP
		}
		if err := auth.ReplaceRecoveryCodes(tx, u.ID, hashes); err != nil {
			return err
		}
		if _, err := revokeOtherSessions(tx, u.ID, keepSession); err != nil {
			return err
		}
		if err := s.record(tx, a, u, auth.EventTOTPEnabled, "", "account.totp_enabled"); err != nil {
			return err
		}
		return s.notify(tx, u, u.Email, "totp_enabled", nil)
	})
	if err != nil {
		return nil, err
	}
	u.TOTPSecret, u.TOTPPendingSecret, u.TOTPEnabledAt, u.TOTPLastStep = sealed, "", &now, step
	return plain, nil
}

// DisableTOTP turns two-factor off (customers only: staff must keep it).
func (s *Service) DisableTOTP(ctx context.Context, a actor.Actor, u *models.User, keepSession int64) error {
	if err := a.Self(u.ID); err != nil {
		return err
	}
	if u.Role.MustUseTOTP() {
		return ErrTOTPMandatory
	}
	if !u.HasTOTP() {
		return ErrTOTPNotEnabled
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := clearTOTP(tx, u.ID); err != nil {
			return err
		}
		if _, err := revokeOtherSessions(tx, u.ID, keepSession); err != nil {
			return err
		}
		if err := s.record(tx, a, u, auth.EventTOTPDisabled, "", "account.totp_disabled"); err != nil {
			return err
		}
		u.TOTPSecret = ""
		return s.notify(tx, u, u.Email, "totp_disabled", nil)
	})
}

func clearTOTP(tx *gorm.DB, userID int64) error {
	if err := tx.Model(&models.User{}).Where("id = ?", userID).Updates(map[string]any{
		"totp_secret": "", "totp_pending_secret": "", "totp_enabled_at": nil, "totp_last_step": 0}).Error; err != nil {
		return err
	}
	return tx.Where("user_id = ?", userID).Delete(&models.RecoveryCode{}).Error
}

// RegenerateRecoveryCodes replaces every recovery code with a new set.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, a actor.Actor, u *models.User) ([]string, error) {
	if err := a.Self(u.ID); err != nil {
		return nil, err
	}
	if !u.HasTOTP() {
		return nil, ErrTOTPNotEnabled
	}
	plain, hashes, err := auth.NewRecoveryCodes(s.Secrets, s.recoveryCodeCount())
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		if err := auth.ReplaceRecoveryCodes(tx, u.ID, hashes); err != nil {
			return err
		}
		return s.record(tx, a, u, auth.EventRecoveryCodesRegenerated, "", "account.recovery_codes_regenerated")
	})
	if err != nil {
		return nil, err
	}
	return plain, nil
}

// IsPolicyError reports whether err is a password-rule refusal.
func IsPolicyError(err error) bool {
	return errors.Is(err, password.ErrTooShort) || errors.Is(err, password.ErrTooLong) ||
		errors.Is(err, password.ErrCommon) || errors.Is(err, password.ErrContext)
}
