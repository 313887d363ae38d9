package retention

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// RuleForecast is one rule on the dry run: how many rows would go if the
// purge ran now.
type RuleForecast struct {
	Name     string
	Category string // "" for housekeeping
	// Period is how long rows are kept (0: until their own date).
	Period time.Duration
	Due    int64
}

// DelegatedForecast is a rule another service's schedule carries out.
type DelegatedForecast struct {
	Name     string
	Schedule string
	NextRun  *time.Time
}

// LastRun is the previous run's audit entry.
type LastRun struct {
	At     time.Time
	Counts Counts
}

// Forecast is the dry run: what a run would delete today, by rule, and
// when the next run is.
type Forecast struct {
	At        time.Time
	Rules     []RuleForecast
	Delegated []DelegatedForecast
	// DormantWarn and DormantErase count the accounts a run would warn
	// and whose erasure it would start (-1: the rule is off).
	DormantWarn, DormantErase int64
	NextRun                   *time.Time
	Last                      *LastRun
}

// DryRun counts, for every rule, the rows a run would delete now, with
// the same conditions (holds and restrictions kept); it changes nothing.
func (s *Service) DryRun(ctx context.Context) (Forecast, error) {
	now := s.now()
	db := s.DB.WithContext(ctx)
	f := Forecast{At: now, DormantWarn: -1, DormantErase: -1}
	for _, r := range Rules() {
		period, err := r.period(s.Settings)
		if err != nil {
			return f, err
		}
		from, args := r.selection(now.Add(-period))
		var n int64
		if err := db.Raw("SELECT COUNT(*) "+from, args...).Scan(&n).Error; err != nil {
			return f, fmt.Errorf("retention: dry run %s: %w", r.Name, err)
		}
		f.Rules = append(f.Rules, RuleForecast{Name: r.Name, Category: r.Category, Period: period, Due: n})
	}
	if cutoff, on := s.dormantCutoff(now); on {
		for _, notice := range []bool{false, true} {
			q, args := dormantSQL(cutoff, now, notice, math.MaxInt32)
			var n int64
			if err := db.Raw("SELECT COUNT(*) FROM ("+q+") d", args...).Scan(&n).Error; err != nil {
				return f, fmt.Errorf("retention: dry run dormant: %w", err)
			}
			if notice {
				f.DormantErase = n
			} else {
				f.DormantWarn = n
			}
		}
	}
	for _, d := range delegated {
		f.Delegated = append(f.Delegated, DelegatedForecast{Name: d.Name, Schedule: d.Schedule, NextRun: nextRun(db, d.Schedule)})
	}
	f.NextRun = nextRun(db, KindRun)
	last, err := s.lastRun(db)
	if err != nil {
		return f, err
	}
	f.Last = last
	return f, nil
}

// nextRun is when schedule name runs next (nil: not installed).
func nextRun(db *gorm.DB, name string) *time.Time {
	var sc models.JobSchedule
	if err := db.Where("name = ?", name).Take(&sc).Error; err != nil {
		return nil
	}
	t := sc.NextRunAt.UTC()
	return &t
}

// lastRun reads the newest run's counts from the audit log.
func (s *Service) lastRun(db *gorm.DB) (*LastRun, error) {
	var e models.AuditEntry
	err := db.Where("action = ?", ActionRun).Order("id DESC").Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("retention: last run: %w", err)
	}
	var details map[string]string
	if e.Details != "" {
		if err := json.Unmarshal([]byte(e.Details), &details); err != nil {
			return nil, fmt.Errorf("retention: last run: %w", err)
		}
	}
	out := &LastRun{At: e.CreatedAt.UTC(), Counts: Counts{}}
	for k, v := range details {
		n, _ := strconv.ParseInt(v, 10, 64)
		out.Counts[k] = n
	}
	return out, nil
}
