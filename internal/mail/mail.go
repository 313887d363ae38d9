// Package mail renders the portal's mails from embedded templates in the
// reader's language and sends them through an outbox: every mail is first a
// row in outbox_messages, written in the caller's transaction, then a
// "mail.deliver" job sends it over SMTP with retries. Without SMTP the rows
// stay in the outbox, held, for admins to read.
package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"strings"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// DeliverKind is the job kind that sends one outbox row.
const DeliverKind = "mail.deliver"

// deliverAttempts bounds retries: with the queue's exponential backoff this
// keeps trying for about 17 minutes, then hourly would be past usefulness
// for sign-in alerts and codes.
const deliverAttempts = 10

// ErrNotFound is returned by Get for an id with no outbox row.
var ErrNotFound = fault.New(fault.NotFound, "mail: no such outbox message")

// Config says where mail goes.
type Config struct {
	// SMTPURL is smtp://user:pass@host:port (STARTTLS when offered) or
	// smtps://… (implicit TLS); ?insecure=1 skips certificate checks. Empty
	// keeps every mail in the outbox.
	SMTPURL string
	// From is the sender, e.g. "Privacy Portal <privacy@example.com>".
	From string
	// BaseURL is the portal's public URL, given to every template.
	BaseURL string
	// Keys seals the one-time codes mails carry while they wait in the
	// outbox (see CodeKey).
	Keys *vault.KeyRing
	// DKIM, when set, signs every mail sent (nil: the relay's business).
	DKIM *DKIM
}

// Message is a mail to render and queue.
type Message struct {
	To       string
	Template string // a directory under templates/
	Locale   string // any BCP 47 tag; the closest supported language is used, English failing that
	Data     map[string]any
	// Headers are the extra headers of a mail about a subscription: only
	// List-Unsubscribe and List-Unsubscribe-Post (ListHeaders builds them).
	// Service mails (codes, security notices, requests) leave it nil, so
	// nobody "unsubscribes" from them.
	Headers map[string]string
	// Forget clears the address and the bodies once the mail is
	// delivered: the report of an erasure goes to someone the portal is
	// no longer to know.
	Forget bool
}

// Header names a Message may carry in Headers.
const (
	HeaderListUnsubscribe     = "List-Unsubscribe"
	HeaderListUnsubscribePost = "List-Unsubscribe-Post"
)

// ListHeaders is the RFC 8058 pair for a mail: the List-Unsubscribe
// value as given (already "<https://…>", perhaps with a mailto) and the
// one-click marker.
func ListHeaders(listUnsubscribe, listUnsubscribePost string) map[string]string {
	return map[string]string{HeaderListUnsubscribe: listUnsubscribe, HeaderListUnsubscribePost: listUnsubscribePost}
}

// encodeHeaders checks the extra headers and stores them as JSON. A value
// with a line break would inject headers of its own.
func encodeHeaders(h map[string]string) (string, error) {
	if len(h) == 0 {
		return "", nil
	}
	for k, v := range h {
		if k != HeaderListUnsubscribe && k != HeaderListUnsubscribePost {
			return "", fmt.Errorf("mail: header %q is not allowed", k)
		}
		if strings.ContainsAny(v, "\r\n") {
			return "", fmt.Errorf("mail: header %q has a line break", k)
		}
	}
	b, err := json.Marshal(h)
	return string(b), err
}

// decodeHeaders reads an outbox row's extra headers.
func decodeHeaders(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	var h map[string]string
	if err := json.Unmarshal([]byte(s), &h); err != nil {
		return nil, fmt.Errorf("mail: outbox headers: %w", err)
	}
	return h, nil
}

// Mailer renders and queues mail, and delivers it when registered on a
// job queue.
type Mailer struct {
	cfg       Config
	templates catalog
	smtp      *smtpTarget // nil: no SMTP, mail is held
	log       *slog.Logger
}

// New parses the embedded templates and checks the SMTP URL. Both fail
// here, at start, rather than at the first mail.
func New(cfg Config, logger *slog.Logger) (*Mailer, error) {
	if logger == nil {
		logger = slog.Default()
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if _, err := netmail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("mail: sender address: %w", err)
	}
	cat, err := parseTemplates(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	m := &Mailer{cfg: cfg, templates: cat, log: logger.With("component", "mail")}
	if cfg.SMTPURL != "" {
		if m.smtp, err = parseSMTPURL(cfg.SMTPURL, heloName(cfg)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Configured reports whether mail is sent, rather than held in the outbox.
func (m *Mailer) Configured() bool { return m.smtp != nil }

// Queue renders msg and writes it to the outbox with tx. With SMTP it also
// enqueues its delivery job with tx, so the mail goes out exactly when tx
// commits; without, the row is held. Pass a transaction, not the bare DB,
// when the mail belongs to another change.
func (m *Mailer) Queue(tx *gorm.DB, msg Message) (int64, error) {
	addr, err := netmail.ParseAddress(msg.To)
	if err != nil {
		// The address itself is personal data: it stays out of the error.
		return 0, errors.New("mail: invalid recipient address")
	}
	headers, err := encodeHeaders(msg.Headers)
	if err != nil {
		return 0, err
	}
	data := make(map[string]any, len(msg.Data)+1)
	for k, v := range msg.Data {
		data[k] = v
	}
	data["BaseURL"] = m.cfg.BaseURL
	sealed, err := m.sealCode(data)
	if err != nil {
		return 0, err
	}
	r, err := m.templates.render(msg.Template, msg.Locale, data)
	if err != nil {
		return 0, err
	}
	row := models.OutboxMessage{
		ToAddress: addr.Address,
		Template:  msg.Template,
		Locale:    r.locale,
		Subject:   r.subject,
		TextBody:  r.text,
		HTMLBody:  r.html,
		Status:    models.OutboxHeld,
		Headers:   headers,
		Forget:    msg.Forget,
	}
	row.SealedCode = sealed
	if m.Configured() {
		row.Status = models.OutboxPending
	}
	if err := tx.Create(&row).Error; err != nil {
		return 0, fmt.Errorf("mail: outbox: %w", err)
	}
	if m.Configured() {
		if _, err := jobs.Enqueue(tx, DeliverKind, deliverPayload{OutboxID: row.ID}, jobs.MaxAttempts(deliverAttempts)); err != nil {
			return 0, fmt.Errorf("mail: outbox %d: %w", row.ID, err)
		}
	}
	m.log.Info("mail: queued", "outbox", row.ID, "template", row.Template, "locale", row.Locale, "status", row.Status)
	return row.ID, nil
}

// List returns one page of the outbox, newest first, and its total size.
func List(ctx context.Context, db *gorm.DB, limit, offset int) ([]models.OutboxMessage, int64, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	offset = max(offset, 0)
	var total int64
	if err := db.WithContext(ctx).Model(&models.OutboxMessage{}).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("mail: outbox: %w", err)
	}
	var rows []models.OutboxMessage
	if err := db.WithContext(ctx).Order("created_at DESC, id DESC").Limit(limit).Offset(offset).Find(&rows).Error; err != nil {
		return nil, 0, fmt.Errorf("mail: outbox: %w", err)
	}
	return rows, total, nil
}

// Get returns one outbox row, or ErrNotFound.
func Get(ctx context.Context, db *gorm.DB, id int64) (models.OutboxMessage, error) {
	var row models.OutboxMessage
	err := db.WithContext(ctx).Take(&row, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, ErrNotFound
	}
	if err != nil {
		return row, fmt.Errorf("mail: outbox %d: %w", id, err)
	}
	return row, nil
}
