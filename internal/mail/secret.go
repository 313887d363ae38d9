package mail

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// CodeKey is the template data key of a one-time code. A mail whose data
// carries one is a secret: the outbox stores its bodies with CodeMask in
// the code's place and the code itself sealed apart (SealedCode), until
// delivery. So staff and admins reading the outbox cannot use a customer's
// sign-in or email-change code, and a database backup holds none in clear.
const CodeKey = "Code"

// CodeMask stands in for a code in stored bodies. Templates never contain
// it otherwise (a test checks), so delivery can put the code back by
// replacing it.
const CodeMask = "••••••"

// sealPurpose binds sealed outbox codes to this use.
const sealPurpose = "outbox-code"

// errNoKeys means a code mail was queued by a Mailer built without a key
// ring: refusing is safer than storing the code in clear.
var errNoKeys = errors.New("mail: a mail with a one-time code needs the server key ring (Config.Keys)")

// sealCode takes the code out of data (leaving the mask) and returns it
// sealed; "" when data has no code.
func (m *Mailer) sealCode(data map[string]any) (string, error) {
	code, _ := data[CodeKey].(string)
	if code == "" {
		return "", nil
	}
	if m.cfg.Keys == nil {
		return "", errNoKeys
	}
	data[CodeKey] = CodeMask
	return m.cfg.Keys.Seal(sealPurpose, code)
}

// Code is the one-time code row carries, opened with keys; "" when it has
// none or it was delivered. For the delivery and for tests that read mail
// as the recipient would.
func Code(keys *vault.KeyRing, row models.OutboxMessage) (string, error) {
	if row.SealedCode == "" {
		return "", nil
	}
	if keys == nil {
		return "", errNoKeys
	}
	return keys.Open(sealPurpose, row.SealedCode)
}

// unmask returns row with its code back in the bodies, for sending.
func (m *Mailer) unmask(row models.OutboxMessage) (models.OutboxMessage, error) {
	code, err := Code(m.cfg.Keys, row)
	if err != nil || code == "" {
		return row, err
	}
	row.Subject = strings.ReplaceAll(row.Subject, CodeMask, code)
	row.TextBody = strings.ReplaceAll(row.TextBody, CodeMask, code)
	row.HTMLBody = strings.ReplaceAll(row.HTMLBody, CodeMask, code)
	return row, nil
}

// Readable is row as an admin may read it in the outbox: with its code
// masked, except on an installation made by `portal demo` while no SMTP
// server is set, where the outbox is the only way to get the code and the
// demo needs it. A production installation never shows a code, so an
// admin cannot sign in as a customer.
func (m *Mailer) Readable(ctx context.Context, db *gorm.DB, row models.OutboxMessage) (models.OutboxMessage, error) {
	if row.SealedCode == "" || m.Configured() {
		return row, nil
	}
	demo, err := models.IsDemo(ctx, db)
	if err != nil || !demo {
		return row, err
	}
	return m.unmask(row)
}

// ForgetCodes clears the sealed codes of mails queued before before: past
// the code's lifetime nobody can use it, and a mail held for want of SMTP
// would otherwise keep it for ever. It returns how many it cleared.
func ForgetCodes(ctx context.Context, db *gorm.DB, before time.Time) (int64, error) {
	res := db.WithContext(ctx).Model(&models.OutboxMessage{}).
		Where("sealed_code <> '' AND created_at < ?", before.UTC()).Update("sealed_code", "")
	if res.Error != nil {
		return 0, fmt.Errorf("mail: forget codes: %w", res.Error)
	}
	return res.RowsAffected, nil
}
