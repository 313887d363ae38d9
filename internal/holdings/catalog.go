package holdings

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The catalog is what every customer page shows about the data rather
// than of one customer: the categories, their purposes and the policy
// versions, with their texts already localized. It is held in memory
// because it is the same for everyone and changes only when an admin
// edits it; reading it per request cost two queries and a JSON decode of
// every text on every page.
//
// Instances sharing one database notice a change by polling one row
// (revisions.catalog), which triggers bump on any write to the three
// tables, so a change made by another instance, an import or a hand-run
// SQL statement is seen within DefaultRefreshEvery, with no restart.

// DefaultRefreshEvery is how stale another instance's change may be.
const DefaultRefreshEvery = 5 * time.Second

// Texts are a category's texts in one language.
type Texts struct {
	Name, Description, RetentionText, Source, Recipients string
	// Purposes are the purposes' texts, in the category's purpose order.
	Purposes []string
}

// In returns the category's texts in a locale, decoded once when the
// catalog was loaded for the supported languages.
func (c Category) In(locale string) Texts {
	if t, ok := c.texts[locale]; ok {
		return t
	}
	return c.localize(locale)
}

func (c Category) localize(locale string) Texts {
	t := Texts{Name: Localized(c.Name, locale), Description: Localized(c.Description, locale),
		RetentionText: Localized(c.RetentionText, locale), Source: Localized(c.Source, locale),
		Recipients: Localized(c.Recipients, locale), Purposes: make([]string, len(c.Purposes))}
	for i, p := range c.Purposes {
		t.Purposes[i] = Localized(p.Text, locale)
	}
	return t
}

// snapshot is one consistent load of the catalog; it is never modified,
// so requests share it without locks.
type snapshot struct {
	revision   int64
	categories []Category
	// policies are every version, newest publication first; which one is
	// in force depends on the time of the request.
	policies []models.PolicyVersion
}

// catalog is the Store's cache. Its zero value loads on first use.
type catalog struct {
	current atomic.Pointer[snapshot]
	mu      sync.Mutex // serializes loads; guards checked
	checked time.Time  // when the revision was last read
}

func (c *catalog) get() *snapshot { return c.current.Load() }

// snapshot returns the cached catalog, loading it on first use.
func (s *Store) snapshot(ctx context.Context) (*snapshot, error) {
	if snap := s.cat.get(); snap != nil {
		return snap, nil
	}
	return s.reload(ctx, -1)
}

// revision reads the catalog's change counter.
func (s *Store) revision(ctx context.Context) (int64, error) {
	var rev models.Revision
	err := s.DB.WithContext(ctx).Where("name = ?", revisionCatalog).Take(&rev).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("holdings: catalog revision: %w", err)
	}
	return rev.N, nil
}

const revisionCatalog = "catalog"

// Refresh reloads the catalog if anyone changed it since it was loaded.
func (s *Store) Refresh(ctx context.Context) error {
	rev, err := s.revision(ctx)
	if err != nil {
		return err
	}
	s.cat.mu.Lock()
	s.cat.checked = s.now()
	cur := s.cat.get()
	s.cat.mu.Unlock()
	same := cur != nil && cur.revision == rev
	if same {
		return nil
	}
	_, err = s.reload(ctx, rev)
	return err
}

// RefreshDue is Refresh when the refresh period has passed on the Store's
// clock since the last check, and nothing otherwise.
func (s *Store) RefreshDue(ctx context.Context) error {
	s.cat.mu.Lock()
	due := s.cat.get() == nil || !s.now().Before(s.cat.checked.Add(s.refreshEvery()))
	s.cat.mu.Unlock()
	if !due {
		return nil
	}
	return s.Refresh(ctx)
}

// Run keeps the catalog fresh until ctx ends.
func (s *Store) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.RefreshDue(ctx); err != nil && ctx.Err() == nil && s.Logger != nil {
			s.Logger.Error("holdings: catalog refresh", "err", err)
		}
	}
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Store) refreshEvery() time.Duration {
	if s.RefreshEvery > 0 {
		return s.RefreshEvery
	}
	return DefaultRefreshEvery
}

// reload reads the whole catalog in one transaction, so the revision and
// the rows agree. rev < 0 means "read it too".
func (s *Store) reload(ctx context.Context, rev int64) (*snapshot, error) {
	s.cat.mu.Lock()
	defer s.cat.mu.Unlock()
	if cur := s.cat.get(); cur != nil && (rev < 0 || cur.revision == rev) {
		return cur, nil // another caller loaded it meanwhile
	}
	snap := &snapshot{}
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r models.Revision
		if err := tx.Where("name = ?", revisionCatalog).Limit(1).Find(&r).Error; err != nil {
			return err
		}
		snap.revision = r.N
		var cats []models.DataCategory
		if err := tx.Order("sort, id").Find(&cats).Error; err != nil {
			return err
		}
		var purposes []models.DataPurpose
		if err := tx.Order("category_id, sort, id").Find(&purposes).Error; err != nil {
			return err
		}
		byCat := make(map[int64][]models.DataPurpose, len(cats))
		for _, p := range purposes {
			byCat[p.CategoryID] = append(byCat[p.CategoryID], p)
		}
		snap.categories = make([]Category, len(cats))
		for i, c := range cats {
			cat := Category{DataCategory: c, Purposes: byCat[c.ID], texts: make(map[string]Texts, len(i18n.Supported))}
			for _, l := range i18n.Supported {
				cat.texts[l.Code] = cat.localize(l.Code)
			}
			snap.categories[i] = cat
		}
		return tx.Order("published_at DESC, id DESC").Find(&snap.policies).Error
	})
	if err != nil {
		return nil, fmt.Errorf("holdings: catalog: %w", err)
	}
	s.cat.current.Store(snap)
	s.cat.checked = s.now()
	return snap, nil
}

// Categories lists every category in display order, purposes included.
func (s *Store) Categories(ctx context.Context) ([]Category, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(snap.categories), nil
}

// Category returns one category by its key.
func (s *Store) Category(ctx context.Context, key string) (Category, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return Category{}, err
	}
	for _, c := range snap.categories {
		if c.Key == key {
			return c, nil
		}
	}
	return Category{}, ErrNotFound
}

// policyAt is the version in force at now: the newest published no later.
func (snap *snapshot) policyAt(now time.Time) *models.PolicyVersion {
	for i := range snap.policies {
		if !snap.policies[i].PublishedAt.After(now) {
			p := snap.policies[i]
			return &p
		}
	}
	return nil
}
