// Package demo loads a fictional photo lab, "Lumen & Grain Photo Lab", so a
// fresh install has someone to sign in as. Every name, address and number
// is invented; the email domain is reserved (example.com, RFC 2606).
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Login is one printed demo login.
type Login struct {
	Role, Email, Password string
}

type person struct {
	role     models.Role
	name     string
	email    string
	locale   string
	password string
}

// The passwords are published in the README: the demo is for trying the
// portal, never for a real deployment.
var people = []person{
	{models.RoleCustomer, "Camille Laurent", "camille.laurent@example.com", "fr", "velvet-harbor-lantern"},
	{models.RoleCustomer, "Oliver Hughes", "oliver.hughes@example.com", "en", "copper-meadow-signal"},
	{models.RoleCustomer, "Li Na Chen", "lina.chen@example.com", "zh-CN", "quiet-orchard-compass"},
	{models.RoleStaff, "Sam Rivera", "sam.rivera@example.com", "en", "staff-darkroom-tulip"},
	{models.RoleAdmin, "Alex Moreau", "alex.moreau@example.com", "en", "admin-shutter-maple"},
}

// Seed creates the demo users that do not exist yet and returns every demo
// login. Running it again changes nothing.
//
// It refuses a database that already has accounts of its own: marking a
// real installation as a demo would show its customers' one-time codes to
// admins. It also marks the installation as a demo, the one kind whose admin
// outbox shows one-time codes while no SMTP server is set: the demo's
// visitors have no mailbox to read them in.
func Seed(ctx context.Context, db *gorm.DB, hasher *password.Hasher) ([]Login, error) {
	if err := refuseRealInstallation(ctx, db); err != nil {
		return nil, err
	}
	if err := models.MarkDemo(ctx, db); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	logins := make([]Login, 0, len(people))
	for _, p := range people {
		var existing models.User
		err := db.WithContext(ctx).Where("email = ?", p.email).Take(&existing).Error
		switch {
		case err == nil:
		case errors.Is(err, gorm.ErrRecordNotFound):
			hash, err := hasher.Hash(ctx, p.password)
			if err != nil {
				return nil, fmt.Errorf("demo: %w", err)
			}
			u := models.User{Email: p.email, PasswordHash: hash, Role: p.role, Name: p.name, Locale: p.locale}
			if err := db.WithContext(ctx).Create(&u).Error; err != nil {
				return nil, fmt.Errorf("demo: create user: %w", err)
			}
		default:
			return nil, fmt.Errorf("demo: %w", err)
		}
		logins = append(logins, Login{Role: string(p.role), Email: p.email, Password: p.password})
	}
	return logins, nil
}

// ErrRealInstallation is returned by Seed for a database that has accounts
// other than the demo's and is not marked a demo.
var ErrRealInstallation = errors.New("demo: this database has accounts of its own; the demo shop is loaded only into an empty database or an existing demo")

func refuseRealInstallation(ctx context.Context, db *gorm.DB) error {
	demo, err := models.IsDemo(ctx, db)
	if err != nil || demo {
		return err
	}
	emails := make([]string, len(people))
	for i, p := range people {
		emails[i] = p.email
	}
	var others int64
	if err := db.WithContext(ctx).Model(&models.User{}).Where("email NOT IN ?", emails).Count(&others).Error; err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if others > 0 {
		return ErrRealInstallation
	}
	return nil
}
