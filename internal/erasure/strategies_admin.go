package erasure

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// StrategyChoice is one category's strategy as the admin page shows it:
// the row in force and what the category allows.
type StrategyChoice struct {
	models.ErasureStrategy
	Allowed []string
}

// MaxLegalBasis bounds the legal basis text (it is printed in every
// report and on every retained invoice).
const MaxLegalBasis = 1000

// ErrUnknownCategory is a category the registry does not know.
var ErrUnknownCategory = fault.New(fault.NotFound, "erasure: unknown category")

// Field error message ids of SetStrategy.
const (
	errStrategyChoice = "admin.strategies.error.choice"
	errBasisRequired  = "admin.strategies.error.basis_required"
	errBasisLength    = "admin.strategies.error.basis_length"
	errYearsRange     = "admin.strategies.error.years_range"
)

// Strategies lists every category's strategy, in registry order, for
// admins.
func (s *Service) Strategies(ctx context.Context, a actor.Actor) ([]StrategyChoice, error) {
	if err := a.RequireAdmin(); err != nil {
		return nil, err
	}
	rows, err := s.strategies(s.DB.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	var out []StrategyChoice
	for _, e := range holdings.Entries() {
		out = append(out, StrategyChoice{ErasureStrategy: rows[e.Key()], Allowed: e.Erasure().Allowed})
	}
	return out, nil
}

// SetStrategy changes category's strategy (admins only): one the
// category allows; retain needs a legal basis and 1 to 30 years (0 to
// 30 otherwise, unused). Every field error is returned at once. The
// change is audited with the old and new strategy and years.
func (s *Service) SetStrategy(ctx context.Context, a actor.Actor, category, strategy, basis string, years int) error {
	if err := a.RequireAdmin(); err != nil {
		return err
	}
	entry, ok := holdings.Lookup(category)
	if !ok {
		return ErrUnknownCategory
	}
	basis = strings.TrimSpace(basis)
	fields := map[string]string{}
	if !slices.Contains(entry.Erasure().Allowed, strategy) {
		fields["strategy"] = errStrategyChoice
	}
	if strategy == models.StrategyRetain && basis == "" {
		fields["legal_basis"] = errBasisRequired
	}
	if utf8.RuneCountInString(basis) > MaxLegalBasis || strings.ContainsFunc(basis, isControl) {
		fields["legal_basis"] = errBasisLength
	}
	if years < 0 || years > maxBookkeepingYears || (strategy == models.StrategyRetain && years < 1) {
		fields["retain_years"] = errYearsRange
	}
	if len(fields) > 0 {
		return fault.InvalidFields("erasure: strategy", fields)
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var old models.ErasureStrategy
		err := tx.Where("category = ?", category).Take(&old).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("erasure: strategy: %w", err)
		}
		row := models.ErasureStrategy{Category: category, Strategy: strategy, LegalBasis: basis, RetainYears: years, UpdatedAt: s.now()}
		if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
			return fmt.Errorf("erasure: strategy: %w", err)
		}
		entry := audit.By(a, "erasure.strategy_changed", "erasure_strategy", category)
		entry.Details = map[string]string{"from": old.Strategy, "to": strategy,
			"from_years": strconv.Itoa(old.RetainYears), "to_years": strconv.Itoa(years),
			"basis_changed": strconv.FormatBool(old.LegalBasis != basis)}
		return audit.Append(tx, s.Dialect, entry)
	})
}

// isControl refuses control characters except the line breaks a basis
// may be written in.
func isControl(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f }
