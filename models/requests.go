package models

import "time"

// RequestKind is what a privacy request asks for (GDPR Art. 15–21).
type RequestKind string

const (
	RequestAccess        RequestKind = "access"
	RequestPortability   RequestKind = "portability"
	RequestRectification RequestKind = "rectification"
	RequestErasure       RequestKind = "erasure"
	RequestRestriction   RequestKind = "restriction"
	RequestObjection     RequestKind = "objection"
)

// RequestKinds lists every kind, in the order forms offer them.
var RequestKinds = []RequestKind{RequestAccess, RequestPortability, RequestRectification, RequestErasure, RequestRestriction, RequestObjection}

// RequestStatus is where a request is in its life; internal/requests
// holds the table of which status may follow which.
type RequestStatus string

const (
	StatusAwaitingVerification RequestStatus = "awaiting_verification"
	StatusInReview             RequestStatus = "in_review"
	StatusWaitingRequester     RequestStatus = "waiting_requester"
	StatusApproved             RequestStatus = "approved"
	StatusWaitingFulfilment    RequestStatus = "waiting_fulfilment"
	StatusCompleted            RequestStatus = "completed"
	StatusDenied               RequestStatus = "denied"
	StatusCancelled            RequestStatus = "cancelled"
	StatusExpired              RequestStatus = "expired"
	StatusDuplicate            RequestStatus = "duplicate"
)

// RequestStatuses lists every status, for labels, filters and tests.
var RequestStatuses = []RequestStatus{StatusAwaitingVerification, StatusInReview, StatusWaitingRequester, StatusApproved,
	StatusWaitingFulfilment, StatusCompleted, StatusDenied, StatusCancelled, StatusExpired, StatusDuplicate}

// Open reports whether a request still waits for someone.
func (s RequestStatus) Open() bool {
	switch s {
	case StatusCompleted, StatusDenied, StatusCancelled, StatusExpired, StatusDuplicate:
		return false
	}
	return true
}

// DaysLeft is how many whole days remain until due at now, negative when
// overdue (one second late is one day overdue): the one rule the desk's
// queue and every page's due badge count by.
func DaysLeft(due, now time.Time) int {
	d := due.Sub(now)
	days := int(d / (24 * time.Hour))
	if d < 0 && d%(24*time.Hour) != 0 {
		days--
	}
	return days
}

// Request channels: how a request reached the portal.
const (
	ChannelPortal = "portal" // a signed-in customer
	ChannelPublic = "public" // the public form, without an account
	ChannelAgent  = "agent"  // an authorized agent, on the public form
	ChannelAPI    = "api"    // the shop's systems
)

// Jurisdictions decide deadlines and repeat rules.
const (
	JurisdictionGDPR = "gdpr"
	JurisdictionCCPA = "ccpa"
)

// Objection grounds (GDPR Art. 21).
const (
	ObjectMarketing  = "marketing"           // Art. 21(2): absolute, applied at once
	ObjectLegitimate = "legitimate_interest" // Art. 21(1): reviewed by staff
)

// PrivacyRequest is one privacy request. UserID is the customer it is
// about once known (filed signed in, or matched by the public form's
// verified email); requester fields say who asked and where to answer.
type PrivacyRequest struct {
	ID             int64         `gorm:"primaryKey"`
	UserID         *int64        `gorm:"index:idx_privacy_requests_user,priority:1"`
	Kind           RequestKind   `gorm:"size:20;not null;index:idx_privacy_requests_kind,priority:1"`
	Status         RequestStatus `gorm:"size:24;not null;index:idx_privacy_requests_queue,priority:1;index:idx_privacy_requests_kind,priority:2;index:idx_privacy_requests_assignee,priority:2"`
	Channel        string        `gorm:"size:16;not null"`
	Jurisdiction   string        `gorm:"size:8;not null"`
	RequesterEmail string        `gorm:"size:320;not null;index"`
	RequesterName  string        `gorm:"size:200;not null;default:''"`
	Locale         string        `gorm:"size:16;not null;default:''"`
	Details        string        `gorm:"type:text;not null;default:''"`
	// Categories are the registry keys a restriction, an objection or an
	// erasure names, comma-separated; empty means all.
	Categories      string `gorm:"size:400;not null;default:''"`
	ObjectionGround string `gorm:"size:24;not null;default:''"`
	// AgentName and AgentEmail are set when an authorized agent filed it.
	AgentName  string `gorm:"size:200;not null;default:''"`
	AgentEmail string `gorm:"size:320;not null;default:''"`

	ReceivedAt time.Time  `gorm:"not null"`
	VerifiedAt *time.Time // when identity was accepted
	// EmailVerifiedAt is when a public requester proved the address with
	// a mailed code (a signed-in customer's is proven by the account).
	EmailVerifiedAt *time.Time
	// FirstDueAt is the deadline before any extension; DueAt the current
	// one (moved by an extension and by a paused clock).
	FirstDueAt      time.Time  `gorm:"not null"`
	DueAt           time.Time  `gorm:"not null;index:idx_privacy_requests_queue,priority:2;index:idx_privacy_requests_assignee,priority:3;index:idx_privacy_requests_kind,priority:3"`
	ExtendedAt      *time.Time //
	ExtensionReason string     `gorm:"type:text;not null;default:''"`
	// PausedAt is set while the clock waits for identity proof; the time
	// it stood still is added to DueAt when it runs again.
	PausedAt *time.Time

	AssigneeID    *int64 `gorm:"index:idx_privacy_requests_assignee,priority:1"`
	DuplicateOfID *int64
	// RepeatOfID links an earlier request of the same kind inside 12
	// months (flagged for staff, not refused).
	RepeatOfID *int64

	// Verification evidence: by which method, what matched, who decided.
	VerificationMethod string `gorm:"size:24;not null;default:''"`
	VerificationNote   string `gorm:"type:text;not null;default:''"`
	VerifiedByID       *int64
	// DocumentRequired asks the requester for an ID document (a rule, or
	// staff's recorded doubt in DoubtReason).
	DocumentRequired bool   `gorm:"not null;default:false"`
	DoubtReason      string `gorm:"type:text;not null;default:''"`
	// Declaration is when the requester signed the declaration a stricter
	// check asks for (access to specific pieces).
	DeclaredAt *time.Time

	DenyCode string `gorm:"size:32;not null;default:''"`
	DenyText string `gorm:"type:text;not null;default:''"`

	// StatusTokenHash is the hash of the secret in the public status link.
	StatusTokenHash string `gorm:"size:64;not null;default:'';index"`
	// ReminderSentAt and OverdueSentAt make the staff reminders idempotent.
	ReminderSentAt *time.Time
	OverdueSentAt  *time.Time
	// StaffNotifiedAt is when staff were told of the verified request (its
	// own mail or the digest), so the digest lists each request once.
	StaffNotifiedAt *time.Time
	ClosedAt        *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// RequestEvent is one line of a request's timeline: a transition or an
// action, with who and when. Note is shown to the requester (a reason
// they are owed); staff-only text goes in RequestNote.
type RequestEvent struct {
	ID         int64     `gorm:"primaryKey"`
	RequestID  int64     `gorm:"not null;index:idx_request_events_request,priority:1"`
	At         time.Time `gorm:"not null;index:idx_request_events_request,priority:2"`
	ActorKind  string    `gorm:"size:16;not null"`
	ActorID    *int64
	Action     string `gorm:"size:32;not null"`
	FromStatus string `gorm:"size:24;not null;default:''"`
	ToStatus   string `gorm:"size:24;not null;default:''"`
	Note       string `gorm:"type:text;not null;default:''"`
}

// RequestMessage is one message between the requester and staff, shown
// to both.
type RequestMessage struct {
	ID        int64     `gorm:"primaryKey"`
	RequestID int64     `gorm:"not null;index:idx_request_messages_request,priority:1"`
	At        time.Time `gorm:"not null;index:idx_request_messages_request,priority:2"`
	// AuthorKind is "requester" or "staff".
	AuthorKind string `gorm:"size:16;not null"`
	AuthorID   *int64
	Body       string `gorm:"type:text;not null"`
}

// RequestNote is an internal note of staff on a request. It lives in its
// own table so no query for the requester's pages can select it.
type RequestNote struct {
	ID        int64     `gorm:"primaryKey"`
	RequestID int64     `gorm:"not null;index:idx_request_notes_request,priority:1"`
	At        time.Time `gorm:"not null;index:idx_request_notes_request,priority:2"`
	AuthorID  int64     `gorm:"not null"`
	Body      string    `gorm:"type:text;not null"`
	// Withheld is the exemption (WithholdThirdParty, WithholdPrivilege)
	// under which the note is left out of the customer's export; the
	// export then says a note was withheld and why, never its text.
	Withheld   string `gorm:"size:24;not null;default:''"`
	WithheldAt *time.Time
}

// RequestCorrection is one structured change a rectification asks for:
// which record and field of which category, the value seen, the value
// wanted, and why. AppliedAt is set when an approval wrote it.
type RequestCorrection struct {
	ID            int64  `gorm:"primaryKey"`
	RequestID     int64  `gorm:"not null;index"`
	Category      string `gorm:"size:32;not null"`
	RecordID      int64  `gorm:"not null;default:0"` // 0: the customer's own row (the profile)
	Field         string `gorm:"size:50;not null"`
	CurrentValue  string `gorm:"type:text;not null;default:''"`
	ProposedValue string `gorm:"type:text;not null;default:''"`
	Reason        string `gorm:"type:text;not null;default:''"`
	AppliedAt     *time.Time
}

// RequestCode is a 6-digit code mailed to a requester without an account,
// stored hashed: it proves the email of a public request, or opens its
// status page. Purpose is "verify" or "status".
type RequestCode struct {
	ID        int64     `gorm:"primaryKey"`
	RequestID int64     `gorm:"not null;index:idx_request_codes_request,priority:1"`
	Purpose   string    `gorm:"size:16;not null;index:idx_request_codes_request,priority:2"`
	CodeHash  string    `gorm:"size:128;not null"`
	Attempts  int       `gorm:"not null;default:0"`
	ExpiresAt time.Time `gorm:"not null"`
	UsedAt    *time.Time
	CreatedAt time.Time
}

// Document purposes.
const (
	DocumentIdentity        = "identity"         // the requester's ID document
	DocumentAgentPermission = "agent_permission" // an agent's signed permission
)

// RequestDocument is an uploaded document, encrypted in the file store
// under FileKey. The file is destroyed once the identity decision is made;
// the row stays as evidence (DestroyedAt says when).
type RequestDocument struct {
	ID          int64  `gorm:"primaryKey"`
	RequestID   int64  `gorm:"not null;index"`
	Purpose     string `gorm:"size:24;not null"`
	FileKey     string `gorm:"size:100;not null;default:''"`
	ContentType string `gorm:"size:100;not null"`
	SizeBytes   int64  `gorm:"not null;default:0"`
	UploadedAt  time.Time
	// DestroyAfter is when the sweep destroys the file at the latest
	// (the decision plus the grace period); nil until a decision.
	DestroyAfter *time.Time `gorm:"index"`
	DestroyedAt  *time.Time
}

// LegalHold keeps a customer's rows in the named categories from erasure
// and retention while it stands (an unsettled debt, a legal claim).
type LegalHold struct {
	ID            int64  `gorm:"primaryKey"`
	UserID        int64  `gorm:"not null;index"`
	Categories    string `gorm:"size:400;not null"` // registry keys, comma-separated
	Reason        string `gorm:"type:text;not null"`
	PlacedByID    int64  `gorm:"not null"`
	PlacedAt      time.Time
	ReleasedByID  *int64
	ReleasedAt    *time.Time
	ReleaseReason string `gorm:"type:text;not null;default:''"`
}

// Restriction marks a customer's data, or one category of it, as
// restricted (Art. 18): stored, nothing else, until lifted. Lifting is
// announced to the requester first (Art. 18(3)): LiftNoticeAt is when the
// notice went, LiftsAt when the lifting takes effect.
type Restriction struct {
	ID        int64  `gorm:"primaryKey"`
	UserID    int64  `gorm:"not null;index"`
	Category  string `gorm:"size:32;not null;default:''"` // "" : all the customer's data
	RequestID *int64
	// Ground is "request" (an Art. 18 request) or "objection" (processing
	// restricted while an Art. 21(1) objection is weighed).
	Ground       string `gorm:"size:16;not null"`
	Reason       string `gorm:"type:text;not null;default:''"`
	PlacedAt     time.Time
	LiftNoticeAt *time.Time
	LiftsAt      *time.Time
	LiftedAt     *time.Time
	LiftedByID   *int64
}

// MarketingObjection records an objection to direct marketing (Art.
// 21(2)–(3)): absolute and applied at once; the preferences issue reads
// these into the consent ledger.
type MarketingObjection struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     *int64
	Email      string `gorm:"size:320;not null;index"`
	RequestID  *int64
	RecordedAt time.Time `gorm:"not null"`
}
