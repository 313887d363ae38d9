package models

import "time"

// Profile is what a customer can correct about themselves. Version goes up
// on every save, so a form saved from a stale copy is detected instead of
// silently overwriting the newer one.
type Profile struct {
	UserID            int64  `gorm:"primaryKey;autoIncrement:false"`
	FirstName         string `gorm:"size:100;not null;default:''"`
	LastName          string `gorm:"size:100;not null;default:''"`
	Phone             string `gorm:"size:32;not null;default:''"` // E.164
	BirthDate         string `gorm:"size:10;not null;default:''"` // YYYY-MM-DD
	Gender            string `gorm:"size:16;not null;default:''"`
	PreferredLanguage string `gorm:"size:16;not null;default:''"`
	TimeZone          string `gorm:"size:64;not null;default:''"` // IANA name; empty: the shop's zone
	Version           int64  `gorm:"not null;default:1"`
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// AddressKind tells a billing address from a delivery one.
type AddressKind string

const (
	AddressBilling  AddressKind = "billing"
	AddressDelivery AddressKind = "delivery"
)

// Address is one postal address of a customer (one per kind).
type Address struct {
	ID         int64       `gorm:"primaryKey"`
	UserID     int64       `gorm:"not null;uniqueIndex:idx_addresses_user_kind,priority:1"`
	Kind       AddressKind `gorm:"size:16;not null;uniqueIndex:idx_addresses_user_kind,priority:2"`
	Line1      string      `gorm:"size:200;not null;default:''"`
	Line2      string      `gorm:"size:200;not null;default:''"`
	PostalCode string      `gorm:"size:20;not null;default:''"`
	City       string      `gorm:"size:100;not null;default:''"`
	Region     string      `gorm:"size:100;not null;default:''"`
	Country    string      `gorm:"size:2;not null;default:''"` // ISO 3166-1 alpha-2
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ProfileChange is one corrected field, shown to the customer as their
// change history: who changed what, from what, to what, and when.
type ProfileChange struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_profile_changes_user,priority:1"`
	CreatedAt time.Time `gorm:"not null;index:idx_profile_changes_user,priority:2"`
	Field     string    `gorm:"size:50;not null"`
	OldValue  string    `gorm:"type:text;not null;default:''"`
	NewValue  string    `gorm:"type:text;not null;default:''"`
	ActorKind string    `gorm:"size:16;not null"` // customer, staff, api
	ActorID   *int64
	// RequestID is the privacy request a staff correction answered.
	RequestID *int64
}

// Order is one shop order.
type Order struct {
	ID             int64     `gorm:"primaryKey"`
	UserID         int64     `gorm:"not null;index:idx_orders_user_placed,priority:1"`
	Number         string    `gorm:"size:32;not null;uniqueIndex"`
	PlacedAt       time.Time `gorm:"not null;index:idx_orders_user_placed,priority:2"`
	Status         string    `gorm:"size:20;not null"`
	DeliveryStatus string    `gorm:"size:20;not null;default:''"`
	TotalCents     int64     `gorm:"not null;default:0"`
	// TaxCents is the tax included in TotalCents (the invoice shows it,
	// and bookkeeping keeps it after an erasure).
	TaxCents  int64  `gorm:"not null;default:0"`
	Currency  string `gorm:"size:3;not null"`
	PaidAt    *time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Order statuses and delivery statuses. The customer sees each translated
// (views: order.status.*, order.delivery.*), so only these may be stored.
const (
	OrderPlaced       = "placed"
	OrderPaid         = "paid"
	OrderInProduction = "in_production"
	OrderShipped      = "shipped"
	OrderDelivered    = "delivered"
	OrderCancelled    = "cancelled"
	OrderRefunded     = "refunded"

	DeliveryPending   = "pending"
	DeliveryInTransit = "in_transit"
	DeliveryDelivered = "delivered"
	DeliveryReturned  = "returned"
)

// OrderStatuses and DeliveryStatuses list the allowed values ("" means no
// delivery status yet).
var (
	OrderStatuses    = []string{OrderPlaced, OrderPaid, OrderInProduction, OrderShipped, OrderDelivered, OrderCancelled, OrderRefunded}
	DeliveryStatuses = []string{"", DeliveryPending, DeliveryInTransit, DeliveryDelivered, DeliveryReturned}
	// PaymentMethods are the methods the portal has labels for; the shop
	// may send others, which are shown as stored.
	PaymentMethods = []string{"card", "paypal", "bank_transfer", "gift_card"}
	// ContactChannels are the ways a customer reached customer service.
	ContactChannels = []string{"email", "phone", "chat"}
)

// OrderItem is one line of an order.
type OrderItem struct {
	ID             int64  `gorm:"primaryKey"`
	OrderID        int64  `gorm:"not null;index"`
	Description    string `gorm:"size:200;not null"`
	Quantity       int    `gorm:"not null;default:1"`
	UnitPriceCents int64  `gorm:"not null;default:0"`
}

// Payment is a payment reference: the provider and the last four digits,
// never a card number.
type Payment struct {
	ID          int64     `gorm:"primaryKey"`
	UserID      int64     `gorm:"not null;index:idx_payments_user_paid,priority:1"`
	OrderID     *int64    `gorm:"index"`
	Provider    string    `gorm:"size:50;not null"`
	Method      string    `gorm:"size:30;not null;default:''"`
	Last4       string    `gorm:"size:4;not null;default:''"`
	AmountCents int64     `gorm:"not null"`
	Currency    string    `gorm:"size:3;not null"`
	PaidAt      time.Time `gorm:"not null;index:idx_payments_user_paid,priority:2"`
}

// Photo is an uploaded photo: metadata here, the file and its thumbnail
// encrypted in the file store under their keys.
type Photo struct {
	ID          int64      `gorm:"primaryKey"`
	UserID      int64      `gorm:"not null;index:idx_photos_user_uploaded,priority:1"`
	OrderID     *int64     `gorm:"index"`
	Filename    string     `gorm:"size:255;not null"`
	ContentType string     `gorm:"size:100;not null"`
	SizeBytes   int64      `gorm:"not null;default:0"`
	Width       int        `gorm:"not null;default:0"`
	Height      int        `gorm:"not null;default:0"`
	FileKey     string     `gorm:"size:100;not null;default:''"`
	ThumbKey    string     `gorm:"size:100;not null;default:''"`
	UploadedAt  time.Time  `gorm:"not null;index:idx_photos_user_uploaded,priority:2"`
	PaidAt      *time.Time `gorm:"index:idx_photos_paid_at"`
}

// ContactMessage is one message between the customer and customer service.
type ContactMessage struct {
	ID        int64     `gorm:"primaryKey"`
	UserID    int64     `gorm:"not null;index:idx_contact_messages_user,priority:1"`
	CreatedAt time.Time `gorm:"not null;index:idx_contact_messages_user,priority:2;index:idx_contact_messages_created_at"`
	Channel   string    `gorm:"size:16;not null"` // email, phone, chat
	Direction string    `gorm:"size:8;not null"`  // in (from the customer), out
	Subject   string    `gorm:"size:200;not null;default:''"`
	Body      string    `gorm:"type:text;not null;default:''"`
}

// SurveyAnswer is one answer to a survey or competition question.
type SurveyAnswer struct {
	ID         int64     `gorm:"primaryKey"`
	UserID     int64     `gorm:"not null;index:idx_survey_answers_user,priority:1"`
	AnsweredAt time.Time `gorm:"not null;index:idx_survey_answers_user,priority:2"`
	Kind       string    `gorm:"size:16;not null"` // survey, competition
	Title      string    `gorm:"size:200;not null"`
	Question   string    `gorm:"size:500;not null"`
	Answer     string    `gorm:"type:text;not null;default:''"`
}

// DataCategory describes one kind of data the business holds, as the
// customer sees it explained. Texts are JSON objects keyed by language
// ({"en": "...", "fr": "...", "zh-CN": "..."}) so admins can edit them as
// data, not code.
type DataCategory struct {
	ID            int64  `gorm:"primaryKey"`
	Key           string `gorm:"size:32;not null;uniqueIndex"`
	Sort          int    `gorm:"not null;default:0"`
	Name          string `gorm:"type:text;not null"`
	Description   string `gorm:"type:text;not null"`
	RetentionText string `gorm:"type:text;not null"`
	RetentionDays int    `gorm:"not null;default:0"` // 0: as long as the account exists
	Source        string `gorm:"type:text;not null"`
	Recipients    string `gorm:"type:text;not null"`
	CustomerEdits bool   `gorm:"not null;default:false"`
	UpdatedAt     time.Time
}

// LawfulBasis is the GDPR Art. 6 ground for a purpose.
type LawfulBasis string

const (
	BasisContract           LawfulBasis = "contract"
	BasisConsent            LawfulBasis = "consent"
	BasisLegalObligation    LawfulBasis = "legal_obligation"
	BasisLegitimateInterest LawfulBasis = "legitimate_interest"
)

// DataPurpose is one use of a category's data and why it is lawful.
type DataPurpose struct {
	ID         int64       `gorm:"primaryKey"`
	CategoryID int64       `gorm:"not null;index"`
	Sort       int         `gorm:"not null;default:0"`
	Basis      LawfulBasis `gorm:"size:24;not null"`
	Text       string      `gorm:"type:text;not null"` // JSON by language
}

// PolicyVersion is one published version of the privacy policy.
type PolicyVersion struct {
	ID          int64     `gorm:"primaryKey"`
	Version     string    `gorm:"size:32;not null;uniqueIndex"`
	PublishedAt time.Time `gorm:"not null;index"`
	Body        string    `gorm:"type:text;not null"` // Markdown, JSON by language
}

// PolicyAck records that a customer acknowledged a policy version.
type PolicyAck struct {
	ID              int64     `gorm:"primaryKey"`
	UserID          int64     `gorm:"not null;uniqueIndex:idx_policy_acks_user_version,priority:1"`
	PolicyVersionID int64     `gorm:"not null;uniqueIndex:idx_policy_acks_user_version,priority:2"`
	AcknowledgedAt  time.Time `gorm:"not null"`
}

// HoldingTally is how many rows a customer has in one counted category,
// and when the newest was made, kept by triggers on the category's table (migration 00007), so pages
// need not count a long history on every view.
type HoldingTally struct {
	UserID     int64  `gorm:"primaryKey;autoIncrement:false"`
	Category   string `gorm:"primaryKey;size:32"`
	N          int64  `gorm:"not null;default:0"`
	LastChange *time.Time
}

// Revision counts changes to something instances cache ("catalog": the
// data categories, purposes and policy versions). Triggers bump it, so an
// instance notices any writer's change by polling one row.
type Revision struct {
	Name string `gorm:"primaryKey;size:32"`
	N    int64  `gorm:"not null;default:0"`
}
