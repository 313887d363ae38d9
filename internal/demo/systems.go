package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// demoSystems are the demo shop's other systems holding customer data:
// its web shop, told by a webhook (disabled, and aimed at a .invalid host
// that cannot exist, so the demo never calls anything; it has no signing
// secret or token until an admin makes them with "New secret and token"),
// and the lab's print system, where staff erase a customer by hand.
var demoSystems = []models.ConnectedSystem{
	{Name: "Web shop", Kind: models.SystemWebhook, URL: "https://shop.photolab.invalid/privacy/webhooks", Enabled: false},
	{Name: "Print system", Kind: models.SystemManual, Enabled: true,
		Instructions: "In the print system, open Customers, search the customer's e-mail address, and choose Delete customer and print history. Queued prints of theirs are cancelled too."},
}

// SeedSystems adds the demo's connected systems, once: a system of the
// same name is left as it is.
func SeedSystems(ctx context.Context, db *gorm.DB, now time.Time) error {
	for _, sys := range demoSystems {
		err := db.WithContext(ctx).Where("name = ?", sys.Name).Take(&models.ConnectedSystem{}).Error
		if err == nil {
			continue
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("demo: systems: %w", err)
		}
		sys.CreatedAt, sys.UpdatedAt = now, now
		enabled := sys.Enabled
		if err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&sys).Error; err != nil {
				return err
			}
			// A false Enabled is left out of the INSERT for its default
			// (and the default read back into sys).
			return tx.Model(&sys).Update("enabled", enabled).Error
		}); err != nil {
			return fmt.Errorf("demo: systems: %w", err)
		}
	}
	return nil
}
