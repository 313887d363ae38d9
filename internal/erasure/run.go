package erasure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Job kinds of the engine.
const (
	// KindDue is the sweep, every minute: it queues a run for every
	// erasure whose cool-off has ended and for every running one whose
	// job is gone (dead-lettered, or never queued).
	KindDue = "erasure.due"
	// KindRun erases one erasure's categories.
	KindRun = "erasure.run"
)

// RunLease is how long one run may take before another worker takes it
// over (a customer with 10,000 orders takes well under a second).
const RunLease = 5 * time.Minute

// sweepBatch bounds one sweep; the next minute takes the rest.
const sweepBatch = 200

type runPayload struct {
	ErasureID int64 `json:"erasure_id"`
}

func (s *Service) runJobs() []jobs.Spec {
	return []jobs.Spec{
		{Kind: KindDue, Handle: func(ctx context.Context, _ *models.Job) error {
			_, err := s.Sweep(ctx)
			return err
		}, Schedule: KindDue, Every: time.Minute},
		{Kind: KindRun, Handle: func(ctx context.Context, job *models.Job) error {
			var p runPayload
			if err := json.Unmarshal([]byte(job.Payload), &p); err != nil || p.ErasureID == 0 {
				return fmt.Errorf("erasure: run: bad payload: %w", err)
			}
			return s.Run(ctx, p.ErasureID)
		}, Lease: RunLease},
	}
}

// kick queues a run of the due erasures now, in tx (a waived cool-off,
// a dormant account), instead of at the next scheduled sweep.
//
//lint:ignore U1000 called by StartWithoutRequest and the waiver (cooloff.go)
func (s *Service) kick(tx *gorm.DB) error {
	_, err := jobs.Enqueue(tx, KindDue, nil, jobs.RunAt(s.now()))
	return err
}

// Sweep queues a run for each due cool-off and each running erasure
// without a live job, and returns how many it queued. A second sweep
// finds their jobs and queues nothing.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.now()
	var ids []int64
	err := s.DB.WithContext(ctx).Model(&models.Erasure{}).
		Where("(status = ? AND cool_off_until <= ?) OR status = ?", models.ErasureCoolingOff, now, models.ErasureRunning).
		Order("id").Limit(sweepBatch).Pluck("id", &ids).Error
	if err != nil {
		return 0, fmt.Errorf("erasure: sweep: %w", err)
	}
	queued := 0
	for _, id := range ids {
		err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if _, err := s.lock(tx, id); err != nil {
				return err
			}
			payload, _ := json.Marshal(runPayload{ErasureID: id})
			var live int64
			if err := tx.Model(&models.Job{}).Where("kind = ? AND payload = ? AND status IN ?", KindRun, string(payload),
				[]models.JobStatus{models.JobQueued, models.JobRunning}).Count(&live).Error; err != nil {
				return err
			}
			if live > 0 {
				return nil
			}
			queued++
			_, err := jobs.Enqueue(tx, KindRun, runPayload{ErasureID: id}, jobs.RunAt(now), jobs.MaxAttempts(10))
			return err
		})
		if err != nil {
			return queued, fmt.Errorf("erasure: sweep %d: %w", id, err)
		}
	}
	return queued, nil
}

// lock reads erasure id under a row lock (SQLite's write transactions
// are serialized already), so two runs of one erasure take turns.
func (s *Service) lock(tx *gorm.DB, id int64) (models.Erasure, error) {
	q := tx
	if s.Dialect == models.Postgres {
		q = q.Raw("SELECT * FROM erasures WHERE id = ? FOR UPDATE", id)
	} else {
		q = q.Raw("SELECT * FROM erasures WHERE id = ?", id)
	}
	var e models.Erasure
	if err := q.Scan(&e).Error; err != nil {
		return e, fmt.Errorf("erasure: %d: %w", id, err)
	}
	if e.ID == 0 {
		return e, fmt.Errorf("erasure: %d: %w", id, gorm.ErrRecordNotFound)
	}
	return e, nil
}

// run is what one Run knows of its erasure once started.
type run struct {
	e      models.Erasure
	userID int64
	email  string
	// order is every category in the order they are erased (the profile,
	// which holds the account, last); erase and held say what happens to
	// each, named whether the request asked for it.
	order []string
	erase map[string]bool
	held  map[string]bool
	// account: the account itself goes (everything erased, nothing held).
	account    bool
	strategies map[string]models.ErasureStrategy
}

// Run erases erasure id's categories (resuming a killed run), then
// finishes it. It is idempotent: a category with a step is done and is
// skipped, a finished erasure is left alone, and a cool-off not yet over
// is not started.
func (s *Service) Run(ctx context.Context, id int64) error {
	r, err := s.begin(ctx, id)
	if err != nil || r == nil {
		return err
	}
	for _, key := range r.order {
		if key == holdings.KeyProfile || (!r.erase[key] && !r.held[key]) {
			continue
		}
		if err := s.step(ctx, r, key); err != nil {
			return err
		}
	}
	if err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return s.finish(tx, r) }); err != nil {
		return err
	}
	return s.purge(ctx)
}

// begin starts a due erasure (cooling_off → running, journaled first) or
// picks up a running one, and plans it; nil when there is nothing to do.
func (s *Service) begin(ctx context.Context, id int64) (*run, error) {
	var r *run
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, err := s.lock(tx, id)
		if err != nil {
			return err
		}
		now := s.now()
		switch {
		case e.Status == models.ErasureCoolingOff && !e.CoolOffUntil.After(now):
		case e.Status == models.ErasureRunning:
		default:
			return nil // cooling off still, cancelled, or done
		}
		r = &run{e: e}
		if e.UserID != nil {
			r.userID = *e.UserID
			if err := tx.Model(&models.User{}).Where("id = ?", r.userID).Select("email").Scan(&r.email).Error; err != nil {
				return err
			}
		}
		if r.email == "" {
			r.email = e.ReportEmail
		}
		if e.Status == models.ErasureCoolingOff {
			// The journal first: a backup restored after this point replays
			// the erasure even if the database lost every trace of it.
			named, err := namedCategories(tx, e)
			if err != nil {
				return err
			}
			if err := s.recordErasure(r.userID, r.email, named); err != nil {
				return err
			}
			res := tx.Model(&models.Erasure{}).Where("id = ? AND status = ?", id, models.ErasureCoolingOff).
				Updates(map[string]any{"status": models.ErasureRunning, "started_at": now, "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			r.e.Status, r.e.StartedAt = models.ErasureRunning, &now
		}
		return s.plan(ctx, tx, r)
	})
	if err != nil {
		return nil, fmt.Errorf("erasure: begin %d: %w", id, err)
	}
	return r, nil
}

// plan decides each category's fate: held ones (an active legal hold)
// are kept and reported; the request's named categories (none: all) are
// erased by their strategy; the account goes only when every category is.
func (s *Service) plan(ctx context.Context, tx *gorm.DB, r *run) error {
	named, err := namedCategories(tx, r.e)
	if err != nil {
		return err
	}
	var erase, keep []string
	if r.userID != 0 && s.Requests != nil {
		var err error
		if erase, keep, err = s.Requests.ErasurePlan(ctx, r.userID); err != nil {
			return err
		}
	} else {
		for _, e := range holdings.Entries() {
			erase = append(erase, e.Key())
		}
	}
	r.erase, r.held = map[string]bool{}, map[string]bool{}
	for _, k := range keep {
		if len(named) == 0 || slices.Contains(named, k) {
			r.held[k] = true
		}
	}
	for _, k := range erase {
		if len(named) == 0 || slices.Contains(named, k) {
			r.erase[k] = true
		}
	}
	for _, e := range holdings.Entries() {
		if e.Key() != holdings.KeyProfile {
			r.order = append(r.order, e.Key())
		}
	}
	r.order = append(r.order, holdings.KeyProfile)
	r.account = r.userID != 0 && len(r.erase) == len(r.order)
	r.strategies, err = s.strategies(tx)
	return err
}

// step erases (or, held, reports) one category in its own transaction,
// with its erasure_steps row; a category that has one is done already.
// The files of its deleted rows go after the commit.
func (s *Service) step(ctx context.Context, r *run, key string) error {
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if ok, err := s.stillRunning(tx, r, key); !ok || err != nil {
			return err
		}
		return s.eraseCategory(tx, r, key)
	})
	if err != nil {
		return fmt.Errorf("erasure: %d: %s: %w", r.e.ID, key, err)
	}
	return s.purge(ctx)
}

// stillRunning locks the erasure and tells whether key is still to do.
func (s *Service) stillRunning(tx *gorm.DB, r *run, key string) (bool, error) {
	e, err := s.lock(tx, r.e.ID)
	if err != nil || e.Status != models.ErasureRunning {
		return false, err
	}
	var n int64
	if err := tx.Model(&models.ErasureStep{}).Where("erasure_id = ? AND category = ?", r.e.ID, key).Count(&n).Error; err != nil {
		return false, err
	}
	return n == 0, nil
}

// eraseCategory carries out key's strategy in tx and writes its step.
func (s *Service) eraseCategory(tx *gorm.DB, r *run, key string) error {
	entry, _ := holdings.Lookup(key)
	st := r.strategies[key]
	now := s.now()
	step := models.ErasureStep{ErasureID: r.e.ID, Category: key, Strategy: st.Strategy, DoneAt: now}
	if r.held[key] {
		n, err := holdings.Count(tx, entry, r.userID)
		if err != nil {
			return err
		}
		step.Retained, step.Reason = n, holdings.ReasonHeld
		return tx.Create(&step).Error
	}
	ret, err := s.retention(st)
	if err != nil {
		return err
	}
	job := holdings.EraseJob{Tx: tx, Dialect: s.Dialect, ErasureID: r.e.ID, UserID: r.userID, Email: r.email,
		Strategy: st, RetainUntil: ret.Until, Now: now, Account: r.account && key == holdings.KeyProfile,
		DropFile: func(k string) error { return holdings.DropFile(tx, k, now) }}
	if r.e.RequestID != nil {
		job.RequestID = *r.e.RequestID
	}
	if s.Secrets != nil && r.email != "" {
		job.EmailHashes = s.Secrets.MACs("consent.email", strings.ToLower(strings.TrimSpace(r.email)))
	}
	out, err := entry.Erase(job)
	if err != nil {
		return err
	}
	step.Removed, step.Retained, step.Reason, step.Basis, step.RetainedUntil = out.Removed, out.Retained, out.Reason, out.Basis, out.Until
	return tx.Create(&step).Error
}

// finish is the run's last transaction: the profile (and with it,
// perhaps, the account) is erased here, together with everything that
// needs the address the account held: the suppression, the tasks passed
// on to connected systems, the report mail. A crash before its commit
// leaves the account and the address for the resumed run.
func (s *Service) finish(tx *gorm.DB, r *run) error {
	if ok, err := s.stillRunning(tx, r, holdings.KeyProfile); err != nil {
		return err
	} else if ok && (r.erase[holdings.KeyProfile] || r.held[holdings.KeyProfile]) {
		if err := s.eraseCategory(tx, r, holdings.KeyProfile); err != nil {
			return fmt.Errorf("erasure: %d: profile: %w", r.e.ID, err)
		}
	}
	e, err := s.lock(tx, r.e.ID)
	if err != nil || e.Status != models.ErasureRunning {
		return err
	}
	var steps []models.ErasureStep
	if err := tx.Where("erasure_id = ?", e.ID).Find(&steps).Error; err != nil {
		return err
	}
	var removed, retained int64
	held := 0
	for _, st := range steps {
		removed += st.Removed
		retained += st.Retained
		if st.Reason == holdings.ReasonHeld {
			held++
		}
		if st.Category == holdings.KeyConsents && st.Strategy == models.StrategySuppress && st.Reason != holdings.ReasonHeld && r.email != "" {
			if err := s.Suppress(tx, r.email, "erasure"); err != nil {
				return err
			}
		}
	}
	subj := Subject{UserID: r.userID, Email: r.email}
	for _, k := range r.order {
		switch {
		case r.held[k]:
			subj.Held = append(subj.Held, k)
		case r.erase[k]:
			subj.Erased = append(subj.Erased, k)
		}
	}
	if err := s.Dispatch(tx, models.EventErasure, e.RequestID, &e.ID, subj); err != nil {
		return err
	}
	if err := s.mailReport(tx, &e); err != nil {
		return err
	}
	now := s.now()
	upd := map[string]any{"status": models.ErasureWaiting, "finished_at": now, "updated_at": now}
	if r.userID != 0 && s.Secrets != nil {
		upd["subject_ref"] = s.Secrets.MAC("erasure-subject", strconv.FormatInt(r.userID, 10))
	}
	if r.account {
		upd["user_id"] = nil
	}
	if err := tx.Model(&models.Erasure{}).Where("id = ?", e.ID).Updates(upd).Error; err != nil {
		return err
	}
	entry := audit.By(system, "erasure.finished", "erasure", strconv.FormatInt(e.ID, 10))
	entry.Details = map[string]string{"categories": strconv.Itoa(len(steps)), "held": strconv.Itoa(held),
		"removed": strconv.FormatInt(removed, 10), "retained": strconv.FormatInt(retained, 10),
		"account": strconv.FormatBool(r.account)}
	if err := audit.Append(tx, s.Dialect, entry); err != nil {
		return err
	}
	return s.settle(tx, e.ID)
}

// purge deletes the vault files listed by the committed steps. A failure
// is logged, not returned: the files stay listed and the next purge (the
// next run, retention) takes them.
func (s *Service) purge(ctx context.Context) error {
	if s.Vault == nil {
		return nil
	}
	if _, err := holdings.PurgeFiles(ctx, s.DB, s.Vault, 0); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		s.log().Warn("erasure: files left for the next purge", "err", err)
	}
	return nil
}

// namedCategories are the categories erasure e names (none: all): its
// own, or, for one made before it kept them, its request's.
func namedCategories(tx *gorm.DB, e models.Erasure) ([]string, error) {
	cats := e.Categories
	if cats == "" && e.RequestID != nil {
		if err := tx.Model(&models.PrivacyRequest{}).Where("id = ?", *e.RequestID).Select("categories").Scan(&cats).Error; err != nil {
			return nil, err
		}
	}
	var named []string
	for c := range strings.SplitSeq(cats, ",") {
		if c = strings.TrimSpace(c); c != "" {
			named = append(named, c)
		}
	}
	return named, nil
}
