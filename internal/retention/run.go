package retention

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// KindRun is the scheduled purge; its schedule has the same name, so the
// job queue runs it on one instance at a time.
const KindRun = "retention.run"

// ActionRun is the audit action of a run: counts per rule, never contents.
const ActionRun = "retention.run"

// runLease is long enough for a first run over a large backlog, so the
// queue does not hand the run to a second worker while it still works.
const runLease = time.Hour

// Counts are the rows one run deleted (or cleared), per rule name.
type Counts map[string]int64

// Jobs is the hourly purge.
func (s *Service) Jobs() []jobs.Spec {
	return []jobs.Spec{{Kind: KindRun, Schedule: KindRun, Every: time.Hour, Lease: runLease,
		Handle: func(ctx context.Context, _ *models.Job) error {
			_, err := s.Run(ctx)
			return err
		}}}
}

// Run applies every rule once, in batches of retention.batch rows, one
// transaction each, then the dormant accounts' warnings and erasures, and
// records the counts in one audit entry (also when a rule failed, for the
// rules done before it). A rerun finds only what is newly expired.
func (s *Service) Run(ctx context.Context) (Counts, error) {
	now := s.now()
	batch := settings.RetentionBatch.Get(s.Settings)
	counts := Counts{}
	var runErr error
	for _, r := range Rules() {
		n, err := s.apply(ctx, r, now, batch)
		counts[r.Name] = n
		if err != nil {
			runErr = fmt.Errorf("retention: %s: %w", r.Name, err)
			break
		}
	}
	if runErr == nil {
		runErr = s.dormant(ctx, now, batch, counts)
	}
	// Files of rows a crashed run dropped are deleted here too.
	if _, err := holdings.PurgeFiles(ctx, s.DB, s.Vault, 0); err != nil && runErr == nil {
		runErr = err
	}
	// What was deleted is recorded even when the run was cut short.
	if err := s.record(context.WithoutCancel(ctx), counts); err != nil && runErr == nil {
		runErr = err
	}
	var total int64
	for _, n := range counts {
		total += n
	}
	s.log().Info("retention: run", "rows", total, "took", s.now().Sub(now).Round(time.Millisecond), "error", runErr != nil)
	return counts, runErr
}

// record writes the run's audit entry.
func (s *Service) record(ctx context.Context, counts Counts) error {
	e := audit.By(actor.SystemActor(), ActionRun, "retention", "")
	e.Details = make(map[string]string, len(counts))
	for k, n := range counts {
		e.Details[k] = strconv.FormatInt(n, 10)
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return audit.Append(tx, s.Dialect, e)
	})
}

// apply runs rule r in batches until a batch finds fewer rows than it may
// take; it returns how many rows went.
func (s *Service) apply(ctx context.Context, r Rule, now time.Time, batch int) (int64, error) {
	cutoff, err := r.cutoff(s.Settings, now)
	if err != nil {
		return 0, err
	}
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var n int64
		err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var err error
			n, err = s.batch(tx, r, cutoff, batch, now)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
		if len(r.FileColumns) > 0 || r.ChildFiles != "" {
			if _, err := holdings.PurgeFiles(ctx, s.DB, s.Vault, 0); err != nil {
				return total, err
			}
		}
		if n < int64(batch) {
			return total, nil
		}
	}
}

// batch deletes (or clears) at most limit of r's expired rows in tx. A
// rule without files is one statement, its rows chosen through the
// index of its condition; one with files reads the batch's keys and
// files first, lists the files for deletion, then deletes the rows.
func (s *Service) batch(tx *gorm.DB, r Rule, cutoff time.Time, limit int, now time.Time) (int64, error) {
	from, args := r.selection(cutoff)
	pick := "SELECT t." + r.Key + " " + from + " LIMIT ?"
	args = append(args, limit)
	if r.Set != "" {
		res := tx.Exec("UPDATE "+r.Table+" SET "+r.Set+" WHERE "+r.Key+" IN ("+pick+")", args...)
		return res.RowsAffected, res.Error
	}
	if len(r.FileColumns) == 0 && r.ChildFiles == "" {
		res := tx.Exec("DELETE FROM "+r.Table+" WHERE "+r.Key+" IN ("+pick+")", args...)
		return res.RowsAffected, res.Error
	}
	rows, err := tx.Raw("SELECT "+r.columns()+" "+from+" LIMIT ?", args...).Rows()
	if err != nil {
		return 0, err
	}
	var keys []any
	var files []string
	for rows.Next() {
		dest := make([]any, 1+len(r.FileColumns))
		ptrs := make([]any, len(dest))
		for i := range dest {
			ptrs[i] = &dest[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			rows.Close()
			return 0, err
		}
		keys = append(keys, dest[0])
		for _, f := range dest[1:] {
			files = append(files, text(f))
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(keys) == 0 {
		return 0, nil
	}
	if r.ChildFiles != "" {
		var child []string
		if err := tx.Raw(r.ChildFiles, keys).Scan(&child).Error; err != nil {
			return 0, err
		}
		files = append(files, child...)
	}
	for _, f := range files {
		if err := holdings.DropFile(tx, f, now); err != nil {
			return 0, err
		}
	}
	res := tx.Exec("DELETE FROM "+r.Table+" WHERE "+r.Key+" IN ?", keys)
	return res.RowsAffected, res.Error
}

// text is a scanned column as a string (drivers give text as string or
// bytes; NULL as nil).
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}
