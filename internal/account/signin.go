package account

import (
	"context"
	"errors"
	"strings"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// codeMailsPerWindow caps code mails to one address, so the form cannot be
// used to flood someone's inbox.
const codeMailsPerWindow = 5

// JobSendSignInCode is the job kind that mails a sign-in code.
const JobSendSignInCode = "account.send_signin_code"

// SignInWithPassword checks an email and password. It returns the user on
// success; the caller then asks for the second factor if HasTOTP. Unknown
// addresses cost the same hashing and are throttled the same way, so
// neither the answer nor its timing reveals who has an account.
func (s *Service) SignInWithPassword(ctx context.Context, a actor.Actor, email, pw string) (*models.User, error) {
	if err := s.checkThrottle(ctx, email); err != nil {
		return nil, err
	}
	u, err := s.userByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	ok := false
	if u == nil || u.PasswordHash == "" {
		if err := s.Hasher.VerifyDummy(ctx, pw); err != nil {
			return nil, err
		}
	} else if ok, err = s.Hasher.Verify(ctx, pw, u.PasswordHash); err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.failed(ctx, a, email, u, auth.MethodPassword, ErrInvalidCredentials)
	}
	if err := s.Throttle.Succeed(ctx, email); err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) checkThrottle(ctx context.Context, email string) error {
	wait, err := s.Throttle.Wait(ctx, email)
	if err != nil {
		return err
	}
	if wait > 0 {
		return &WaitError{Wait: wait}
	}
	return nil
}

// failed counts a failure against the address and, for a real account,
// writes the history line (and a lockout line when this failure locked it).
func (s *Service) failed(ctx context.Context, a actor.Actor, email string, u *models.User, method string, result error) error {
	locked, err := s.Throttle.Fail(ctx, email)
	if err != nil {
		return err
	}
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		if u == nil {
			return audit.Append(tx, s.Dialect, audit.By(a, "auth.signin_failed", "", ""))
		}
		if err := s.record(tx, a, u, auth.EventSignInFailed, method, "auth.signin_failed"); err != nil {
			return err
		}
		if locked {
			return s.record(tx, a, u, auth.EventLockout, method, "auth.lockout")
		}
		return nil
	})
	if err != nil {
		return err
	}
	return result
}

// CompleteSignIn records a finished sign-in (all factors passed) and tells
// the user by mail when it came from a browser and system not seen before.
func (s *Service) CompleteSignIn(ctx context.Context, a actor.Actor, u *models.User, method string) error {
	isNew, err := auth.IsNewDevice(ctx, s.DB, u.ID, a.UserAgent)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		if err := s.record(tx, a, u, auth.EventSignIn, method, "auth.signin"); err != nil {
			return err
		}
		if !isNew {
			return nil
		}
		browser, os := auth.Device(a.UserAgent)
		return s.notify(tx, u, u.Email, "signin_new_device", map[string]any{"Device": browser + " · " + os, "IP": a.IP})
	})
}

// RecordSignOut writes the sign-out to history and audit.
func (s *Service) RecordSignOut(ctx context.Context, a actor.Actor, u *models.User) error {
	if err := a.Self(u.ID); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		return s.record(tx, a, u, auth.EventSignOut, "", "auth.signout")
	})
}

type sendCodePayload struct {
	Email  string `json:"email"`
	Locale string `json:"locale"`
}

// RequestSignInCode queues the mailing of a sign-in code. The request does
// the same work (one job row) whether or not the address has an account;
// the job decides, off the request path, whether to send anything.
func (s *Service) RequestSignInCode(ctx context.Context, a actor.Actor, email string) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		_, err := jobs.Enqueue(tx, JobSendSignInCode, sendCodePayload{Email: email, Locale: a.Locale}, jobs.MaxAttempts(3))
		return err
	})
}

func (s *Service) sendSignInCode(ctx context.Context, email string) error {
	u, err := s.userByEmail(ctx, email)
	if err != nil || u == nil {
		return err
	}
	var recent int64
	if err := s.DB.WithContext(ctx).Model(&models.EmailCode{}).
		Where("email = ? AND purpose = ? AND created_at > ?", email, models.CodeSignIn, s.Now().Add(-s.codeLifetime())).
		Count(&recent).Error; err != nil {
		return err
	}
	if recent >= codeMailsPerWindow {
		return nil
	}
	return s.inTx(ctx, func(tx *gorm.DB) error {
		id := u.ID
		code, err := s.Codes.Issue(tx, email, models.CodeSignIn, &id)
		if err != nil {
			return err
		}
		_, err = s.Mailer.Queue(tx, mail.Message{To: email, Template: "email_code", Locale: u.Locale,
			Data: map[string]any{"Code": code, "Minutes": int(s.codeLifetime().Minutes())}})
		return err
	})
}

// SignInWithCode checks an emailed sign-in code; like a password, it is the
// first factor, and a user with TOTP must still pass the second.
func (s *Service) SignInWithCode(ctx context.Context, a actor.Actor, email, code string) (*models.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if err := s.checkThrottle(ctx, email); err != nil {
		return nil, err
	}
	row, err := s.Codes.Verify(ctx, email, models.CodeSignIn, code)
	if errors.Is(err, auth.ErrCodeInvalid) || (err == nil && row.UserID == nil) {
		u, _ := s.userByEmail(ctx, email)
		return nil, s.failed(ctx, a, email, u, auth.MethodEmailCode, ErrInvalidCode)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Throttle.Succeed(ctx, email); err != nil {
		return nil, err
	}
	return s.userByID(ctx, *row.UserID)
}

// VerifySecondFactor accepts a TOTP code (once: replays are refused) or an
// unused recovery code, and returns which one it was.
func (s *Service) VerifySecondFactor(ctx context.Context, a actor.Actor, u *models.User, code string) (string, error) {
	if !u.HasTOTP() {
		return "", ErrTOTPNotEnabled
	}
	if err := s.checkThrottle(ctx, u.Email); err != nil {
		return "", err
	}
	code = strings.TrimSpace(code)
	ok, method, err := s.checkTOTPOrRecovery(ctx, a, u, code)
	if errors.Is(err, ErrCodeReused) {
		return "", s.failed(ctx, a, u.Email, u, method, ErrCodeReused)
	}
	if err != nil {
		return "", err
	}
	if !ok {
		return "", s.failed(ctx, a, u.Email, u, method, ErrInvalidCode)
	}
	if err := s.Throttle.Succeed(ctx, u.Email); err != nil {
		return "", err
	}
	return method, nil
}

func (s *Service) checkTOTPOrRecovery(ctx context.Context, a actor.Actor, u *models.User, code string) (bool, string, error) {
	if isDigits(strings.ReplaceAll(code, " ", "")) {
		ok, err := s.acceptTOTP(ctx, u, code)
		return ok, auth.MethodTOTP, err
	}
	used := false
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var err error
		if used, err = auth.UseRecoveryCode(tx, s.Secrets, u.ID, code, s.Now()); err != nil || !used {
			return err
		}
		return s.record(tx, a, u, auth.EventRecoveryCodeUsed, auth.MethodRecoveryCode, "auth.recovery_code_used")
	})
	return used, auth.MethodRecoveryCode, err
}

// acceptTOTP checks a code and stores its time step with a conditional
// update, so the same code cannot pass twice, even on two instances at once.
func (s *Service) acceptTOTP(ctx context.Context, u *models.User, code string) (bool, error) {
	secret, err := s.Secrets.Open(TOTPPurpose, u.TOTPSecret)
	if err != nil {
		return false, err
	}
	step, ok := auth.CheckTOTP(secret, code, u.TOTPLastStep, s.Now())
	if !ok {
		// A right code refused only for its step is a replay, or the person
		// typing the same code twice within its 30 seconds: telling them to
		// wait for the next one helps more than blaming their clock.
		if _, seen := auth.CheckTOTP(secret, code, -1, s.Now()); seen {
			return false, ErrCodeReused
		}
		return false, nil
	}
	res := s.DB.WithContext(ctx).Model(&models.User{}).
		Where("id = ? AND totp_last_step < ?", u.ID, step).Update("totp_last_step", step)
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected != 1 {
		return false, ErrCodeReused
	}
	u.TOTPLastStep = step
	return true, nil
}

// Reauthenticate confirms a signed-in user is at the keyboard, with their
// password or a TOTP code.
func (s *Service) Reauthenticate(ctx context.Context, a actor.Actor, u *models.User, pw, code string) error {
	if err := a.Self(u.ID); err != nil {
		return err
	}
	if err := s.checkThrottle(ctx, u.Email); err != nil {
		return err
	}
	ok := false
	var err error
	method := auth.MethodPassword
	switch {
	case pw != "" && u.PasswordHash != "":
		ok, err = s.Hasher.Verify(ctx, pw, u.PasswordHash)
	case strings.TrimSpace(code) != "" && u.HasTOTP():
		method = auth.MethodTOTP
		ok, err = s.acceptTOTP(ctx, u, code)
	}
	if errors.Is(err, ErrCodeReused) {
		return s.failed(ctx, a, u.Email, u, method, ErrCodeReused)
	}
	if err != nil {
		return err
	}
	if !ok {
		return s.failed(ctx, a, u.Email, u, method, ErrInvalidCredentials)
	}
	return s.Throttle.Succeed(ctx, u.Email)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
