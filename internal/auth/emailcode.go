package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Limits of an emailed code.
const (
	EmailCodeTTL         = 15 * time.Minute
	EmailCodeMaxAttempts = 5
)

// ErrCodeInvalid is the one answer for a wrong, expired, exhausted, used or
// missing code, so the page says the same thing in every case.
var ErrCodeInvalid = errors.New("auth: code invalid or expired")

// CodeLimits are an emailed code's rules; the constants above are their
// defaults, and internal/settings lets an admin change them.
type CodeLimits struct {
	TTL         time.Duration
	MaxAttempts int
}

// DefaultCodeLimits are EmailCodeTTL and EmailCodeMaxAttempts.
func DefaultCodeLimits() CodeLimits {
	return CodeLimits{TTL: EmailCodeTTL, MaxAttempts: EmailCodeMaxAttempts}
}

// Codes issues and verifies 6-digit one-time codes sent by mail.
type Codes struct {
	DB *gorm.DB
	// Keys keys the stored hashes with the server secret.
	Keys *vault.KeyRing
	Now  func() time.Time
	// Limits reads the current rules when a code is issued or checked;
	// nil means DefaultCodeLimits.
	Limits func() CodeLimits
}

func (c *Codes) limits() CodeLimits {
	if c.Limits == nil {
		return DefaultCodeLimits()
	}
	return c.Limits()
}

func (c *Codes) now() time.Time { return c.Now().UTC() }

// normEmail is the form an address is stored and looked up in.
func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Issue makes a new code for email and purpose, stores it hashed through tx
// (so the caller can queue the mail in the same transaction; nil means
// c.DB) and returns it to be mailed. Earlier unused codes for the same email
// and purpose stop working: only the latest mail counts.
func (c *Codes) Issue(tx *gorm.DB, email string, purpose models.CodePurpose, userID *int64) (code string, err error) {
	if tx == nil {
		tx = c.DB
	}
	email = normEmail(email)
	now := c.now()
	code, err = SixDigits()
	if err != nil {
		return "", fmt.Errorf("auth: issue code: %w", err)
	}
	hash := hashEmailCode(c.Keys, email, purpose, code)
	err = tx.Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&models.EmailCode{}).
			Where("email = ? AND purpose = ? AND used_at IS NULL", email, purpose).
			Update("used_at", now).Error; err != nil {
			return err
		}
		return tx.Create(&models.EmailCode{
			Email: email, Purpose: purpose, UserID: userID, CodeHash: hash,
			ExpiresAt: now.Add(c.limits().TTL), CreatedAt: now,
		}).Error
	})
	if err != nil {
		return "", fmt.Errorf("auth: issue code: %w", err)
	}
	return code, nil
}

// Verify checks code against the newest live code for email and purpose and
// spends it on a match. The attempt is counted before comparing, with a
// conditional update, so parallel guesses cannot exceed the limit; the code
// is spent with a conditional update too, so it works exactly once.
func (c *Codes) Verify(ctx context.Context, email string, purpose models.CodePurpose, code string) (*models.EmailCode, error) {
	email = normEmail(email)
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 || !allDigits(code) {
		return nil, ErrCodeInvalid
	}
	now := c.now()
	db := c.DB.WithContext(ctx)
	var row models.EmailCode
	err := db.Where("email = ? AND purpose = ? AND used_at IS NULL", email, purpose).
		Order("id DESC").Limit(1).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrCodeInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("auth: verify code: %w", err)
	}
	// Expiry is compared here rather than in SQL: SQLite keeps times as
	// text, and one comparison in Go is right on both databases.
	maxAttempts := c.limits().MaxAttempts
	if !now.Before(row.ExpiresAt) || row.Attempts >= maxAttempts {
		return nil, ErrCodeInvalid
	}
	res := db.Model(&models.EmailCode{}).
		Where("id = ? AND attempts < ? AND used_at IS NULL", row.ID, maxAttempts).
		Update("attempts", gorm.Expr("attempts + 1"))
	if res.Error != nil {
		return nil, fmt.Errorf("auth: verify code: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return nil, ErrCodeInvalid
	}
	row.Attempts++
	if !checkEmailCode(c.Keys, row.CodeHash, email, purpose, code) {
		return nil, ErrCodeInvalid
	}
	res = db.Model(&models.EmailCode{}).
		Where("id = ? AND used_at IS NULL", row.ID).
		Update("used_at", now)
	if res.Error != nil {
		return nil, fmt.Errorf("auth: verify code: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return nil, ErrCodeInvalid
	}
	row.UsedAt = &now
	return &row, nil
}

// SixDigits is a uniform one-time code from 000000 to 999999: 32-bit values at or
// above the largest multiple of a million are drawn again, so no code is
// likelier than another.
func SixDigits() (string, error) {
	const limit = (1 << 32) / 1_000_000 * 1_000_000
	var b [4]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return "", err
		}
		if v := binary.BigEndian.Uint32(b[:]); v < limit {
			return fmt.Sprintf("%06d", v%1_000_000), nil
		}
	}
}

// The stored CodeHash is "v<n>:" and the hex HMAC-SHA256, under version n
// of the server secret (vault.KeyRing), of email, purpose and code.
// Binding email and purpose means a row's hash is no good for another
// address or use. The server key is what makes a stolen row useless: there
// are only a million codes, so any unkeyed (or salt-keyed) hash of one is
// searched offline in a moment, confirming a guessed address and code to
// whoever holds a backup. Without the key files the hash reveals nothing.
// Rows of the older form (16 hex digits of salt, then 48 hex digits of an
// HMAC keyed by that salt) are still checked, for the 15 minutes the codes
// mailed before the upgrade live.
const emailCodePurpose = "email-code"

func emailCodeInput(email string, purpose models.CodePurpose, code string) string {
	// NUL separators: none of the parts can contain one, so no two
	// different triples give the same input.
	return email + "\x00" + string(purpose) + "\x00" + code
}

func hashEmailCode(keys *vault.KeyRing, email string, purpose models.CodePurpose, code string) string {
	return keys.MAC(emailCodePurpose, emailCodeInput(email, purpose, code))
}

func checkEmailCode(keys *vault.KeyRing, stored, email string, purpose models.CodePurpose, code string) bool {
	if vault.SealedVersion(stored) != 0 {
		return keys.CheckMAC(emailCodePurpose, emailCodeInput(email, purpose, code), stored)
	}
	return checkLegacyEmailCode(stored, email, purpose, code)
}

const emailSaltLen = 8

func checkLegacyEmailCode(stored, email string, purpose models.CodePurpose, code string) bool {
	if len(stored) != 64 {
		return false
	}
	salt, err := hex.DecodeString(stored[:2*emailSaltLen])
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(emailCodeInput(email, purpose, code)))
	want := hex.EncodeToString(m.Sum(nil)[:24])
	return hmac.Equal([]byte(want), []byte(stored[2*emailSaltLen:]))
}
