// Package account creates and looks up the people who can sign in.
package account

import (
	"context"
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Errors a caller can show next to a field.
var (
	ErrInvalidEmail = errors.New("account: not a valid email address")
	ErrEmailTaken   = errors.New("account: an account with this email exists")
	ErrNameRequired = errors.New("account: a name is required")
)

// NormalizeEmail lowercases and trims an address, or reports it invalid.
func NormalizeEmail(email string) (string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 320 {
		return "", ErrInvalidEmail
	}
	return email, nil
}

func trimName(name string) string {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 200 {
		return string([]rune(name)[:200])
	}
	return name
}

// CreateAdmin makes an admin account from the terminal (`portal admin
// create`), audited in the same transaction.
func CreateAdmin(ctx context.Context, db *gorm.DB, dialect models.Dialect, hasher *password.Hasher, email, name, pw string) (*models.User, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	if name = trimName(name); name == "" {
		return nil, ErrNameRequired
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
		var n int64
		if err := tx.Model(&models.User{}).Where("email = ?", email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrEmailTaken
		}
		if err := tx.Create(u).Error; err != nil {
			return err
		}
		return audit.Append(tx, dialect, audit.Entry{ActorRole: "system", Action: "admin.created",
			TargetType: "user", TargetID: strconv.FormatInt(u.ID, 10)})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
