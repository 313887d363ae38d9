package settings

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DefaultInterval is how often Run looks for changes made on another
// instance: the "within seconds" every instance promises.
const DefaultInterval = 5 * time.Second

// Options tune a Service. Zero values take the defaults.
type Options struct {
	// Interval between two polls in Run. Default DefaultInterval.
	Interval time.Duration
	// Now is the clock for updated_at; tests inject one. Default time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Service reads settings from an in-memory cache and writes them through
// the database. Safe for concurrent use.
type Service struct {
	db      *gorm.DB
	dialect models.Dialect
	opts    Options
	log     *slog.Logger
	// appendAudit is audit.Append; a test swaps it to prove a failed audit
	// write leaves the setting unchanged.
	appendAudit func(tx *gorm.DB, d models.Dialect, e audit.Entry) error

	mu     sync.RWMutex
	values map[string]any            // key → typed value, only for rows that decode
	rows   map[string]models.Setting // what the database last said
	mark   mark                      // of the rows above; zero before the first Refresh
}

// mark identifies the table's state: every change adds one to a row's
// version (a first change inserts a row), and rows are never deleted, so
// the sum and count change with every committed change.
type mark struct {
	Sum, N int64
	Loaded bool
}

// New makes a Service over db. It holds the defaults until the first
// Refresh, which the server calls at start before serving.
func New(db *gorm.DB, dialect models.Dialect, opts Options) *Service {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Service{
		db: db, dialect: dialect, opts: opts, log: log.With("component", "settings"),
		appendAudit: audit.Append,
		values:      map[string]any{}, rows: map[string]models.Setting{},
	}
}

func (s *Service) cached(key string) any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.values[key]
}

// Get is the current value of key (the default if never changed), or a
// NotFound error for a key nobody declared.
func (s *Service) Get(key string) (any, error) {
	d, ok := byKey[key]
	if !ok {
		return nil, fault.New(fault.NotFound, "settings: no such setting")
	}
	if v := s.cached(key); v != nil {
		return v, nil
	}
	return d.Default, nil
}

// Current is a setting as the admin screen shows it.
type Current struct {
	Def
	Value     any
	IsDefault bool
	Version   int64
	UpdatedAt time.Time // zero when never changed
	UpdatedBy *int64
}

// List is every declared setting with its current value, in declaration
// order.
func (s *Service) List() []Current {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Current, 0, len(registry))
	for _, d := range registry {
		c := Current{Def: *d, Value: d.Default, IsDefault: true}
		if v, ok := s.values[d.Key]; ok {
			c.Value, c.IsDefault = v, false
		}
		if r, ok := s.rows[d.Key]; ok {
			c.Version, c.UpdatedAt, c.UpdatedBy = r.Version, r.UpdatedAt, r.UpdatedBy
		}
		out = append(out, c)
	}
	return out
}

// Refresh reloads the cache when the table changed since the last load:
// one aggregate query when nothing changed, which is the common case.
func (s *Service) Refresh(ctx context.Context) error {
	var m mark
	if err := s.db.WithContext(ctx).Model(&models.Setting{}).
		Select("CAST(COALESCE(SUM(version), 0) AS BIGINT) AS sum, COUNT(*) AS n").Scan(&m).Error; err != nil {
		return fmt.Errorf("settings: refresh: %w", err)
	}
	s.mu.RLock()
	same := s.mark.Loaded && s.mark.Sum == m.Sum && s.mark.N == m.N
	s.mu.RUnlock()
	if same {
		return nil
	}
	return s.load(ctx)
}

// load reads every row and replaces the cache. The mark is computed from
// the rows read, one consistent snapshot, not from the earlier aggregate,
// so a change committed in between is seen at the next Refresh.
func (s *Service) load(ctx context.Context) error {
	var rows []models.Setting
	if err := s.db.WithContext(ctx).Find(&rows).Error; err != nil {
		return fmt.Errorf("settings: load: %w", err)
	}
	values := make(map[string]any, len(rows))
	byName := make(map[string]models.Setting, len(rows))
	m := mark{Loaded: true}
	for _, r := range rows {
		m.Sum += r.Version
		m.N++
		byName[r.Name] = r
		d, ok := byKey[r.Name]
		if !ok || r.Version == 0 {
			// Declared by a newer instance, or a row whose first write
			// never committed a value: not ours to read.
			continue
		}
		v, err := d.decode(r.Value)
		if err != nil {
			// The default is safe; refusing to start over one row is not.
			s.log.Warn("settings: stored value ignored, using the default", "key", r.Name, "err", err)
			continue
		}
		values[r.Name] = v
	}
	s.mu.Lock()
	s.values, s.rows, s.mark = values, byName, m
	s.mu.Unlock()
	return nil
}

// Run refreshes the cache every Interval until ctx is done. Errors are
// logged: the cache keeps its last values while the database is away.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.Refresh(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("settings: refresh", "err", err)
		}
	}
}

// Set changes key to value (of the setting's Go type) for actor a. The
// row and its audit entry (before and after: business rules, never
// personal data) are written in one transaction; then this instance's
// cache has the new value at once, and the others at their next Refresh.
// Setting the current value again changes nothing and records nothing.
func (s *Service) Set(ctx context.Context, a actor.Actor, key string, value any) error {
	return s.set(ctx, a, key, func(d *Def) (any, string) { return d.check(value) })
}

// SetText is Set with the value as typed in a form.
func (s *Service) SetText(ctx context.Context, a actor.Actor, key, text string) error {
	return s.set(ctx, a, key, func(d *Def) (any, string) { return d.Parse(text) })
}

// set checks who acts and what they typed, then writes: only an admin
// (or the portal itself) may change a rule.
func (s *Service) set(ctx context.Context, a actor.Actor, key string, parse func(*Def) (any, string)) error {
	if err := a.RequireAdmin(); err != nil {
		return err
	}
	d, ok := byKey[key]
	if !ok {
		return fault.New(fault.NotFound, "settings: no such setting")
	}
	v, msg := parse(d)
	if msg != "" {
		return fault.InvalidFields("settings: invalid value", map[string]string{key: msg})
	}
	return s.write(ctx, a, d, v)
}

// errUnchanged ends the transaction of a Set that changes nothing.
var errUnchanged = errors.New("settings: unchanged")

func (s *Service) write(ctx context.Context, a actor.Actor, d *Def, v any) error {
	after, err := d.encode(v)
	if err != nil {
		return fmt.Errorf("settings: encode %s: %w", d.Key, err)
	}
	now := s.opts.Now().UTC().Truncate(time.Microsecond)
	var row models.Setting
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Make sure the row exists (version 0 holds no value yet), then
		// lock it, so two admins saving at once each see the other's value
		// as their "before". On SQLite the transaction is the lock.
		placeholder, err := d.encode(d.Default)
		if err != nil {
			return err
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&models.Setting{Name: d.Key, Value: placeholder, Version: 0, UpdatedAt: now}).Error; err != nil {
			return err
		}
		q := tx.Where("name = ?", d.Key)
		if s.dialect == models.Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Take(&row).Error; err != nil {
			return err
		}
		before := d.Default
		if row.Version > 0 {
			if old, err := d.decode(row.Value); err == nil {
				before = old
			}
		}
		if row.Version > 0 && row.Value == after {
			return errUnchanged
		}
		row.Value, row.Version, row.UpdatedAt, row.UpdatedBy = after, row.Version+1, now, a.ID()
		if err := tx.Model(&models.Setting{}).Where("name = ?", d.Key).Updates(map[string]any{
			"value": row.Value, "version": row.Version, "updated_at": now, "updated_by": row.UpdatedBy,
		}).Error; err != nil {
			return err
		}
		e := audit.By(a, "settings.changed", "setting", d.Key)
		e.Details = map[string]string{"before": d.Format(before), "after": d.Format(v)}
		return s.appendAudit(tx, s.dialect, e)
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("settings: set %s: %w", d.Key, err)
	}
	// The mark stays as it was, so the next Refresh reloads everything
	// and picks up changes other instances made meanwhile.
	s.mu.Lock()
	s.values[d.Key] = v
	s.rows[d.Key] = row
	s.mu.Unlock()
	return nil
}
