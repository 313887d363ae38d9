package audit

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Filter narrows the log for the admin page. Zero fields do not filter.
type Filter struct {
	ActorID *int64
	// Action is one action ("auth.signin") or, ending in a dot, every
	// action of a group ("auth.").
	Action string
	// From is inclusive and To exclusive, so a day range is [day, next day).
	From, To time.Time
}

// Page is one page of the log with the display names of the people it
// mentions, looked up in one query for the whole page.
type Page struct {
	Entries []models.AuditEntry
	Total   int64
	// Names maps a user id met as actor or as "user" target to the name
	// shown (the name, else the e-mail). An id missing from it is a
	// deleted account: the log outlives the people in it.
	Names map[int64]string
}

// Search returns one page of the entries matching f, newest first.
func (l *Log) Search(ctx context.Context, f Filter, limit, offset int) (Page, error) {
	limit = min(max(limit, 1), maxPage)
	offset = max(offset, 0)
	q := l.db.WithContext(ctx).Model(&models.AuditEntry{})
	if f.ActorID != nil {
		q = q.Where("actor_id = ?", *f.ActorID)
	}
	if prefix, ok := strings.CutSuffix(f.Action, "."); ok {
		// The pattern comes from actionPattern's alphabet, which has no
		// LIKE wildcard but "_", escaped here.
		q = q.Where("action LIKE ? ESCAPE '\\'", strings.ReplaceAll(prefix, "_", `\_`)+".%")
	} else if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To.UTC())
	}
	// A new session lets the same conditions serve the count and the page.
	q = q.Session(&gorm.Session{})
	var p Page
	if err := q.Count(&p.Total).Error; err != nil {
		return Page{}, fmt.Errorf("audit: count: %w", err)
	}
	if err := q.Order("id DESC").Limit(limit).Offset(offset).Find(&p.Entries).Error; err != nil {
		return Page{}, fmt.Errorf("audit: list: %w", err)
	}
	names, err := l.names(ctx, p.Entries)
	if err != nil {
		return Page{}, err
	}
	p.Names = names
	return p, nil
}

// names looks up every user the entries mention in one query.
func (l *Log) names(ctx context.Context, entries []models.AuditEntry) (map[int64]string, error) {
	var ids []int64
	for _, e := range entries {
		if e.ActorID != nil {
			ids = append(ids, *e.ActorID)
		}
		if id, ok := UserTarget(e); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var users []models.User
	if err := l.db.WithContext(ctx).Select("id", "name", "email").Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, fmt.Errorf("audit: names: %w", err)
	}
	for _, u := range users {
		name := strings.TrimSpace(u.Name)
		if name == "" {
			name = u.Email
		}
		out[u.ID] = name
	}
	return out, nil
}

// UserTarget is the user id an entry is about, when it is about a user.
func UserTarget(e models.AuditEntry) (int64, bool) {
	if e.TargetType != "user" {
		return 0, false
	}
	id, err := strconv.ParseInt(e.TargetID, 10, 64)
	return id, err == nil
}
