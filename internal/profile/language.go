package profile

import (
	"errors"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// errLanguageRace is a profile saved between our read and our write.
var errLanguageRace = fault.New(fault.Conflict, "profile: saved while the language changed")

// SetLanguage makes a saved profile's preferred language locale, inside
// the caller's transaction (the account service's, which also sets
// users.locale and writes the audit entry), so the two never disagree.
// The version is bumped, so a form loaded before reports a conflict
// instead of undoing the change, and the customer's history shows it. A
// customer who never saved a profile, and staff, have no row: nothing is
// written and changed is false.
func SetLanguage(tx *gorm.DB, a actor.Actor, userID int64, locale string, now time.Time) (changed bool, err error) {
	kind, err := historyKind(a)
	if err != nil {
		return false, err
	}
	if err := a.MayActOn(userID); err != nil {
		return false, err
	}
	var p models.Profile
	err = tx.Select("user_id", "preferred_language", "version").Where("user_id = ?", userID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil || p.PreferredLanguage == locale {
		return false, err
	}
	res := tx.Model(&models.Profile{}).Where("user_id = ? AND version = ?", userID, p.Version).
		Updates(map[string]any{"preferred_language": locale, "version": gorm.Expr("version + 1"), "updated_at": now})
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected == 0 {
		return false, errLanguageRace
	}
	row := models.ProfileChange{UserID: userID, CreatedAt: now, Field: "preferred_language",
		OldValue: p.PreferredLanguage, NewValue: locale, ActorKind: kind, ActorID: a.ID()}
	return true, tx.Create(&row).Error
}
