package holdings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TextField names one of a category's texts an admin may rewrite.
type TextField string

const (
	FieldName          TextField = "name"
	FieldDescription   TextField = "description"
	FieldRetentionText TextField = "retention_text"
	FieldSource        TextField = "source"
	FieldRecipients    TextField = "recipients"
)

// maxCategoryText bounds one text in one language.
const maxCategoryText = 2000

// SetCategoryText rewrites one text of a category in one language, for an
// admin. The row and its audit entry are written in one transaction; this
// instance shows the new text at once, and the others at their next
// refresh (the revisions trigger tells them). Writing the same text again
// changes and records nothing.
func (s *Store) SetCategoryText(ctx context.Context, a actor.Actor, key string, field TextField, locale, text string) error {
	if err := a.RequireAdmin(); err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	switch {
	case !knownField(field):
		return fault.InvalidFields("holdings: unknown text", map[string]string{"field": "category.error.field"})
	case !i18n.Valid(locale):
		return fault.InvalidFields("holdings: unknown language", map[string]string{"locale": "category.error.locale"})
	case text == "":
		return fault.InvalidFields("holdings: empty text", map[string]string{"text": "category.error.empty"})
	case utf8.RuneCountInString(text) > maxCategoryText:
		return fault.InvalidFields("holdings: text too long", map[string]string{"text": "category.error.too_long"})
	}
	changed := false
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var c models.DataCategory
		err := tx.Where("key = ?", key).Take(&c).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		current := map[TextField]string{FieldName: c.Name, FieldDescription: c.Description,
			FieldRetentionText: c.RetentionText, FieldSource: c.Source, FieldRecipients: c.Recipients}[field]
		next, err := withLocale(current, locale, text)
		if err != nil || next == current {
			return err
		}
		if err := tx.Model(&c).Update(string(field), next).Error; err != nil {
			return err
		}
		e := audit.By(a, "catalog.category_changed", "data_category", key)
		e.Details = map[string]string{"field": string(field), "locale": locale}
		changed = true
		return audit.Append(tx, s.Dialect, e)
	})
	if err != nil {
		if fault.KindOf(err) != fault.Internal {
			return err
		}
		return fmt.Errorf("holdings: set category text: %w", err)
	}
	if !changed {
		return nil
	}
	return s.Refresh(ctx)
}

func knownField(f TextField) bool {
	switch f {
	case FieldName, FieldDescription, FieldRetentionText, FieldSource, FieldRecipients:
		return true
	}
	return false
}

// withLocale sets one language of a stored text ({"en": …, "fr": …}). A
// plain text typed before it was translated becomes the English entry,
// so nothing already shown is lost.
func withLocale(stored, locale, text string) (string, error) {
	texts := map[string]string{}
	trimmed := strings.TrimSpace(stored)
	if strings.HasPrefix(trimmed, "{") {
		if err := json.Unmarshal([]byte(trimmed), &texts); err != nil {
			texts = map[string]string{}
		}
	}
	if len(texts) == 0 && trimmed != "" {
		texts[i18n.Default] = stored
	}
	if texts[locale] == text {
		return stored, nil
	}
	texts[locale] = text
	b, err := json.Marshal(texts) // keys sorted: the same texts, the same row
	if err != nil {
		return "", err
	}
	return string(b), nil
}
