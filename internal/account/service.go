package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Errors shown to the person acting; handlers map them to messages.
var (
	ErrInvalidCredentials = errors.New("account: email or password is incorrect")
	ErrInvalidCode        = errors.New("account: code is not valid")
	ErrCodeReused         = errors.New("account: code already used; wait for the next one")
	ErrCurrentPassword    = errors.New("account: current password is incorrect")
	ErrSameEmail          = errors.New("account: that is already the address")
	ErrTOTPMandatory      = errors.New("account: staff accounts must keep two-factor authentication")
	ErrTOTPNotEnabled     = errors.New("account: two-factor authentication is off")
	ErrNoPendingTOTP      = errors.New("account: no two-factor set-up in progress")
	ErrNotFound           = fault.New(fault.NotFound, "account: not found")
	ErrInvalidRole        = errors.New("account: role must be staff or admin")
	ErrResetSelf          = fault.New(fault.Conflict, "account: an admin does not reset their own second factor")
)

// WaitError says the address is throttled: try again after Wait.
type WaitError struct{ Wait time.Duration }

func (e *WaitError) Error() string { return "account: too many attempts, wait " + e.Wait.String() }

// FaultKind and FaultWait give the web layer its status and Retry-After.
func (e *WaitError) FaultKind() fault.Kind    { return fault.Throttled }
func (e *WaitError) FaultWait() time.Duration { return e.Wait }

// Service runs the sign-in and account-security flows. It holds no HTTP.
type Service struct {
	DB       *gorm.DB
	Dialect  models.Dialect
	Hasher   *password.Hasher
	Mailer   *mail.Mailer
	Codes    *auth.Codes
	Throttle *auth.Throttle
	// Settings holds the business rules admins may change (limits, windows);
	// nil runs on their defaults.
	Settings *settings.Service
	Issuer   string // shown in authenticator apps
	BaseURL  string
	Now      func() time.Time

	// Secrets seals TOTP secrets and keys the stored hashes.
	Secrets *vault.KeyRing
}

// NewService wires a Service with its primitives sharing one clock.
func NewService(db *gorm.DB, dialect models.Dialect, hasher *password.Hasher, mailer *mail.Mailer, secrets *vault.KeyRing, issuer, baseURL string, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	utc := func() time.Time { return now().UTC() }
	return &Service{
		DB: db, Dialect: dialect, Hasher: hasher, Mailer: mailer, Secrets: secrets, Issuer: issuer, BaseURL: baseURL, Now: utc,
		Codes:    &auth.Codes{DB: db, Keys: secrets, Now: utc},
		Throttle: &auth.Throttle{DB: db, Dialect: dialect, Keys: secrets, Now: utc},
	}
}

// UseSettings makes the service, its throttle and its codes follow the
// admins' settings instead of the defaults.
func (s *Service) UseSettings(st *settings.Service) {
	s.Settings = st
	s.Throttle.Limits = st.ThrottleLimits
	s.Codes.Limits = st.CodeLimits
}

// ReauthWindow is how recent a password or TOTP confirmation must be for a
// sensitive change (email, password, 2FA, export, erasure).
func (s *Service) ReauthWindow() time.Duration { return settings.ReauthWindow.Get(s.Settings) }

// codeLifetime is how long an emailed code works.
func (s *Service) codeLifetime() time.Duration { return settings.EmailCodeTTL.Get(s.Settings) }

// recoveryCodeCount is how many recovery codes a user gets at a time.
func (s *Service) recoveryCodeCount() int { return settings.RecoveryCodeCount.Get(s.Settings) }

// inTx runs fn in one transaction: a security change, its history line,
// its audit row and its notification mail commit together or not at all.
func (s *Service) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.DB.WithContext(ctx).Transaction(fn)
}

// record writes u's login-history line and the audit row for an event. A
// visitor still signing in is recorded as u: the event is theirs.
func (s *Service) record(tx *gorm.DB, a actor.Actor, u *models.User, event, method, action string) error {
	if err := auth.RecordEvent(tx, u.ID, event, method, a.IP, a.UserAgent, s.Now()); err != nil {
		return err
	}
	if action == "" {
		return nil
	}
	if a.Kind == actor.Requester {
		a = a.As(u)
	}
	return audit.Append(tx, s.Dialect, audit.By(a, action, "user", strconv.FormatInt(u.ID, 10)))
}

// notify queues a localized security mail to the user.
func (s *Service) notify(tx *gorm.DB, u *models.User, to, template string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	if _, ok := data["Name"]; !ok {
		data["Name"] = u.Name
	}
	if _, ok := data["Time"]; !ok {
		// In the recipient's zone when they chose one; else the mail shows
		// the shop's.
		data["Time"] = s.Now()
		if u.TimeZone != "" {
			data["Time"] = s.Now().In(i18n.LoadZone(u.TimeZone))
		}
	}
	_, err := s.Mailer.Queue(tx, mail.Message{To: to, Template: template, Locale: u.Locale, Data: data})
	return err
}

func (s *Service) userByID(ctx context.Context, id int64) (*models.User, error) {
	var u models.User
	if err := s.DB.WithContext(ctx).Take(&u, id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("account: %w", err)
	}
	return &u, nil
}

func (s *Service) userByEmail(ctx context.Context, email string) (*models.User, error) {
	var u models.User
	err := s.DB.WithContext(ctx).Where("email = ?", strings.ToLower(strings.TrimSpace(email))).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("account: %w", err)
	}
	return &u, nil
}

// revokeOtherSessions ends every session of the user but keep (0 = all).
func revokeOtherSessions(tx *gorm.DB, userID, keep int64) (int64, error) {
	q := tx.Where("user_id = ?", userID)
	if keep != 0 {
		q = q.Where("id <> ?", keep)
	}
	res := q.Delete(&models.Session{})
	return res.RowsAffected, res.Error
}

// maskEmail shows enough of an address for its owner to recognise it.
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		return "•••"
	}
	keep := min(2, len(local))
	return local[:keep] + "•••@" + domain
}
