package models

import "time"

// Erasure strategies (issue 13): what erasure does to a data category.
const (
	StrategyDelete       = "delete"       // the rows go, with their files
	StrategyRetain       = "retain"       // kept restricted until a date, with the legal basis, only the fields the law needs
	StrategyPseudonymize = "pseudonymize" // kept for statistics, with nothing that points at the person
	StrategySuppress     = "suppress"     // gone, and a keyed hash of the address stops marketing and re-imports
)

// Strategies lists them, for forms and validation.
var Strategies = []string{StrategyDelete, StrategyRetain, StrategyPseudonymize, StrategySuppress}

// ErasureStrategy is the strategy of one category: data, seeded with
// defaults, that admins change. RetainYears and LegalBasis matter to the
// retain strategy only.
type ErasureStrategy struct {
	Category    string `gorm:"primaryKey;size:32"`
	Strategy    string `gorm:"size:16;not null"`
	LegalBasis  string `gorm:"type:text;not null;default:''"`
	RetainYears int    `gorm:"not null;default:0"`
	UpdatedAt   time.Time
}

// ErasureRunMargin is how long before the request's due date an
// erasure's cool-off ends at the latest: room for the run itself and for
// the connected systems to acknowledge, so the cool-off never pushes the
// erasure past the legal deadline.
const ErasureRunMargin = 24 * time.Hour

// ErasureStatus is where an erasure is in its life.
type ErasureStatus string

const (
	ErasureCoolingOff ErasureStatus = "cooling_off" // approved; the customer may still cancel until CoolOffUntil
	ErasureRunning    ErasureStatus = "running"     // the categories are being erased (a killed run resumes)
	ErasureWaiting    ErasureStatus = "waiting"     // done here; connected systems' tasks are still open
	ErasureCompleted  ErasureStatus = "completed"   // every category and every task done; the request is completed
	ErasureCancelled  ErasureStatus = "cancelled"   // the customer cancelled during the cool-off
)

// Erasure is the carrying out of one approved erasure request. UserID is
// cleared when the account goes; SubjectRef (a keyed hash of the user id)
// still ties the run to the journal. ReportEmail is where the report is
// mailed, kept only until that mail is delivered.
type Erasure struct {
	ID         int64  `gorm:"primaryKey"`
	RequestID  *int64 `gorm:"uniqueIndex"`
	UserID     *int64 `gorm:"index"`
	SubjectRef string `gorm:"size:100;not null;default:''"`
	// Categories are the registry keys it erases, comma-separated (empty:
	// all): its request's, kept here so the journal and a replay erase
	// the same.
	Categories   string        `gorm:"size:400;not null;default:''"`
	Status       ErasureStatus `gorm:"size:16;not null;index:idx_erasures_status,priority:1"`
	CoolOffUntil time.Time     `gorm:"not null;index:idx_erasures_status,priority:2"`
	WaivedAt     *time.Time
	CancelledAt  *time.Time
	StartedAt    *time.Time
	FinishedAt   *time.Time // the categories are done (tasks may still be open)
	CompletedAt  *time.Time
	ReportEmail  string `gorm:"size:320;not null;default:''"`
	ReportLocale string `gorm:"size:16;not null;default:''"`
	// ReportMailID is the outbox message carrying the report; once it is
	// sent, ReportEmail and the message's address are cleared.
	ReportMailID *int64
	CreatedAt    time.Time `gorm:"not null"`
	UpdatedAt    time.Time
}

// ErasureStep is one category of one erasure, written in the transaction
// that erased it: a resumed run skips the categories with a step, so no
// category is erased twice and the report's counts are the first run's.
type ErasureStep struct {
	ErasureID int64  `gorm:"primaryKey"`
	Category  string `gorm:"primaryKey;size:32"`
	Strategy  string `gorm:"size:16;not null"`
	Removed   int64  `gorm:"not null;default:0"`
	Retained  int64  `gorm:"not null;default:0"`
	// Reason is why anything was retained: a message id of the report
	// (held, bookkeeping…), never personal data; Basis the legal basis text.
	Reason        string `gorm:"size:64;not null;default:''"`
	Basis         string `gorm:"type:text;not null;default:''"`
	RetainedUntil *time.Time
	DoneAt        time.Time `gorm:"not null"`
}

// RetainedInvoice is what bookkeeping law keeps of an erased customer's
// order: the invoice's fields and nothing else, hidden from every normal
// view (each reading is audited) until RetainUntil, then deleted.
type RetainedInvoice struct {
	ID               int64     `gorm:"primaryKey"`
	ErasureID        *int64    `gorm:"index"`
	Number           string    `gorm:"size:64;not null"`
	IssuedAt         time.Time `gorm:"not null"`
	BuyerName        string    `gorm:"size:200;not null;default:''"`
	BillingAddress   string    `gorm:"type:text;not null;default:''"`
	Country          string    `gorm:"size:2;not null;default:''"`
	Currency         string    `gorm:"size:3;not null"`
	TotalCents       int64     `gorm:"not null"`
	TaxCents         int64     `gorm:"not null;default:0"`
	Items            string    `gorm:"type:text;not null;default:''"` // JSON: description, quantity, unit price
	PaymentReference string    `gorm:"type:text;not null;default:''"` // provider and last four digits, never a card number
	LegalBasis       string    `gorm:"type:text;not null;default:''"`
	RetainUntil      time.Time `gorm:"not null;index"`
	CreatedAt        time.Time `gorm:"not null"`
}

// Suppression is an address that must never receive marketing again nor
// come back through an import: a keyed hash (vault.KeyRing.MAC, purpose
// "suppression") of the normalized address, never the address.
type Suppression struct {
	Hash      string `gorm:"primaryKey;size:100"`
	Reason    string `gorm:"size:16;not null"` // "erasure", "admin"
	CreatedAt time.Time
}

// Connected system kinds: how an erasure reaches a system.
const (
	SystemManual  = "manual"  // staff do it by hand and tick the task off
	SystemWebhook = "webhook" // a signed call; the system acknowledges on the API
)

// ConnectedSystem is another system holding customer data (the web
// shop, the mailing tool, the lab's print system), which erasures,
// rectifications and restrictions are passed on to (GDPR Art. 19).
// SecretSealed signs the webhooks (sealed by the key ring); TokenHash
// authenticates the system's acknowledgements.
type ConnectedSystem struct {
	ID           int64  `gorm:"primaryKey"`
	Name         string `gorm:"size:100;not null"`
	Kind         string `gorm:"size:16;not null"`
	URL          string `gorm:"size:500;not null;default:''"`
	SecretSealed string `gorm:"type:text;not null;default:''"`
	TokenHash    string `gorm:"size:100;not null;default:'';index"`
	Instructions string `gorm:"type:text;not null;default:''"` // what staff do, for a manual system
	Enabled      bool   `gorm:"not null;default:true"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Task events: what is passed on to a connected system.
const (
	EventErasure       = "erasure"
	EventRectification = "rectification"
	EventRestriction   = "restriction"
)

// Task statuses.
const (
	TaskPending = "pending" // waiting: to be delivered, or for staff, or for the acknowledgement
	TaskFailed  = "failed"  // delivery gave up; staff retry it or do it by hand
	TaskDone    = "done"    // acknowledged by the system, or ticked off by staff
)

// SystemTask is one event passed on to one connected system. Payload is
// the JSON body delivered (it names the customer so the system can find
// them) and is cleared once the task is done.
type SystemTask struct {
	ID         int64  `gorm:"primaryKey"`
	SystemID   int64  `gorm:"not null;index"`
	RequestID  *int64 `gorm:"index"`
	ErasureID  *int64 `gorm:"index"`
	Event      string `gorm:"size:16;not null"`
	Status     string `gorm:"size:16;not null;index"`
	MessageID  string `gorm:"size:64;not null;uniqueIndex"` // the webhook-id: the same for every attempt
	Payload    string `gorm:"type:text;not null;default:''"`
	Attempts   int    `gorm:"not null;default:0"`
	LastError  string `gorm:"size:300;not null;default:''"`
	Note       string `gorm:"type:text;not null;default:''"`
	DoneByKind string `gorm:"size:16;not null;default:''"`
	DoneByID   *int64
	DoneAt     *time.Time
	CreatedAt  time.Time `gorm:"not null"`
	UpdatedAt  time.Time
}

// WebhookDelivery is one attempt to deliver a task: the log staff read
// when a system does not answer. No body, no personal data.
type WebhookDelivery struct {
	ID         int64     `gorm:"primaryKey"`
	TaskID     int64     `gorm:"not null;index"`
	Attempt    int       `gorm:"not null"`
	StatusCode int       `gorm:"not null;default:0"`
	Error      string    `gorm:"size:300;not null;default:''"`
	DurationMS int64     `gorm:"not null;default:0"`
	CreatedAt  time.Time `gorm:"not null;index"`
}

// VaultDeletion is a vault file to delete once the transaction that
// dropped its row commits: written in that transaction, removed when the
// file is gone, so a crash between the two leaves the file listed here
// rather than forgotten on disk.
type VaultDeletion struct {
	FileKey   string `gorm:"primaryKey;size:100"`
	CreatedAt time.Time
}

// DormancyNotice records the warning mailed to a dormant account before
// retention erases it (deleted if the customer signs in again).
type DormancyNotice struct {
	UserID   int64     `gorm:"primaryKey"`
	WarnedAt time.Time `gorm:"not null"`
	ErasesAt time.Time `gorm:"not null"`
}
