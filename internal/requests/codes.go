package requests

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Code purposes: proving a public request's email, opening its status
// page. Each is bound into the code's hash, so one cannot serve as the
// other.
const (
	CodeVerify = "verify"
	CodeStatus = "status"
	// codeKnowledge is not a mailed code: its row counts the knowledge
	// check's attempts, so the limit survives a failed attempt's rollback.
	codeKnowledge = "knowledge"
)

// codeMailsPerWindow caps how many codes one request mails per code
// lifetime: asking again and again cannot flood the requester's inbox.
const codeMailsPerWindow = 3

// ErrCodeInvalid is the one answer for a wrong, expired, exhausted, used
// or missing code, and for a request that does not exist or is not in a
// state to take one: the page says the same thing in every case.
var ErrCodeInvalid = fault.InvalidFields("requests: code invalid or expired", map[string]string{"code": "request.error.code_invalid"})

// codeHashPurpose binds the keyed hashes to this use.
const codeHashPurpose = "request-code"

// codeInput binds the request and the purpose (NUL cannot occur in any
// part, so no two triples give the same input).
func codeInput(id int64, purpose, code string) string {
	return strconv.FormatInt(id, 10) + "\x00" + purpose + "\x00" + code
}

func (s *Service) hashCode(id int64, purpose, code string) string {
	return s.Secrets.MAC(codeHashPurpose, codeInput(id, purpose, code))
}

// issueCode mails r's requester a fresh code for purpose, inside tx; an
// earlier unused code for the same purpose stops working. It mails
// nothing (and says nothing) once codeMailsPerWindow codes went out
// within the code's lifetime.
func (s *Service) issueCode(tx *gorm.DB, r *models.PrivacyRequest, purpose string) error {
	now := s.now()
	ttl := settings.RequestCodeTTL.Get(s.Settings)
	var recent []models.RequestCode
	if err := tx.Select("id", "created_at").Where("request_id = ? AND purpose = ?", r.ID, purpose).
		Order("id DESC").Limit(codeMailsPerWindow).Find(&recent).Error; err != nil {
		return fmt.Errorf("requests: codes: %w", err)
	}
	if len(recent) == codeMailsPerWindow && now.Sub(recent[len(recent)-1].CreatedAt) < ttl {
		return nil
	}
	code, err := auth.SixDigits()
	if err != nil {
		return fmt.Errorf("requests: code: %w", err)
	}
	if err := tx.Model(&models.RequestCode{}).Where("request_id = ? AND purpose = ? AND used_at IS NULL", r.ID, purpose).
		Update("used_at", now).Error; err != nil {
		return fmt.Errorf("requests: codes: %w", err)
	}
	if err := tx.Create(&models.RequestCode{RequestID: r.ID, Purpose: purpose, CodeHash: s.hashCode(r.ID, purpose, code),
		ExpiresAt: now.Add(ttl), CreatedAt: now}).Error; err != nil {
		return fmt.Errorf("requests: codes: %w", err)
	}
	if s.Mailer == nil {
		return nil
	}
	// The code travels under mail.CodeKey, so the outbox seals it apart
	// and stores only the mask in the bodies.
	_, err = s.Mailer.Queue(tx, mail.Message{To: r.RequesterEmail, Template: "request_code", Locale: r.Locale,
		Data: map[string]any{mail.CodeKey: code, "Minutes": int(ttl.Minutes()), "Number": Number(r.ID),
			"Purpose": purpose, "Name": r.RequesterName, "Link": s.BaseURL + codeLink(r.ID, purpose)}})
	if err != nil {
		return fmt.Errorf("requests: code mail: %w", err)
	}
	return nil
}

// codeLink is the page where the code is typed.
func codeLink(id int64, purpose string) string {
	if purpose == CodeStatus {
		return "/requests/status/" + strconv.FormatInt(id, 10)
	}
	return "/requests/verify/" + strconv.FormatInt(id, 10)
}

// spendCode checks code against request id's newest live code for
// purpose and spends it on a match. Each attempt is counted before the
// comparison with a conditional update committed on its own, so a wrong
// guess counts even though the caller's work is not done, and parallel
// guesses cannot pass the limit; the spend is conditional too, so a code
// works once, and it is made in one transaction with then, the change the
// code proves (nil: none), so a failure leaves the code unspent.
func (s *Service) spendCode(ctx context.Context, id int64, purpose, code string, then func(tx *gorm.DB) error) error {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return ErrCodeInvalid
	}
	db := s.DB.WithContext(ctx)
	now := s.now()
	var row models.RequestCode
	err := db.Where("request_id = ? AND purpose = ? AND used_at IS NULL", id, purpose).Order("id DESC").Limit(1).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrCodeInvalid
	}
	if err != nil {
		return fmt.Errorf("requests: code: %w", err)
	}
	limit := settings.RequestCodeAttempts.Get(s.Settings)
	if !now.Before(row.ExpiresAt) || row.Attempts >= limit {
		return ErrCodeInvalid
	}
	res := db.Model(&models.RequestCode{}).Where("id = ? AND attempts < ? AND used_at IS NULL", row.ID, limit).
		Update("attempts", gorm.Expr("attempts + 1"))
	if res.Error != nil {
		return fmt.Errorf("requests: code: %w", res.Error)
	}
	if res.RowsAffected != 1 || !s.Secrets.CheckMAC(codeHashPurpose, codeInput(id, purpose, code), row.CodeHash) {
		return ErrCodeInvalid
	}
	// The try above is counted on its own, so a wrong code costs one
	// whatever happens next; the code is spent only together with what it
	// proves.
	return s.within(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&models.RequestCode{}).Where("id = ? AND used_at IS NULL", row.ID).Update("used_at", now)
		if res.Error != nil {
			return fmt.Errorf("requests: code: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrCodeInvalid
		}
		if then == nil {
			return nil
		}
		return then(tx)
	})
}
