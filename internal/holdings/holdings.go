// Package holdings answers "what does the shop hold about me?": the data
// categories with their purposes, retention, source and recipients, and the
// customer's own rows in each. Every customer query is scoped by the
// customer's id in its signature, so another customer's row cannot be read
// by passing its id.
package holdings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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
}

// Bounds on a list page.
const (
	DefaultPage = 20
	MaxPage     = 100
)

func page(limit, offset int) (int, int) {
	if limit <= 0 {
		limit = DefaultPage
	}
	return min(limit, MaxPage), max(offset, 0)
}

// list is the count-then-page query every simple category shares.
func list[T any](ctx context.Context, db *gorm.DB, userID int64, order string, limit, offset int) ([]T, int64, error) {
	limit, offset = page(limit, offset)
	db = db.WithContext(ctx)
	var zero T
	var total int64
	if err := db.Model(&zero).Where("user_id = ?", userID).Count(&total).Error; err != nil {
		return nil, 0, err
	}
	var rows []T
	err := db.Where("user_id = ?", userID).Order(order).Limit(limit).Offset(offset).Find(&rows).Error
	if err != nil {
		return nil, 0, err
	}
	return rows, total, nil
}

// Categories lists every category in display order, purposes included.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	var cats []models.DataCategory
	if err := s.DB.WithContext(ctx).Order("sort, id").Find(&cats).Error; err != nil {
		return nil, fmt.Errorf("holdings: categories: %w", err)
	}
	var purposes []models.DataPurpose
	err := s.DB.WithContext(ctx).Order("category_id, sort, id").Find(&purposes).Error
	if err != nil {
		return nil, fmt.Errorf("holdings: purposes: %w", err)
	}
	byCat := make(map[int64][]models.DataPurpose, len(cats))
	for _, p := range purposes {
		byCat[p.CategoryID] = append(byCat[p.CategoryID], p)
	}
	out := make([]Category, len(cats))
	for i, c := range cats {
		out[i] = Category{DataCategory: c, Purposes: byCat[c.ID]}
	}
	return out, nil
}

// Category returns one category by its key.
func (s *Store) Category(ctx context.Context, key string) (Category, error) {
	var c models.DataCategory
	err := s.DB.WithContext(ctx).Where("key = ?", key).Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Category{}, ErrNotFound
	}
	if err != nil {
		return Category{}, fmt.Errorf("holdings: category: %w", err)
	}
	var purposes []models.DataPurpose
	err = s.DB.WithContext(ctx).Where("category_id = ?", c.ID).Order("sort, id").Find(&purposes).Error
	if err != nil {
		return Category{}, fmt.Errorf("holdings: purposes: %w", err)
	}
	return Category{DataCategory: c, Purposes: purposes}, nil
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
