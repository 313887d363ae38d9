package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// RecoveryCodeCount is how many recovery codes a user gets at a time.
const RecoveryCodeCount = 10

// recoveryAlphabet is Crockford's base32 in lower case: 32 symbols (so a
// random byte maps onto it without bias) with i, l, o and u left out.
// NormalizeRecoveryCode maps the look-alikes a reader may type back onto
// 1 and 0. Twelve symbols give 60 bits.
const recoveryAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

const recoveryLen = 12

// NewRecoveryCodes makes n random codes formatted "k7mq-2xbd-9pfa" to show
// the user once, and the hashes to store (see RecoveryCodeMAC).
func NewRecoveryCodes(keys *vault.KeyRing, n int) (plain []string, hashes []string, err error) {
	buf := make([]byte, n*recoveryLen)
	if _, err := rand.Read(buf); err != nil {
		return nil, nil, fmt.Errorf("auth: recovery codes: %w", err)
	}
	plain = make([]string, n)
	hashes = make([]string, n)
	for i := range n {
		var b strings.Builder
		for j, c := range buf[i*recoveryLen : (i+1)*recoveryLen] {
			if j > 0 && j%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(recoveryAlphabet[c&31])
		}
		plain[i] = b.String()
		hashes[i] = RecoveryCodeMAC(keys, plain[i])
	}
	return plain, hashes, nil
}

// NormalizeRecoveryCode is the form a code is hashed in: lower case,
// without spaces or dashes, with the letters Crockford's alphabet leaves
// out read as the digits they look like.
func NormalizeRecoveryCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '\n' || r == '\r':
			continue
		case r == 'o':
			r = '0'
		case r == 'i' || r == 'l':
			r = '1'
		}
		b.WriteRune(r)
	}
	return b.String()
}

const recoveryPurpose = "recovery-code"

// RecoveryCodeMAC is how a recovery code is stored: the versioned
// HMAC-SHA256 of the normalised code under the server secret. A fast hash
// suits codes of 60 random bits; the key means a stolen table cannot even
// be searched without the key files as well.
func RecoveryCodeMAC(keys *vault.KeyRing, code string) string {
	return keys.MAC(recoveryPurpose, NormalizeRecoveryCode(code))
}

// HashRecoveryCode is the legacy form, the hex SHA-256 of the normalised
// code, from before the server secret. Codes stored this way are still
// accepted (once, as any code) until used or regenerated.
func HashRecoveryCode(code string) string {
	sum := sha256.Sum256([]byte(NormalizeRecoveryCode(code)))
	return hex.EncodeToString(sum[:])
}

// ReplaceRecoveryCodes deletes the user's codes and stores the new hashes,
// all or nothing.
func ReplaceRecoveryCodes(tx *gorm.DB, userID int64, hashes []string) error {
	err := tx.Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("user_id = ?", userID).Delete(&models.RecoveryCode{}).Error; err != nil {
			return err
		}
		if len(hashes) == 0 {
			return nil
		}
		rows := make([]models.RecoveryCode, len(hashes))
		for i, h := range hashes {
			rows[i] = models.RecoveryCode{UserID: userID, CodeHash: h}
		}
		return tx.Create(&rows).Error
	})
	if err != nil {
		return fmt.Errorf("auth: replace recovery codes: %w", err)
	}
	return nil
}

// UseRecoveryCode spends one of the user's unused codes matching code and
// reports whether there was one. The conditional update (used_at IS NULL,
// one row affected) means two concurrent uses of a code cannot both win.
// The code is looked up under every key version (codes made before a
// rotation keep working) and in the legacy unkeyed form.
func UseRecoveryCode(tx *gorm.DB, keys *vault.KeyRing, userID int64, code string, now time.Time) (bool, error) {
	norm := NormalizeRecoveryCode(code)
	if len(norm) != recoveryLen {
		return false, nil
	}
	hashes := append(keys.MACs(recoveryPurpose, norm), HashRecoveryCode(norm))
	var ids []int64
	err := tx.Model(&models.RecoveryCode{}).
		Where("user_id = ? AND code_hash IN ? AND used_at IS NULL", userID, hashes).
		Pluck("id", &ids).Error
	if err != nil {
		return false, fmt.Errorf("auth: use recovery code: %w", err)
	}
	for _, id := range ids {
		res := tx.Model(&models.RecoveryCode{}).
			Where("id = ? AND user_id = ? AND used_at IS NULL", id, userID).
			Update("used_at", now.UTC())
		if res.Error != nil {
			return false, fmt.Errorf("auth: use recovery code: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			return true, nil
		}
	}
	return false, nil
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func RecoveryCodesLeft(ctx context.Context, db *gorm.DB, userID int64) (int64, error) {
	var n int64
	err := db.WithContext(ctx).Model(&models.RecoveryCode{}).
		Where("user_id = ? AND used_at IS NULL", userID).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("auth: recovery codes left: %w", err)
	}
	return n, nil
}
