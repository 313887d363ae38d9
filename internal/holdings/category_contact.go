package holdings

import (
	"context"
	"fmt"

	"github.com/photolab/privacyportal/models"
)

// KeyContact is the customer's history with customer service: what they
// wrote and what was answered (kept 90 days by default).
const KeyContact = "contact"

type contactCategory struct{}

func (contactCategory) Key() string      { return KeyContact }
func (contactCategory) Path() string     { return "/account/data/contact" }
func (contactCategory) Tables() []string { return []string{"contact_messages"} }

func (contactCategory) Tally() Tally {
	return counted
}

// Contact returns one page of the customer's contact history, newest first.
func (s *Store) Contact(ctx context.Context, userID int64, limit, offset int) ([]models.ContactMessage, int64, error) {
	rows, total, err := list[models.ContactMessage](ctx, s.DB, KeyContact, userID, "created_at DESC, id DESC", limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: contact: %w", err)
	}
	return rows, total, nil
}

// Correctable: a message's subject and body, where a customer shows that
// what was noted of a call or a chat is wrong. The channel, direction and
// time are facts of the exchange.
func (contactCategory) Correctable() []Correctable {
	return []Correctable{
		{Field: "subject", Label: "rectify.field.contact.subject", Record: RecordRow, Table: "contact_messages", Column: "subject", MaxLen: 200},
		{Field: "body", Label: "rectify.field.contact.body", Record: RecordRow, Table: "contact_messages", Column: "body", MaxLen: 10000},
	}
}

// Export: every message with customer service.
func (contactCategory) Export() []Set {
	from, args := byUser("contact_messages")
	return []Set{{Name: "messages", Table: "contact_messages", From: from, Args: args,
		Fields: []Field{f("id", FieldInt), f("created_at", FieldTime), f("channel", FieldString), f("direction", FieldString),
			f("subject", FieldString), f("body", FieldString)},
		Excluded: map[string]string{"user_id": "the account the export is for"}}}
}

// Erasure: the messages go.
func (contactCategory) Erasure() Erasure {
	return Erasure{Default: models.StrategyDelete, Allowed: []string{models.StrategyDelete}}
}

func (contactCategory) Erase(job EraseJob) (Outcome, error) {
	return eraseOwnRows("contact_messages")(job)
}

// Expiries: contact history goes retention.contact (90 days) after it
// was written.
func (contactCategory) Expiries() []Expiry {
	return []Expiry{{Name: "contact_messages", Table: "contact_messages", Key: "id", Where: "t.created_at < ?",
		PeriodSetting: "retention.contact", UserColumn: "user_id"}}
}
