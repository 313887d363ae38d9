package models

import "time"

// ExportStatus is where a download package is in its life.
type ExportStatus string

const (
	ExportQueued   ExportStatus = "queued"   // waiting for the builder
	ExportBuilding ExportStatus = "building" // a job is writing it (or died writing it, and will again)
	ExportReady    ExportStatus = "ready"    // the file is stored and may be downloaded until ExpiresAt
	ExportExpired  ExportStatus = "expired"  // past ExpiresAt, or replaced by a rebuild: the file is gone
	ExportFailed   ExportStatus = "failed"   // the builder gave up; staff can rebuild
)

// Export is one download package of a customer's data (GDPR Art. 15 and
// 20): asked for by the customer (self-service) or made for an approved
// access or portability request. The ZIP is in the vault under FileKey,
// encrypted; the row says what it holds and until when.
type Export struct {
	ID     int64  `gorm:"primaryKey"`
	UserID *int64 `gorm:"index:idx_exports_user,priority:1"`
	// RequestID is the access or portability request it answers; nil for
	// the customer's own "Download my data".
	RequestID *int64       `gorm:"index"`
	Status    ExportStatus `gorm:"size:16;not null;index:idx_exports_status,priority:1"`
	// Categories are the registry keys chosen, comma-separated; empty
	// means every category (always, for a formal request).
	Categories string `gorm:"size:400;not null;default:''"`
	Locale     string `gorm:"size:16;not null;default:''"`
	// Step and Progress are what the page shows while it builds.
	Step     string `gorm:"size:16;not null;default:''"`
	Progress int    `gorm:"not null;default:0"`
	// FileKey is chosen afresh by each build attempt: an attempt
	// offers its file only if the row still names its key, and deletes
	// the file of the attempt before it, so two overlapping attempts
	// (a lease lost to a slow worker) never leave two files or a row
	// describing the other's file.
	FileKey string `gorm:"size:100;not null;default:''"`
	// JobID is the build job, so the sweep can tell a package whose job
	// died for good (failed) from one still waiting its turn.
	JobID     *int64
	SizeBytes int64  `gorm:"not null;default:0"`
	SHA256    string `gorm:"column:sha256;size:64;not null;default:''"`
	// Failure is a short code (never personal data) when the build failed.
	Failure         string `gorm:"size:64;not null;default:''"`
	RequestedByKind string `gorm:"size:16;not null"`
	RequestedByID   *int64
	CreatedAt       time.Time  `gorm:"not null;index:idx_exports_user,priority:2"`
	StartedAt       *time.Time //
	ReadyAt         *time.Time
	ExpiresAt       *time.Time `gorm:"index:idx_exports_status,priority:2"`
	NotifiedAt      *time.Time
	DeletedAt       *time.Time // when the file was removed
	Downloads       int        `gorm:"not null;default:0"`
	LastDownloadAt  *time.Time
}

// Exemption codes staff may give when withholding a note from the
// customer's export (GDPR Art. 15(4), and legal privilege).
const (
	WithholdThirdParty = "third_party"     // it would reveal another person's data
	WithholdPrivilege  = "legal_privilege" // legal advice or a claim's preparation
)

// WithholdReasons lists the codes, for forms and validation.
var WithholdReasons = []string{WithholdThirdParty, WithholdPrivilege}
