package mail

import (
	"context"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Outbox is the admin's view of the mail queue: it lists and opens queued
// and sent mails (each opening audited, since a mail holds a customer's
// address and name) and sends a test mail.
type Outbox struct {
	DB      *gorm.DB
	Dialect models.Dialect
	Mailer  *Mailer
}

// List is one page of the outbox, newest first, with its total size.
func (o *Outbox) List(ctx context.Context, limit, offset int) ([]models.OutboxMessage, int64, error) {
	return List(ctx, o.DB, limit, offset)
}

// Open returns one mail for a staff reader and records that it was read.
func (o *Outbox) Open(ctx context.Context, a actor.Actor, id int64) (models.OutboxMessage, error) {
	if err := a.RequireAdmin(); err != nil {
		return models.OutboxMessage{}, err
	}
	m, err := Get(ctx, o.DB, id)
	if err != nil {
		return m, err
	}
	// One-time codes stay masked, except on a demo without SMTP.
	if m, err = o.Mailer.Readable(ctx, o.DB, m); err != nil {
		return m, err
	}
	err = o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return audit.Append(tx, o.Dialect, audit.By(a, "admin.outbox_read", "outbox_message", strconv.FormatInt(id, 10)))
	})
	if err != nil {
		return models.OutboxMessage{}, fmt.Errorf("mail: outbox read: %w", err)
	}
	return m, nil
}

// Held counts mails kept in the outbox because no SMTP server is set.
func (o *Outbox) Held(ctx context.Context) (int64, error) {
	var n int64
	err := o.DB.WithContext(ctx).Model(&models.OutboxMessage{}).Where("status = ?", models.OutboxHeld).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("mail: outbox held: %w", err)
	}
	return n, nil
}

// MsgInvalidAddress is the message id shown beside a test address that is
// not a plain email address.
const MsgInvalidAddress = "outbox.error.invalid_address"

// SendTest queues the test mail to an address, so an admin can check the
// mail set-up end to end; the mail and its audit row commit together.
func (o *Outbox) SendTest(ctx context.Context, a actor.Actor, to string) (int64, error) {
	if err := a.RequireAdmin(); err != nil {
		return 0, err
	}
	to = strings.TrimSpace(to)
	if addr, err := netmail.ParseAddress(to); err != nil || addr.Address != to {
		return 0, fault.InvalidFields("mail: test address", map[string]string{"to": MsgInvalidAddress})
	}
	var id int64
	err := o.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if id, err = o.Mailer.Queue(tx, Message{To: to, Template: "test", Locale: a.Locale}); err != nil {
			return err
		}
		return audit.Append(tx, o.Dialect, audit.By(a, "admin.mail_test", "outbox_message", strconv.FormatInt(id, 10)))
	})
	return id, err
}

// Delivers reports whether mail leaves the portal (SMTP is set) or stays
// in the outbox for admins to read.
func (o *Outbox) Delivers() bool { return o.Mailer.Configured() }
