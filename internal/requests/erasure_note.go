package requests

import (
	"fmt"
	"slices"
	"strings"

	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// heldNote is what the requester of an approved erasure is told of the
// legal holds on their data: the categories kept until the holds are
// released, by name in their language (never the hold's reason, which is
// staff's), or "" when nothing they asked to erase is held.
func (s *Service) heldNote(tx *gorm.DB, r *models.PrivacyRequest) (string, error) {
	if r.Kind != models.RequestErasure || r.UserID == nil {
		return "", nil
	}
	var cats []string
	if err := tx.Model(&models.LegalHold{}).Where("user_id = ? AND released_at IS NULL", *r.UserID).
		Pluck("categories", &cats).Error; err != nil {
		return "", fmt.Errorf("requests: holds of %d: %w", r.ID, err)
	}
	held := map[string]bool{}
	for _, c := range cats {
		for _, k := range splitCategories(c) {
			held[k] = true
		}
	}
	asked := splitCategories(r.Categories)
	var keep []string
	for _, e := range holdings.Entries() {
		if held[e.Key()] && (len(asked) == 0 || slices.Contains(asked, e.Key())) {
			keep = append(keep, e.Key())
		}
	}
	if len(keep) == 0 {
		return "", nil
	}
	lang := i18n.Match(r.Locale)
	var rows []models.DataCategory
	if err := tx.Where("key IN ?", keep).Find(&rows).Error; err != nil {
		return "", fmt.Errorf("requests: category names: %w", err)
	}
	names := map[string]string{}
	for _, row := range rows {
		names[row.Key] = holdings.Localized(row.Name, lang)
	}
	for i, k := range keep {
		if n := names[k]; n != "" {
			keep[i] = n
		}
	}
	return i18n.Tl(lang, "request.erasure.held", "Categories", strings.Join(keep, i18n.Tl(lang, "request.erasure.held_sep"))), nil
}
