package consent

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// CustomerConsent is what staff see of a customer's consent: the current
// choices and the ledger, newest first. A customer who never chose has
// neither (and no subject is created by looking).
type CustomerConsent struct {
	SubjectID int64
	States    []models.ConsentState
	History   []HistoryEntry
}

// subjectOfUser is the account's subject, or 0 when it has none yet.
func subjectOfUser(tx *gorm.DB, userID int64) (int64, error) {
	var sub models.ConsentSubject
	if err := tx.Where("user_id = ?", userID).Limit(1).Find(&sub).Error; err != nil {
		return 0, fmt.Errorf("consent: subject: %w", err)
	}
	return sub.ID, nil
}

// ForCustomer is the staff panel of the customer page (the route admits
// staff only). limit caps the history shown (0: all).
func (s *Service) ForCustomer(ctx context.Context, userID int64, limit int) (CustomerConsent, error) {
	var out CustomerConsent
	var err error
	db := s.DB.WithContext(ctx)
	if out.SubjectID, err = subjectOfUser(db, userID); err != nil || out.SubjectID == 0 {
		return out, err
	}
	if err := db.Where("subject_id = ?", out.SubjectID).Order("purpose, topic, channel").Find(&out.States).Error; err != nil {
		return out, fmt.Errorf("consent: states: %w", err)
	}
	out.History, err = s.History(ctx, out.SubjectID, limit)
	return out, err
}

// ProofColumns head the consent proof's CSV.
var ProofColumns = []string{"event", "at_utc", "purpose", "topic", "channel", "action", "method", "policy_version",
	"wording_sha256", "locale", "ip_truncated", "user_agent"}

// Proof is one customer's consent proof: every ledger event with its
// evidence as CSV, for staff answering "when did this address
// unsubscribe?" to a regulator or a mailing provider. The download is
// audited (consent.proof_downloaded) in the transaction that reads it.
func (s *Service) Proof(ctx context.Context, a actor.Actor, userID int64) ([]byte, error) {
	if !a.IsStaff() {
		return nil, actor.ErrNotSubject
	}
	var buf bytes.Buffer
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		sub, err := subjectOfUser(tx, userID)
		if err != nil {
			return err
		}
		var rows []HistoryEntry
		if sub != 0 {
			if err := historyQuery(tx, "").Where("e.subject_id = ?", sub).Order("e.at, e.id").Scan(&rows).Error; err != nil {
				return fmt.Errorf("consent: proof: %w", err)
			}
		}
		w := csv.NewWriter(&buf)
		w.Write(ProofColumns)
		for _, r := range rows {
			rec := []any{strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339), r.Purpose, r.Topic, r.Channel, r.Action,
				r.Method, r.PolicyVersion, r.WordingHash, r.Locale, r.IP, r.UserAgent}
			line := make([]string, len(rec))
			for i, v := range rec {
				line[i] = export.Cell(v)
			}
			w.Write(line)
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		e := audit.By(a, "consent.proof_downloaded", "user", strconv.FormatInt(userID, 10))
		e.Details = map[string]string{"events": strconv.Itoa(len(rows))}
		return audit.Append(tx, s.Dialect, e)
	})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// HistoryPage is one page of an account's ledger, newest first, and the
// number of events: the consents category page (holdings' pageLoader).
func (s *Service) HistoryPage(ctx context.Context, userID int64, limit, offset int) ([]HistoryEntry, int64, error) {
	db := s.DB.WithContext(ctx)
	// One statement: the page and, beside each row, how many there are
	// (a window count), so a page costs the same whatever the history.
	var rows []struct {
		HistoryEntry
		Total int64
	}
	err := historyQuery(db, ", COUNT(*) OVER () AS total").
		Joins("JOIN consent_subjects s ON s.id = e.subject_id").
		Where("s.user_id = ?", userID).Order("e.at DESC, e.id DESC").Limit(limit).Offset(offset).Scan(&rows).Error
	if err != nil {
		return nil, 0, fmt.Errorf("consent: history: %w", err)
	}
	if len(rows) == 0 && offset > 0 {
		// Past the last page: only the count is left to tell.
		var total int64
		if err := db.Table("consent_events e").Joins("JOIN consent_subjects s ON s.id = e.subject_id").
			Where("s.user_id = ?", userID).Count(&total).Error; err != nil {
			return nil, 0, fmt.Errorf("consent: history: %w", err)
		}
		return nil, total, nil
	}
	out := make([]HistoryEntry, len(rows))
	var total int64
	for i, r := range rows {
		out[i], total = r.HistoryEntry, r.Total
	}
	return out, total, nil
}
