package consent

import (
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The suppression list (models.Suppression) holds keyed hashes of the
// addresses that must never receive marketing again: erased people's,
// and any an admin adds. What it stops, and what it does not:
//
//   - the audience: a suppressed address is never in it (suppression);
//   - a re-subscribe: an opt-in of a suppressed address is refused with
//     consent.error.suppressed, whatever the path (the preferences page,
//     a double opt-in confirmation, a public form or an import, which
//     check Suppressed). That includes a new account the person opens
//     later with the same address: the issue promises "no marketing to
//     that address again", and the list holds a hash of an address, not
//     a person, so the portal cannot tell the erased customer from the
//     next holder of the address, nor a fresh wish from an old record
//     coming back. The account itself is allowed (orders, requests,
//     downloads all work); only marketing to the address stays off,
//     until an admin lifts the suppression (the row's removal, a staff
//     action outside this issue).
//   - a re-import: the integration API checks Suppressed before it
//     creates or updates anyone from the shop's records.

// SuppressionPurpose is the key ring purpose of the list's hashes.
const SuppressionPurpose = "suppression"

// MethodReplay is the ledger method of a withdrawal re-applied by
// `portal erasure replay` after a database restore.
const MethodReplay = "replay"

// BlockSuppressed is the refusal of an opt-in of a suppressed address.
const BlockSuppressed = "consent.error.suppressed"

// ErrSuppressed is an opt-in (or an import) of a suppressed address.
var ErrSuppressed = fault.New(fault.Forbidden, "consent: the address is on the suppression list")

// suppressionHashes is email's list hashes under every key version.
func suppressionHashes(keys *vault.KeyRing, email string) []string {
	return keys.MACs(SuppressionPurpose, normalize(email))
}

// Suppress puts email on the suppression list in tx, under every key
// version the ring holds, so a lookup made after a rotation, or with a
// key retired from sealing, still finds it. An account holding the
// address now (an admin's suppression, or an erasure that kept the
// account under a hold) gets the mark the audience statement reads: its
// ledger subject carries the address's list hash.
//
// The erased subject's own address hash (a signed-out opt-out it grew
// from) is left as it is: it keeps that withdrawal attached to the
// address after the erasure (holdings' consents category says so).
func Suppress(tx *gorm.DB, keys *vault.KeyRing, email, reason string, now time.Time) error {
	addr := normalize(email)
	if addr == "" {
		return nil
	}
	hashes := suppressionHashes(keys, addr)
	for _, h := range hashes {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&models.Suppression{Hash: h, Reason: reason, CreatedAt: now}).Error; err != nil {
			return fmt.Errorf("consent: suppress: %w", err)
		}
	}
	var uid int64
	if err := tx.Model(&models.User{}).Where("email = ?", addr).Select("id").Limit(1).Scan(&uid).Error; err != nil {
		return fmt.Errorf("consent: suppress: %w", err)
	}
	if uid == 0 {
		return nil
	}
	return markSubject(tx, uid, hashes[0], hashes, now)
}

// markSubject gives account uid's ledger subject the list hash mark
// (creating the subject if it has none), taking the mark off any other.
// An account subject's address hash only ever served to find it while
// it had no account, so replacing it loses nothing.
func markSubject(tx *gorm.DB, uid int64, mark string, hashes []string, now time.Time) error {
	if err := tx.Model(&models.ConsentSubject{}).Where("email_hash IN ? AND (user_id IS NULL OR user_id <> ?)", hashes, uid).
		Update("email_hash", nil).Error; err != nil {
		return fmt.Errorf("consent: suppress: %w", err)
	}
	res := tx.Model(&models.ConsentSubject{}).Where("user_id = ?", uid).Update("email_hash", mark)
	if res.Error != nil {
		return fmt.Errorf("consent: suppress: %w", res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	if err := tx.Create(&models.ConsentSubject{UserID: &uid, EmailHash: &mark, CreatedAt: now}).Error; err != nil {
		return fmt.Errorf("consent: suppress: %w", err)
	}
	return nil
}

// Suppressed reports whether email is on the suppression list, by its
// hash under any key version: the check an import makes before it
// creates or updates anyone, and every opt-in path.
func Suppressed(tx *gorm.DB, keys *vault.KeyRing, email string) (bool, error) {
	if normalize(email) == "" {
		return false, nil
	}
	var n int64
	if err := tx.Model(&models.Suppression{}).Where("hash IN ?", suppressionHashes(keys, email)).Count(&n).Error; err != nil {
		return false, fmt.Errorf("consent: suppressed: %w", err)
	}
	return n > 0, nil
}

// suppressionKeys is email's list hashes for a query (none without a
// key ring or an address: the IN list then matches nothing).
func (s *Service) suppressionKeys(email string) []string {
	if s.Secrets == nil || normalize(email) == "" {
		return []string{""}
	}
	return suppressionHashes(s.Secrets, email)
}

// refuseSuppressed reports whether an opt-in of email is to be refused
// for the suppression list.
func (s *Service) refuseSuppressed(tx *gorm.DB, email string) (bool, error) {
	if s.Secrets == nil {
		return false, nil
	}
	return Suppressed(tx, s.Secrets, email)
}

// Withdrawal is one withdrawal Apply appended, for the Withdrawn hook:
// whom it is about (the account's id and address, or for someone
// without an account the subject's stored address hash) and what.
type Withdrawal struct {
	UserID      int64
	Email       string
	SubjectHash string
	Purpose     string
	Topic       string
	Channel     string
	Method      string
	At          time.Time
}

// heardWithdrawals passes Apply's withdrawals to the Withdrawn hook.
func (s *Service) heardWithdrawals(tx *gorm.DB, subjectID int64, events []models.ConsentEvent) error {
	if s.Withdrawn == nil {
		return nil
	}
	var who struct {
		UserID    *int64
		Email     *string
		EmailHash *string
	}
	looked := false
	for _, e := range events {
		if e.Action != models.ConsentWithdrawn {
			continue
		}
		if !looked {
			if err := tx.Raw(`SELECT sub.user_id, u.email, sub.email_hash FROM consent_subjects sub
				LEFT JOIN users u ON u.id = sub.user_id WHERE sub.id = ?`, subjectID).Scan(&who).Error; err != nil {
				return fmt.Errorf("consent: withdrawal: %w", err)
			}
			looked = true
		}
		w := Withdrawal{Purpose: e.Purpose, Topic: e.Topic, Channel: e.Channel, Method: e.Method, At: e.At}
		if who.UserID != nil {
			w.UserID = *who.UserID
			if who.Email != nil {
				w.Email = *who.Email
			}
		} else if who.EmailHash != nil {
			w.SubjectHash = *who.EmailHash
		}
		if err := s.Withdrawn(tx, w); err != nil {
			return fmt.Errorf("consent: withdrawal journal: %w", err)
		}
	}
	return nil
}
