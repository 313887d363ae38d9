package account

import (
	"context"
	"fmt"

	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TOTPPurpose binds sealed TOTP secrets: a value sealed for another use
// (an outbox code) does not open as a second factor.
const TOTPPurpose = "totp-secret"

// ResealTOTP re-encrypts every TOTP secret, enrolled and pending, with the
// key ring's current version; secrets still in clear from before sealing
// are sealed. `portal keys rotate` runs it after adding a key version, so
// older key files are only needed for values this did not reach. Each row
// is rewritten only if it still holds what was read, so a user enrolling
// or disabling at the same moment wins. It returns how many users it
// rewrote; running it again rewrites none.
func ResealTOTP(ctx context.Context, db *gorm.DB, secrets *vault.KeyRing) (int, error) {
	current := secrets.Version()
	var users []models.User
	err := db.WithContext(ctx).Select("id", "totp_secret", "totp_pending_secret").
		Where("totp_secret <> '' OR totp_pending_secret <> ''").Order("id").Find(&users).Error
	if err != nil {
		return 0, fmt.Errorf("account: reseal TOTP: %w", err)
	}
	n := 0
	for _, u := range users {
		secret, err := reseal(secrets, current, u.TOTPSecret)
		if err != nil {
			return n, fmt.Errorf("account: reseal TOTP of user %d: %w", u.ID, err)
		}
		pending, err := reseal(secrets, current, u.TOTPPendingSecret)
		if err != nil {
			return n, fmt.Errorf("account: reseal TOTP of user %d: %w", u.ID, err)
		}
		if secret == u.TOTPSecret && pending == u.TOTPPendingSecret {
			continue
		}
		res := db.WithContext(ctx).Model(&models.User{}).
			Where("id = ? AND totp_secret = ? AND totp_pending_secret = ?", u.ID, u.TOTPSecret, u.TOTPPendingSecret).
			Updates(map[string]any{"totp_secret": secret, "totp_pending_secret": pending})
		if res.Error != nil {
			return n, fmt.Errorf("account: reseal TOTP of user %d: %w", u.ID, res.Error)
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

// reseal returns v sealed with the current version, or v itself when it is
// empty or already current.
func reseal(secrets *vault.KeyRing, current int, v string) (string, error) {
	if v == "" || vault.SealedVersion(v) == current {
		return v, nil
	}
	clear, err := secrets.Open(TOTPPurpose, v)
	if err != nil {
		return "", err
	}
	return secrets.Seal(TOTPPurpose, clear)
}
