package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// exportCustomer is the demo customer whose "Download my data" has a
// package ready: built for real at seed time, so the first visit shows
// the download and its expiry.
const exportCustomer = "oliver.hughes@example.com"

// SeedExports gives the demo its download packages, through the export
// service as a customer and the desk would: Oliver's own package, built
// now; and the package answering Li Na's approved access request,
// queued, which a running portal's job workers build within seconds (the
// request then completes). A database that has packages already is left
// alone.
func SeedExports(ctx context.Context, db *gorm.DB, svc *export.Service) error {
	db = db.WithContext(ctx)
	var n int64
	if err := db.Model(&models.Export{}).Count(&n).Error; err != nil {
		return fmt.Errorf("demo: exports: %w", err)
	}
	if n > 0 {
		return nil
	}
	var u models.User
	err := db.Where("email = ?", exportCustomer).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: exports: %w", err)
	}
	e, err := svc.Request(ctx, actor.Actor{Kind: actor.Customer, UserID: u.ID}, u.ID, nil, u.Locale)
	if err != nil {
		return fmt.Errorf("demo: exports: ask: %w", err)
	}
	// Its job stays queued: run later, it finds the package ready and
	// does nothing.
	if err := svc.Build(ctx, e.ID); err != nil {
		return fmt.Errorf("demo: exports: build: %w", err)
	}
	var r models.PrivacyRequest
	err = db.Where("kind = ? AND status = ?", models.RequestAccess, models.StatusWaitingFulfilment).Order("id").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: exports: %w", err)
	}
	return db.Transaction(func(tx *gorm.DB) error { return svc.StartForRequest(tx, &r) })
}
