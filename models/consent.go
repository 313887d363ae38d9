package models

import "time"

// Consent purposes: what a ledger event is about.
const (
	// PurposeMarketing is consent to marketing on one topic and channel
	// (GDPR Art. 6(1)(a), Art. 7).
	PurposeMarketing = "marketing"
	// PurposeProfiling is the use of the customer's data for marketing
	// analysis; withdrawn is the objection (Art. 21(2)).
	PurposeProfiling = "profiling"
	// PurposeSaleShare is the sale or sharing of personal information
	// (CCPA §1798.120); withdrawn is the opt-out.
	PurposeSaleShare = "sale_share"
)

// Consent channels a marketing topic may reach a customer on.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
	ChannelPost  = "post"
)

// ConsentChannels lists the channels, in the order pages show them.
var ConsentChannels = []string{ChannelEmail, ChannelSMS, ChannelPost}

// Consent statuses of the projection, and the actions of the ledger.
const (
	ConsentGranted   = "granted"   // opted in (or, for sale_share, allowed)
	ConsentWithdrawn = "withdrawn" // opted out, objected, or never given
	ConsentPending   = "pending"   // an email opt-in waiting for its confirmation
)

// Consent methods: how a change reached the portal.
const (
	MethodPortal    = "portal"     // the customer's preferences page
	MethodEmailLink = "email_link" // the preference page reached by a mail's token
	MethodOneClick  = "one_click"  // RFC 8058 one-click unsubscribe
	MethodStaff     = "staff"
	MethodAPI       = "api"
	MethodGPC       = "gpc"       // a browser's Global Privacy Control signal
	MethodConfirm   = "confirm"   // a double opt-in confirmation
	MethodObjection = "objection" // an objection request (Art. 21)
	MethodPublic    = "public"    // the signed-out opt-out of sale form
	MethodExpiry    = "expiry"    // an unconfirmed opt-in expired
	MethodAge       = "age"       // the default opt-out of a minor
)

// ConsentTopic is a kind of marketing a customer may opt in to, kept as
// data (admins will manage them). Name and Description are JSON objects
// by language; Channels are the channels it may use, comma-separated.
type ConsentTopic struct {
	ID          int64  `gorm:"primaryKey"`
	Key         string `gorm:"size:32;not null;uniqueIndex"`
	Sort        int    `gorm:"not null;default:0"`
	Name        string `gorm:"type:text;not null"`
	Description string `gorm:"type:text;not null"`
	Channels    string `gorm:"size:64;not null"`
	Active      bool   `gorm:"not null;default:true"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ConsentSubject is the ledger's pseudonymous person: the ledger names
// a subject by its id, never by name or email. UserID links it to an
// account while one exists (erasure sets it NULL); EmailHash is a keyed
// hash of the address, for people without an account (the signed-out
// opt-out) and for the suppression list.
type ConsentSubject struct {
	ID        int64   `gorm:"primaryKey"`
	UserID    *int64  `gorm:"uniqueIndex"`
	EmailHash *string `gorm:"size:128;uniqueIndex"`
	CreatedAt time.Time
}

// ConsentEvent is one line of the consent ledger: append-only (database
// triggers refuse any UPDATE or DELETE), so it proves what was given or
// withdrawn, when, how, and against which wording, even after the
// person is erased.
type ConsentEvent struct {
	ID        int64  `gorm:"primaryKey"`
	SubjectID int64  `gorm:"not null;index:idx_consent_events_subject,priority:1"`
	Purpose   string `gorm:"size:16;not null"`
	Topic     string `gorm:"size:32;not null;default:''"`
	Channel   string `gorm:"size:8;not null;default:''"`
	// Action is ConsentGranted, ConsentWithdrawn or ConsentPending.
	Action string `gorm:"size:16;not null"`
	Method string `gorm:"size:16;not null"`
	// PolicyVersion is the privacy policy in force; WordingHash the
	// SHA-256 of the exact text shown beside the choice.
	PolicyVersion string    `gorm:"size:32;not null;default:''"`
	WordingHash   string    `gorm:"size:64;not null;default:''"`
	Locale        string    `gorm:"size:16;not null;default:''"`
	At            time.Time `gorm:"not null;index:idx_consent_events_subject,priority:2"`
}

// ConsentEvidence is the request evidence of an event (truncated IP,
// user agent): personal data, kept apart so erasure can delete it while
// the ledger stays.
type ConsentEvidence struct {
	EventID   int64  `gorm:"primaryKey;autoIncrement:false"`
	IP        string `gorm:"size:64;not null;default:''"`
	UserAgent string `gorm:"size:512;not null;default:''"`
}

// ConsentState is the current state per subject and choice, derived from
// the ledger and written in the same transaction as each event.
type ConsentState struct {
	SubjectID int64  `gorm:"primaryKey;autoIncrement:false"`
	Purpose   string `gorm:"primaryKey;size:16;index:idx_consent_states_audience,priority:1"`
	Topic     string `gorm:"primaryKey;size:32;default:'';index:idx_consent_states_audience,priority:2"`
	Channel   string `gorm:"primaryKey;size:8;default:'';index:idx_consent_states_audience,priority:3"`
	Status    string `gorm:"size:16;not null;index:idx_consent_states_audience,priority:4;index:idx_consent_states_pending,priority:1"`
	// PendingUntil is when an unconfirmed opt-in expires.
	PendingUntil *time.Time `gorm:"index:idx_consent_states_pending,priority:2"`
	EventID      int64      `gorm:"not null"`
	UpdatedAt    time.Time
}
