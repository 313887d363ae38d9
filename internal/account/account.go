// Package account creates and looks up the people who can sign in.
package account

import (
	"context"
	"errors"
	netmail "net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/models"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// Errors a caller can show next to a field.
var (
	ErrInvalidEmail = errors.New("account: not a valid email address")
	ErrEmailTaken   = errors.New("account: an account with this email exists")
	ErrNameRequired = errors.New("account: a name is required")
	ErrNameTooLong  = errors.New("account: the name is too long")
	ErrNameInvalid  = errors.New("account: the name has characters that cannot be shown")
)

// NormalizeEmail lowercases and trims an address, or reports it invalid.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := netmail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 320 {
		return "", ErrInvalidEmail
	}
	return email, nil
}

// maxNameLength matches the users.name column.
const maxNameLength = 200

// MaxNameLength is the longest name a new account may have, in characters,
// for the form's error message.
const MaxNameLength = maxNameLength

// checkNewUser normalises the email and name of an account about to be
// created, or says which one is wrong.
func checkNewUser(email, name string) (string, string, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return "", "", err
	}
	name = norm.NFC.String(strings.TrimSpace(name))
	switch {
	case name == "":
		return "", "", ErrNameRequired
	case utf8.RuneCountInString(name) > maxNameLength:
		return "", "", ErrNameTooLong
	case !profile.Printable(name):
		return "", "", ErrNameInvalid
	}
	return email, name, nil
}

// insertUser creates u, refusing a taken address, and writes its audit
// row in the same transaction.
func insertUser(tx *gorm.DB, dialect models.Dialect, u *models.User, e audit.Entry) error {
	var n int64
	if err := tx.Model(&models.User{}).Where("email = ?", u.Email).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return ErrEmailTaken
	}
	if err := tx.Create(u).Error; err != nil {
		return err
	}
	e.TargetType, e.TargetID = "user", strconv.FormatInt(u.ID, 10)
	return audit.Append(tx, dialect, e)
}

// CreateAdmin makes an admin account from the terminal (`portal admin
// create`), audited in the same transaction.
func CreateAdmin(ctx context.Context, db *gorm.DB, dialect models.Dialect, hasher *password.Hasher, email, name, pw string) (*models.User, error) {
	email, name, err := checkNewUser(email, name)
	if err != nil {
		return nil, err
	}
	local, _, _ := strings.Cut(email, "@")
	if err := password.CheckNew(pw, email, local, name); err != nil {
		return nil, err
	}
	hash, err := hasher.Hash(ctx, pw)
	if err != nil {
		return nil, err
	}
	u := &models.User{Email: email, Name: name, Role: models.RoleAdmin, PasswordHash: hash}
	err = db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return insertUser(tx, dialect, u, audit.By(actor.SystemActor(), "admin.created", "", ""))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// CreateStaff adds a staff member or admin. They get no password: the
// welcome mail sends them to sign in with an emailed code, and the portal
// makes them set up two-factor authentication before anything else.
func (s *Service) CreateStaff(ctx context.Context, a actor.Actor, email, name string, role models.Role, locale string) (*models.User, error) {
	if err := a.RequireAdmin(); err != nil {
		return nil, err
	}
	email, name, err := checkNewUser(email, name)
	if err != nil {
		return nil, err
	}
	if !role.IsStaff() {
		return nil, ErrInvalidRole
	}
	u := &models.User{Email: email, Name: name, Role: role, Locale: locale}
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		if err := insertUser(tx, s.Dialect, u, audit.By(a, "admin.staff_created", "", "")); err != nil {
			return err
		}
		_, err := s.Mailer.Queue(tx, mail.Message{To: email, Template: "staff_welcome", Locale: locale,
			Data: map[string]any{"Name": name, "SignInURL": s.BaseURL + "/signin/code"}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
