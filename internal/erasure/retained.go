package erasure

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Retained invoices are hidden from every normal view: no customer page,
// no list, no export shows them. Staff find one by its number (for an
// auditor or a tax inspection) and each reading of one is audited.

// ErrRetainedNotFound is an unknown retained invoice.
var ErrRetainedNotFound = fault.New(fault.NotFound, "erasure: retained invoice not found")

// maxRetainedResults bounds one search.
const maxRetainedResults = 50

// SearchRetained finds retained invoices whose number starts with
// number (at least 3 characters; fewer lists nothing), staff only. The
// rows carry only number, dates and amounts; the buyer's fields are
// blanked.
func (s *Service) SearchRetained(ctx context.Context, a actor.Actor, number string) ([]models.RetainedInvoice, error) {
	if !a.IsStaff() {
		return nil, fault.New(fault.Forbidden, "erasure: staff only")
	}
	number = strings.TrimSpace(number)
	if len([]rune(number)) < 3 {
		return nil, nil
	}
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	var out []models.RetainedInvoice
	err := s.DB.WithContext(ctx).Select("id", "number", "issued_at", "currency", "total_cents", "tax_cents", "retain_until").
		Where(`number LIKE ? ESCAPE '\'`, r.Replace(number)+"%").Order("number").Limit(maxRetainedResults).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("erasure: search retained: %w", err)
	}
	return out, nil
}

// ViewRetained reads one retained invoice in full, staff only, and
// audits the reading (retained.viewed) in the same transaction: no
// reading goes unrecorded.
func (s *Service) ViewRetained(ctx context.Context, a actor.Actor, id int64) (models.RetainedInvoice, error) {
	if !a.IsStaff() {
		return models.RetainedInvoice{}, fault.New(fault.Forbidden, "erasure: staff only")
	}
	var inv models.RetainedInvoice
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&inv, "id = ?", id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrRetainedNotFound
			}
			return err
		}
		return audit.Append(tx, s.Dialect, audit.By(a, "retained.viewed", "retained_invoice", strconv.FormatInt(id, 10)))
	})
	return inv, err
}
