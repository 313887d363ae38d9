package requests

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
)

// Message ids of a hold's field errors.
const (
	MsgHoldCategories    = "hold.error.categories"
	MsgHoldReason        = "hold.error.reason"
	MsgHoldReasonTooLong = "hold.error.reason_too_long"
)

// ErrHoldReleased is returned when a hold is released twice.
var ErrHoldReleased = fault.New(fault.Conflict, "requests: the hold is already released")

// checkReason trims a staff reason and says what is wrong with it.
func checkReason(reason string) (string, string) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return reason, MsgHoldReason
	case utf8.RuneCountInString(reason) > maxReason:
		return reason, MsgHoldReasonTooLong
	}
	return reason, ""
}

// customer loads a customer's account; anyone else's id is ErrNotFound.
func customer(tx *gorm.DB, userID int64) (models.User, error) {
	var u models.User
	err := tx.Where("id = ? AND role = ?", userID, models.RoleCustomer).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("requests: customer %d: %w", userID, err)
	}
	return u, nil
}

// PlaceHold keeps customer userID's rows in categories (registry keys)
// from erasure and retention until it is released, for staff, with the
// reason (an unsettled debt, a legal claim).
func (s *Service) PlaceHold(ctx context.Context, a actor.Actor, userID int64, categories []string, reason string) (models.LegalHold, error) {
	if err := requireStaff(a); err != nil {
		return models.LegalHold{}, err
	}
	errs := map[string]string{}
	var keys []string
	for _, e := range holdings.Entries() {
		if slices.Contains(categories, e.Key()) {
			keys = append(keys, e.Key())
		}
	}
	for _, c := range categories {
		if _, ok := holdings.Lookup(c); !ok {
			errs["categories"] = MsgHoldCategories
		}
	}
	if len(keys) == 0 {
		errs["categories"] = MsgHoldCategories
	}
	reason, msg := checkReason(reason)
	if msg != "" {
		errs["reason"] = msg
	}
	h := models.LegalHold{UserID: userID, Categories: strings.Join(keys, ","), Reason: reason, PlacedByID: a.UserID, PlacedAt: s.now()}
	err := s.within(ctx, func(tx *gorm.DB) error {
		if _, err := customer(tx, userID); err != nil {
			return err
		}
		if len(errs) > 0 {
			return fault.InvalidFields("requests: invalid hold", errs)
		}
		if err := tx.Create(&h).Error; err != nil {
			return fmt.Errorf("requests: place hold: %w", err)
		}
		e := audit.By(a, "hold.placed", "user", strconv.FormatInt(userID, 10))
		e.Details = map[string]string{"hold": strconv.FormatInt(h.ID, 10), "categories": h.Categories}
		return audit.Append(tx, s.Dialect, e)
	})
	if err != nil {
		return models.LegalHold{}, err
	}
	return h, nil
}

// ReleaseHold ends a legal hold, for staff, with the reason.
func (s *Service) ReleaseHold(ctx context.Context, a actor.Actor, holdID int64, reason string) error {
	if err := requireStaff(a); err != nil {
		return err
	}
	reason, msg := checkReason(reason)
	return s.within(ctx, func(tx *gorm.DB) error {
		var h models.LegalHold
		err := tx.Take(&h, "id = ?", holdID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("requests: release hold: %w", err)
		}
		if h.ReleasedAt != nil {
			return ErrHoldReleased
		}
		if msg != "" {
			return fault.InvalidFields("requests: invalid release", map[string]string{"reason": msg})
		}
		now := s.now()
		res := tx.Model(&models.LegalHold{}).Where("id = ? AND released_at IS NULL", holdID).
			Updates(map[string]any{"released_at": now, "released_by_id": a.UserID, "release_reason": reason})
		if res.Error != nil {
			return fmt.Errorf("requests: release hold: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrHoldReleased
		}
		e := audit.By(a, "hold.released", "user", strconv.FormatInt(h.UserID, 10))
		e.Details = map[string]string{"hold": strconv.FormatInt(h.ID, 10), "categories": h.Categories}
		return audit.Append(tx, s.Dialect, e)
	})
}

// Holds lists customer userID's legal holds, active first, then newest.
func (s *Service) Holds(ctx context.Context, a actor.Actor, userID int64) ([]models.LegalHold, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	return holdsOf(s.DB.WithContext(ctx), userID)
}

func holdsOf(db *gorm.DB, userID int64) ([]models.LegalHold, error) {
	var out []models.LegalHold
	err := db.Where("user_id = ?", userID).Order("CASE WHEN released_at IS NULL THEN 0 ELSE 1 END, placed_at DESC, id DESC").
		Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("requests: holds: %w", err)
	}
	return out, nil
}

// ErasurePlan is the rule erasure and retention follow: every category
// of customer userID not covered by an active legal hold may be erased;
// the held ones are kept until their hold is released. Both lists are in
// registry order.
func (s *Service) ErasurePlan(ctx context.Context, userID int64) (erase, keep []string, err error) {
	var cats []string
	err = s.DB.WithContext(ctx).Model(&models.LegalHold{}).Where("user_id = ? AND released_at IS NULL", userID).
		Pluck("categories", &cats).Error
	if err != nil {
		return nil, nil, fmt.Errorf("requests: erasure plan: %w", err)
	}
	held := map[string]bool{}
	for _, c := range cats {
		for _, k := range splitCategories(c) {
			held[k] = true
		}
	}
	for _, e := range holdings.Entries() {
		if held[e.Key()] {
			keep = append(keep, e.Key())
		} else {
			erase = append(erase, e.Key())
		}
	}
	return erase, keep, nil
}
