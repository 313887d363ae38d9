// Package models holds the GORM entities, the Store that queries them and
// the versioned schema migrations. It imports nothing else of this module.
package models

import "time"

// Role says what a user may do. Staff and admins work the portal; customers
// are the data subjects it serves.
type Role string

const (
	RoleCustomer Role = "customer"
	RoleStaff    Role = "staff"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleCustomer || r == RoleStaff || r == RoleAdmin
}

// IsStaff is true for roles that work the staff side (admins included).
func (r Role) IsStaff() bool { return r == RoleStaff || r == RoleAdmin }

// MustUseTOTP is the one rule for who cannot do without two-factor
// authentication: everyone who can read other people's data.
func (r Role) MustUseTOTP() bool { return r.IsStaff() }

// Home is where a user of the role lands after signing in.
func (r Role) Home() string {
	switch r {
	case RoleAdmin:
		return "/admin"
	case RoleStaff:
		return "/staff"
	}
	return "/account"
}

// User is anyone who can sign in.
type User struct {
	ID           int64  `gorm:"primaryKey"`
	Email        string `gorm:"size:320;not null;uniqueIndex"`
	PasswordHash string `gorm:"size:255;not null;default:''"`
	Role         Role   `gorm:"size:16;not null;index"`
	Name         string `gorm:"size:200;not null;default:''"`
	Locale       string `gorm:"size:16;not null;default:''"`
	// TimeZone copies the profile's chosen zone (IANA name; empty: the
	// shop's), so resolving a request's zone needs no extra query.
	TimeZone string `gorm:"size:64;not null;default:''"`
	// TOTPSecret is the active second factor, sealed with the server key
	// ring (vault.KeyRing: "v<n>:…"), or base32 in clear from before
	// sealing; empty when off.
	TOTPSecret string `gorm:"column:totp_secret;size:255;not null;default:''"`
	// TOTPPendingSecret is held server-side during enrolment until a code
	// proves the authenticator app has it; sealed like TOTPSecret.
	TOTPPendingSecret string     `gorm:"column:totp_pending_secret;size:255;not null;default:''"`
	TOTPEnabledAt     *time.Time `gorm:"column:totp_enabled_at"`
	// TOTPLastStep is the last accepted 30-second step: a code is accepted once.
	TOTPLastStep      int64 `gorm:"column:totp_last_step;not null;default:0"`
	PasswordChangedAt *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// HasTOTP reports whether two-factor authentication is on.
func (u *User) HasTOTP() bool { return u.TOTPSecret != "" }

// NeedsTOTPSetup is true while a user who must use two-factor
// authentication has not enrolled: they may reach only the set-up.
func (u *User) NeedsTOTPSetup() bool { return u.Role.MustUseTOTP() && !u.HasTOTP() }

// RecoveryCode is one single-use backup code for a lost authenticator.
type RecoveryCode struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    int64  `gorm:"not null;index"`
	CodeHash  string `gorm:"size:128;not null"`
	UsedAt    *time.Time
	CreatedAt time.Time
}

// CodePurpose says what an emailed one-time code is for.
type CodePurpose string

const (
	CodeSignIn      CodePurpose = "signin"
	CodeEmailChange CodePurpose = "email_change"
)

// EmailCode is a 6-digit one-time code sent by mail, stored hashed.
type EmailCode struct {
	ID        int64       `gorm:"primaryKey"`
	Email     string      `gorm:"size:320;not null;index:idx_email_codes_lookup,priority:1"`
	Purpose   CodePurpose `gorm:"size:16;not null;index:idx_email_codes_lookup,priority:2"`
	UserID    *int64      `gorm:"index"`
	CodeHash  string      `gorm:"size:128;not null"`
	Attempts  int         `gorm:"not null;default:0"`
	ExpiresAt time.Time   `gorm:"not null"`
	UsedAt    *time.Time
	CreatedAt time.Time
}

// SignInThrottle counts failed sign-ins for one email address (hashed, so
// known and unknown addresses are throttled alike and none is stored).
type SignInThrottle struct {
	KeyHash       string    `gorm:"primaryKey;size:128"`
	Failures      int       `gorm:"not null;default:0"`
	HourStart     time.Time `gorm:"not null"`
	HourFailures  int       `gorm:"not null;default:0"`
	LockedUntil   *time.Time
	NextAllowedAt *time.Time
	UpdatedAt     time.Time
}

// LoginEvent is one line of a user's sign-in and security history. It is
// the user's own data, shown to them and included in their export.
type LoginEvent struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_login_events_user,priority:1"`
	CreatedAt time.Time `gorm:"not null;index:idx_login_events_user,priority:2;index:idx_login_events_created_at"`
	Event     string    `gorm:"size:32;not null"`
	Method    string    `gorm:"size:16;not null;default:''"`
	IP        string    `gorm:"size:64;not null;default:''"`
	UserAgent string    `gorm:"size:512;not null;default:''"`
}

// Session is the server side of a browser session. The cookie holds only a
// random token; the row keeps its SHA-256 hash so a leaked table cannot be
// replayed, plus what the "active sessions" page lists.
type Session struct {
	ID         int64  `gorm:"primaryKey"`
	TokenHash  string `gorm:"size:64;not null;uniqueIndex"`
	UserID     *int64 `gorm:"index"`
	Data       string `gorm:"type:text;not null;default:''"`
	IP         string `gorm:"size:64;not null;default:''"`
	UserAgent  string `gorm:"size:512;not null;default:''"`
	CreatedAt  time.Time
	LastSeenAt time.Time `gorm:"not null"`
	ExpiresAt  time.Time `gorm:"not null;index"`
}

// JobStatus is where a job is in its life.
type JobStatus string

const (
	JobQueued  JobStatus = "queued"
	JobRunning JobStatus = "running"
	JobDone    JobStatus = "done"
	JobDead    JobStatus = "dead"
)

// JobStatuses lists every job status, for labels and tests.
var JobStatuses = []JobStatus{JobQueued, JobRunning, JobDone, JobDead}

// Job is one unit of background work. A worker leases it by setting
// LockedBy/LockedUntil; a crashed worker's lease expires and another takes it.
type Job struct {
	ID          int64     `gorm:"primaryKey"`
	Kind        string    `gorm:"size:100;not null;index"`
	Payload     string    `gorm:"type:text;not null;default:''"`
	Status      JobStatus `gorm:"size:16;not null;index:idx_jobs_claim,priority:1"`
	RunAt       time.Time `gorm:"not null;index:idx_jobs_claim,priority:2"`
	Attempts    int       `gorm:"not null;default:0"`
	MaxAttempts int       `gorm:"not null;default:5"`
	LockedBy    string    `gorm:"size:100;not null;default:''"`
	LockedUntil *time.Time
	LastError   string `gorm:"type:text;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// JobSchedule is a periodic job. Instances race to move NextRunAt forward
// with a conditional update; only the winner enqueues, so a schedule runs on
// one instance at a time.
type JobSchedule struct {
	Name            string    `gorm:"primaryKey;size:100"`
	Kind            string    `gorm:"size:100;not null"`
	IntervalSeconds int64     `gorm:"not null"`
	NextRunAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time
	// LastRunAt and LastJobID are the most recent period enqueued, for the
	// admin page's "last run" (the job row says how it ended).
	LastRunAt *time.Time
	LastJobID *int64
}

// OutboxStatus is where a mail is in delivery.
type OutboxStatus string

const (
	OutboxPending OutboxStatus = "pending"
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed"
	// OutboxHeld mails stay in the outbox because no SMTP server is set;
	// admins read them in the Outbox page.
	OutboxHeld OutboxStatus = "held"
)

// OutboxStatuses lists every outbox status, for labels and tests.
var OutboxStatuses = []OutboxStatus{OutboxPending, OutboxSent, OutboxFailed, OutboxHeld}

// OutboxMessage is a rendered mail waiting for, or past, delivery.
type OutboxMessage struct {
	ID        int64        `gorm:"primaryKey"`
	ToAddress string       `gorm:"size:320;not null"`
	Template  string       `gorm:"size:100;not null"`
	Locale    string       `gorm:"size:16;not null"`
	Subject   string       `gorm:"size:400;not null"`
	TextBody  string       `gorm:"type:text;not null"`
	HTMLBody  string       `gorm:"type:text;not null"`
	Status    OutboxStatus `gorm:"size:16;not null;index"`
	Attempts  int          `gorm:"not null;default:0"`
	LastError string       `gorm:"type:text;not null;default:''"`
	CreatedAt time.Time    `gorm:"index"`
	SentAt    *time.Time
	// SealedCode is the one-time code of a mail that carries one, sealed
	// with the server key ring. The bodies above hold a mask in its place,
	// so staff reading the outbox never see it; delivery puts it back and
	// then clears this column.
	SealedCode string `gorm:"type:text;not null;default:''"`
	// Headers are extra mail headers as a JSON object (empty: none): the
	// List-Unsubscribe pair of a mail about a subscription, set on send.
	Headers string `gorm:"type:text;not null;default:''"`
	// Forget is set on a mail to someone the portal must not remember
	// (the report of their erasure): once delivered, its address and
	// bodies are cleared.
	Forget bool `gorm:"not null;default:false"`
}

// AuditEntry is one row of the append-only audit log. Hash covers this
// row's fields and PrevHash, so editing or deleting any row breaks the chain.
type AuditEntry struct {
	ID         int64     `gorm:"primaryKey"`
	CreatedAt  time.Time `gorm:"not null;index"`
	ActorID    *int64    `gorm:"index"`
	ActorRole  string    `gorm:"size:16;not null;default:''"`
	Action     string    `gorm:"size:100;not null;index"`
	TargetType string    `gorm:"size:50;not null;default:''"`
	TargetID   string    `gorm:"size:100;not null;default:''"`
	IP         string    `gorm:"size:64;not null;default:''"`
	Details    string    `gorm:"type:text;not null;default:''"`
	PrevHash   string    `gorm:"size:64;not null"`
	Hash       string    `gorm:"size:64;not null;uniqueIndex"`
}

// All lists every entity, for the schema-agreement test.
func All() []any {
	return []any{&User{}, &Session{}, &Job{}, &JobSchedule{}, &OutboxMessage{}, &AuditEntry{},
		&RecoveryCode{}, &EmailCode{}, &SignInThrottle{}, &LoginEvent{},
		&Profile{}, &Address{}, &ProfileChange{}, &Order{}, &OrderItem{}, &Payment{}, &Photo{},
		&ContactMessage{}, &SurveyAnswer{}, &DataCategory{}, &DataPurpose{}, &PolicyVersion{}, &PolicyAck{},
		&Setting{}, &Installation{}, &HoldingTally{}, &Revision{},
		&PrivacyRequest{}, &RequestEvent{}, &RequestMessage{}, &RequestNote{}, &RequestCorrection{}, &RequestCode{},
		&RequestDocument{}, &LegalHold{}, &Restriction{}, &MarketingObjection{}, &Export{},
		&ConsentTopic{}, &ConsentSubject{}, &ConsentEvent{}, &ConsentEvidence{}, &ConsentState{},
		&ErasureStrategy{}, &Erasure{}, &ErasureStep{}, &RetainedInvoice{}, &Suppression{}, &ConnectedSystem{}, &SystemTask{},
		&WebhookDelivery{}, &VaultDeletion{}, &DormancyNotice{}}
}
