package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Installation is the one row describing this installation. Demo is set
// only by `portal demo`; it is deliberately not a setting an admin can
// change, because a demo shows one-time codes in the outbox.
type Installation struct {
	ID        int64 `gorm:"primaryKey;autoIncrement:false"`
	Demo      bool  `gorm:"not null;default:false"`
	CreatedAt time.Time
}

// MarkDemo records that this installation is a demo.
func MarkDemo(ctx context.Context, db *gorm.DB) error {
	row := Installation{ID: 1, Demo: true, CreatedAt: time.Now().UTC()}
	err := db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.Assignments(map[string]any{"demo": true}),
	}).Create(&row).Error
	if err != nil {
		return fmt.Errorf("models: mark demo: %w", err)
	}
	return nil
}

// IsDemo reports whether `portal demo` made this installation. No row means
// a production installation.
func IsDemo(ctx context.Context, db *gorm.DB) (bool, error) {
	var row Installation
	err := db.WithContext(ctx).Take(&row, "id = ?", 1).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("models: installation: %w", err)
	}
	return row.Demo, nil
}
