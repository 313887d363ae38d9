package models

import "time"

// Setting is one business rule changed from its default in code (see
// internal/settings). Value is the JSON of the typed value. Version counts
// the row's changes: the sum over the table grows with every change, so
// instances notice one by polling a single aggregate.
type Setting struct {
	Name      string    `gorm:"primaryKey;size:100"`
	Value     string    `gorm:"type:text;not null"`
	Version   int64     `gorm:"not null;default:0"`
	UpdatedAt time.Time `gorm:"not null"`
	// UpdatedBy is the admin who made the change; nil for the system.
	UpdatedBy *int64
}
