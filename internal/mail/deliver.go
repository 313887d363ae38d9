package mail

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// sendTimeout bounds one SMTP conversation; the job's lease bounds it too.
const sendTimeout = 30 * time.Second

type deliverPayload struct {
	OutboxID int64 `json:"outbox_id"`
}

// smtpTarget is a parsed SMTP URL: where to connect and how.
type smtpTarget struct {
	host string
	opts []gomail.Option
}

// parseSMTPURL turns smtp:// or smtps:// into go-mail client options. Its
// errors never quote the URL: it may hold a password.
func parseSMTPURL(raw, helo string) (*smtpTarget, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil, errors.New("mail: SMTP URL is not a valid URL (not shown: it may hold a password)")
	}
	host := u.Hostname()
	port := 587
	opts := []gomail.Option{gomail.WithTimeout(sendTimeout)}
	switch u.Scheme {
	case "smtp":
		// Opportunistic: STARTTLS whenever the server offers it, plain
		// otherwise (a relay on localhost, the test server). go-mail's
		// password mechanisms refuse to run unencrypted, so a stripped
		// STARTTLS cannot leak the password.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("mail: SMTP URL scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return nil, errors.New("mail: SMTP URL has an invalid port")
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.Query().Get("insecure") == "1" {
		// Only for test servers with self-signed certificates.
		opts = append(opts, gomail.WithTLSConfig(&tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})) // #nosec G402 -- opt-in via ?insecure=1
	}
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	if helo != "" {
		opts = append(opts, gomail.WithHELO(helo))
	}
	return &smtpTarget{host: host, opts: opts}, nil
}

// heloName is the name the portal gives itself in EHLO: its public host
// name, because many servers reject the bare machine host names that
// containers have. Empty leaves go-mail's default.
func heloName(cfg Config) string {
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	if a, err := netmail.ParseAddress(cfg.From); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 {
			return a.Address[i+1:]
		}
	}
	return ""
}

// Jobs declares the mailer's background work: delivering outbox rows
// read from db (the Mailer itself holds no database; Queue writes through
// the caller's transaction).
func (m *Mailer) Jobs(db *gorm.DB) jobs.Specs {
	return jobs.Specs{{Kind: DeliverKind, Handle: func(ctx context.Context, job *models.Job) error {
		return m.deliver(ctx, db, job)
	}}}
}

// deliver sends one outbox row. It is idempotent: a row already sent (the
// job re-run after a lease expired) is not sent again. Errors are returned
// so the queue retries; attempts and the error are mirrored on the row for
// the outbox page.
func (m *Mailer) deliver(ctx context.Context, db *gorm.DB, job *models.Job) error {
	var p deliverPayload
	if err := json.Unmarshal([]byte(job.Payload), &p); err != nil || p.OutboxID == 0 {
		return fmt.Errorf("mail: bad deliver payload in job %d", job.ID)
	}
	db = db.WithContext(ctx)
	row, err := Get(ctx, db, p.OutboxID)
	if errors.Is(err, ErrNotFound) {
		// Purged, e.g. by retention: nothing left to send.
		m.log.Warn("mail: outbox row gone, not sent", "outbox", p.OutboxID)
		return nil
	}
	if err != nil {
		return err
	}
	if row.Status == models.OutboxSent {
		return nil
	}
	if !m.Configured() {
		// Queued while SMTP was set, and SMTP has since been removed: keep
		// the mail for admins instead of failing it ten times.
		return db.Model(&models.OutboxMessage{}).Where("id = ? AND status = ?", row.ID, models.OutboxPending).
			Update("status", models.OutboxHeld).Error
	}
	sending, err := m.unmask(row)
	if err != nil {
		return fmt.Errorf("mail: outbox %d: %w", row.ID, err)
	}
	if sendErr := m.send(ctx, sending); sendErr != nil {
		// The server's reply may quote the recipient; keep it out of the
		// queue's logs.
		msg := strings.ReplaceAll(sendErr.Error(), row.ToAddress, "<recipient>")
		status := models.OutboxPending
		update := map[string]any{"attempts": job.Attempts, "last_error": msg}
		if job.Attempts >= job.MaxAttempts {
			// Never to be sent: the code has no reader left.
			status = models.OutboxFailed
			update["sealed_code"] = ""
		}
		update["status"] = status
		if err := db.Model(&models.OutboxMessage{}).Where("id = ? AND status <> ?", row.ID, models.OutboxSent).
			Updates(update).Error; err != nil {
			m.log.Error("mail: recording a failed delivery", "outbox", row.ID, "err", err)
		}
		return fmt.Errorf("mail: outbox %d: %s", row.ID, msg)
	}
	now := time.Now().UTC()
	if err := db.Model(&models.OutboxMessage{}).Where("id = ?", row.ID).
		// Delivered: the code is the recipient's alone now, so the outbox
		// forgets it.
		Updates(sentUpdate(row, now, job.Attempts)).Error; err != nil {
		// Sent but not marked: a retry would send twice, so report it
		// without failing the job.
		m.log.Error("mail: sent but not marked sent", "outbox", row.ID, "err", err)
		return nil
	}
	m.log.Info("mail: sent", "outbox", row.ID, "template", row.Template)
	return nil
}

func (m *Mailer) send(ctx context.Context, row models.OutboxMessage) error {
	msg := gomail.NewMsg()
	if err := msg.From(m.cfg.From); err != nil {
		return fmt.Errorf("sender address: %w", err)
	}
	if err := msg.To(row.ToAddress); err != nil {
		return errors.New("invalid recipient address")
	}
	msg.Subject(row.Subject)
	msg.SetDate()
	msg.SetMessageID()
	// RFC 3834: tells mail servers and auto-responders this is automated.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	headers, err := decodeHeaders(row.Headers)
	if err != nil {
		return err
	}
	for _, k := range []string{HeaderListUnsubscribe, HeaderListUnsubscribePost} {
		if v := headers[k]; v != "" {
			// Preformatted: go-mail would otherwise fold or encode the
			// value, and the URL must arrive as queued.
			msg.SetGenHeaderPreformatted(gomail.Header(k), v)
		}
	}
	msg.SetBodyString(gomail.TypeTextPlain, row.TextBody)
	msg.AddAlternativeString(gomail.TypeTextHTML, row.HTMLBody)
	if m.cfg.DKIM != nil {
		if err := m.cfg.DKIM.sign(msg); err != nil {
			return err
		}
	}
	client, err := gomail.NewClient(m.smtp.host, m.smtp.opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	return client.DialAndSendWithContext(ctx, msg)
}

// sentUpdate is what a delivered mail's row becomes: the code is the
// recipient's alone now, so the outbox forgets it; a mail marked Forget
// loses its address and bodies too.
func sentUpdate(row models.OutboxMessage, now time.Time, attempts int) map[string]any {
	u := map[string]any{"status": models.OutboxSent, "sent_at": now, "attempts": attempts, "last_error": "", "sealed_code": ""}
	if row.Forget {
		u["to_address"], u["text_body"], u["html_body"] = "", "", ""
	}
	return u
}
