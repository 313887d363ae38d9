// Package holdings answers "what does the shop hold about me?": the data
// categories with their purposes, retention, source and recipients, and the
// customer's own rows in each. Every customer query is scoped by the
// customer's id in its signature, so another customer's row cannot be read
// by passing its id.
package holdings

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// ErrNotFound is returned for an unknown category, or a row that does not
// exist or belongs to another customer (the two are not told apart).
var ErrNotFound = fault.New(fault.NotFound, "holdings: not found")

// Category is a data category with its purposes, in their order.
type Category struct {
	models.DataCategory
	Purposes []models.DataPurpose
	// texts are the texts decoded per supported locale (see In).
	texts map[string]Texts
}

// Summary is what the customer's overview shows for one category. Path
// is the category's list page, empty for a category added by an admin
// that no registry entry answers for.
type Summary struct {
	Category   Category
	Count      int64
	LastChange *time.Time
	Path       string
}

// Store reads the holdings and records what the customer does with them.
// Dialect is needed by the methods that write an audit entry.
type Store struct {
	DB      *gorm.DB
	Dialect models.Dialect
	// Now and RefreshEvery pace the catalog's refresh (time.Now and
	// DefaultRefreshEvery when unset); Logger reports failed refreshes.
	Now          func() time.Time
	RefreshEvery time.Duration
	Logger       *slog.Logger

	cat catalog
}

// Bounds on a list page.
const (
	DefaultPage = 20
	MaxPage     = 100
)

// pageClause is LIMIT and OFFSET written as numbers, as GORM writes them.
// Bound as parameters, SQLite re-prepares the statement on every run: it
// plans with a LIMIT's value, so a new binding expires the plan (and one
// is bound on every run), which cost a fifth of the orders page.
func pageClause(limit, offset int) string {
	return " LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(offset)
}

func page(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = DefaultPage
	}
	return min(limit, MaxPage), max(offset, 0)
}

// list is the count-then-page query every simple category shares; the
// count is the category's tally, not a count of the customer's rows.
func list[T any](ctx context.Context, db *gorm.DB, key string, userID int64, order string, limit, offset int) ([]T, int64, error) {
	limit, offset = page(limit, offset)
	db = db.WithContext(ctx)
	total, err := tallied(db, userID, key)
	if err != nil {
		return nil, 0, err
	}
	if int64(offset) >= total {
		return nil, total, nil
	}
	var rows []T
	err = db.Where("user_id = ?", userID).Order(order).Limit(limit).Offset(offset).Find(&rows).Error
	if err != nil {
		return nil, 0, err
	}
	return rows, total, nil
}

// Localized picks the locale's text from a JSON object keyed by language
// ({"en": "...", "fr": "..."}). It tries the exact locale, then its base
// language ("fr-CA" → "fr", "zh" → "zh-CN"), then English. Text that is not
// such an object is returned as it is, so plain text typed by an admin
// still shows.
func Localized(jsonText, locale string) string {
	trimmed := strings.TrimSpace(jsonText)
	if !strings.HasPrefix(trimmed, "{") {
		return jsonText
	}
	var texts map[string]string
	if err := json.Unmarshal([]byte(trimmed), &texts); err != nil {
		return jsonText
	}
	if t, ok := texts[locale]; ok && t != "" {
		return t
	}
	base, _, _ := strings.Cut(locale, "-")
	base, _, _ = strings.Cut(base, "_")
	// Sorted, so "zh" picks the same of "zh-CN" and "zh-TW" every time.
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kb, _, _ := strings.Cut(k, "-")
		if texts[k] != "" && base != "" && strings.EqualFold(kb, base) {
			return texts[k]
		}
	}
	if t, ok := texts["en"]; ok && t != "" {
		return t
	}
	return jsonText
}
