package erasure

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Replayer re-applies the journal to a database restored from a backup
// taken before some erasures and withdrawals (`portal erasure replay`):
// the erased people are erased again, the withdrawn consents withdrawn
// again, the suppression list gets its lost rows back, and the vault
// files that came back with the restore are deleted. Run it after the
// restore and before the portal serves again. Running it twice changes
// nothing the second time.
type Replayer struct {
	Erasure *Service
	Consent *consent.Service
	// Erase erases account userID again, with no cool-off and no report
	// mail (nil: through the engine, EngineErase).
	Erase func(ctx context.Context, userID int64) error
	// scope is, per account to erase again, the categories its journal
	// lines erased, comma-separated ("": all), for EngineErase.
	scope map[int64]string
}

// ReplayResult is what a replay did, in counts.
type ReplayResult struct {
	Entries           int // journal lines read
	Erasures          int // erasure lines
	AccountsErased    int // accounts of the restored database erased again
	Suppressions      int // suppression list rows put back
	Withdrawals       int // withdrawal lines
	ConsentsWithdrawn int // consents withdrawn again
	FilesDeleted      int // vault files deleted
}

// ErrNoEngine is an erasure the engine left running: the engine is not
// there to erase (a build without it).
var ErrNoEngine = errors.New("erasure replay: the engine left the erasure running")

type withdrawalMatch struct {
	userID  int64
	subject int64 // for a subject without an account
	entry   Entry
}

// Replay reads and verifies the journal, then re-applies it. A broken
// journal is replayed up to the break and its error returned with the
// counts: the lines before it are still erasures to honour.
func (r *Replayer) Replay(ctx context.Context) (ReplayResult, error) {
	s := r.Erasure
	var res ReplayResult
	entries, broken := s.Journal.Entries(s.Secrets)
	res.Entries = len(entries)
	erasures := map[string][]Entry{} // by user or email hash
	withdrawals := map[string][]Entry{}
	bySubject := map[string][]Entry{}
	for _, e := range entries {
		switch e.Kind {
		case KindErasure:
			res.Erasures++
			for _, h := range []string{e.User, e.Email} {
				if h != "" {
					erasures[h] = append(erasures[h], e)
				}
			}
		case KindWithdrawal:
			res.Withdrawals++
			if e.Subject != "" {
				bySubject[e.Subject] = append(bySubject[e.Subject], e)
				continue
			}
			if e.User != "" {
				withdrawals[e.User] = append(withdrawals[e.User], e)
			} else if e.Email != "" {
				withdrawals[e.Email] = append(withdrawals[e.Email], e)
			}
		}
	}
	n, err := r.restoreSuppressions(ctx, entries)
	res.Suppressions = n
	if err != nil {
		return res, err
	}
	erase, matches, err := r.match(ctx, erasures, withdrawals)
	if err != nil {
		return res, err
	}
	eraseFn := r.Erase
	if eraseFn == nil {
		eraseFn = r.EngineErase
	}
	for _, uid := range erase {
		// An account whose erasure finished before the backup was kept
		// by a legal hold: erasing it again would change nothing.
		// One that erased less (some categories) does not count.
		var done int64
		if err := s.DB.WithContext(ctx).Model(&models.Erasure{}).Where("user_id = ? AND status IN ? AND (categories = '' OR categories = ?)", uid,
			[]models.ErasureStatus{models.ErasureWaiting, models.ErasureCompleted}, r.scope[uid]).Count(&done).Error; err != nil {
			return res, fmt.Errorf("erasure replay: %w", err)
		}
		if done > 0 {
			continue
		}
		if err := eraseFn(ctx, uid); err != nil {
			return res, fmt.Errorf("erasure replay: account %d: %w", uid, err)
		}
		res.AccountsErased++
	}
	signedOut, err := r.signedOutMatches(ctx, bySubject)
	if err != nil {
		return res, err
	}
	for _, m := range append(matches, signedOut...) {
		if slices.Contains(erase, m.userID) && m.userID != 0 {
			continue // erased: nothing left to withdraw
		}
		ok, err := r.withdraw(ctx, m)
		if err != nil {
			return res, err
		}
		if ok {
			res.ConsentsWithdrawn++
		}
	}
	if res.FilesDeleted, err = holdings.PurgeFiles(ctx, s.DB, s.Vault, 0); err != nil {
		return res, err
	}
	return res, broken
}

// restoreSuppressions puts back the suppression rows of the journal's
// erasures that the restored database lacks.
func (r *Replayer) restoreSuppressions(ctx context.Context, entries []Entry) (int, error) {
	db := r.Erasure.DB.WithContext(ctx)
	n := 0
	for _, e := range entries {
		for _, h := range e.Suppress {
			res := db.Clauses(clause.OnConflict{DoNothing: true}).
				Create(&models.Suppression{Hash: h, Reason: "erasure", CreatedAt: e.At})
			if res.Error != nil {
				return n, fmt.Errorf("erasure replay: suppression: %w", res.Error)
			}
			n += int(res.RowsAffected)
		}
	}
	return n, nil
}

// match walks the restored accounts once, hashing each id and address
// under every key version, and returns the accounts to erase again and
// the withdrawals to apply again. Only an account that existed when the
// line was written matches it: a new account the person opened after
// their erasure (with the same address) is not the erased one.
func (r *Replayer) match(ctx context.Context, erasures, withdrawals map[string][]Entry) ([]int64, []withdrawalMatch, error) {
	s := r.Erasure
	var erase []int64
	var out []withdrawalMatch
	if len(erasures) == 0 && len(withdrawals) == 0 {
		return nil, nil, nil
	}
	// One statement read through one cursor: nothing is written while
	// it is open, and no account is held beyond its row.
	rows, err := s.DB.WithContext(ctx).Raw("SELECT id, email, created_at FROM users ORDER BY id").Rows()
	if err != nil {
		return nil, nil, fmt.Errorf("erasure replay: accounts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u models.User
		if err := rows.Scan(&u.ID, &u.Email, &u.CreatedAt); err != nil {
			return nil, nil, fmt.Errorf("erasure replay: accounts: %w", err)
		}
		hashes := append(s.Secrets.MACs(macUser, strconv.FormatInt(u.ID, 10)), s.Secrets.MACs(macEmail, normalEmail(u.Email))...)
		gone, seen := false, map[int64]bool{}
		var cats []string
		all := false
		for _, h := range hashes {
			for _, e := range erasures[h] {
				if !u.CreatedAt.After(e.At) {
					gone = true
					all = all || len(e.Categories) == 0
					for _, c := range e.Categories {
						if !slices.Contains(cats, c) {
							cats = append(cats, c)
						}
					}
				}
			}
			for _, e := range withdrawals[h] {
				if u.CreatedAt.After(e.At) || seen[e.Seq] {
					continue
				}
				seen[e.Seq] = true
				out = append(out, withdrawalMatch{userID: u.ID, entry: e})
			}
		}
		if gone {
			erase = append(erase, u.ID)
			if r.scope == nil {
				r.scope = map[int64]string{}
			}
			if !all {
				slices.Sort(cats)
				r.scope[u.ID] = strings.Join(cats, ",")
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("erasure replay: accounts: %w", err)
	}
	return erase, out, nil
}

// signedOutMatches are the withdrawals of people without an account:
// their subject is found by its stored address hash, or made again from
// the journal's when the restored database predates it.
func (r *Replayer) signedOutMatches(ctx context.Context, bySubject map[string][]Entry) ([]withdrawalMatch, error) {
	var out []withdrawalMatch
	db := r.Erasure.DB.WithContext(ctx)
	for h, es := range bySubject {
		var sub models.ConsentSubject
		if err := db.Where("email_hash = ?", h).Limit(1).Find(&sub).Error; err != nil {
			return nil, fmt.Errorf("erasure replay: subject: %w", err)
		}
		if sub.ID == 0 {
			hash := h
			sub = models.ConsentSubject{EmailHash: &hash, CreatedAt: es[0].At}
			if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&sub).Error; err != nil {
				return nil, fmt.Errorf("erasure replay: subject: %w", err)
			}
			if sub.ID == 0 {
				if err := db.Where("email_hash = ?", h).Take(&sub).Error; err != nil {
					return nil, fmt.Errorf("erasure replay: subject: %w", err)
				}
			}
		}
		if sub.UserID != nil {
			// The address has an account now: the account's own lines
			// speak for it.
			continue
		}
		for _, e := range es {
			out = append(out, withdrawalMatch{subject: sub.ID, entry: e})
		}
	}
	return out, nil
}

// withdraw applies one journaled withdrawal again, through consent's
// write path (method replay), unless the restored state is already
// withdrawn or changed after the line (a later choice of the person
// stands).
func (r *Replayer) withdraw(ctx context.Context, m withdrawalMatch) (bool, error) {
	c := r.Consent
	done := false
	err := r.Erasure.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		subject := m.subject
		if subject == 0 {
			var err error
			if subject, err = c.SubjectOf(tx, m.userID); err != nil {
				return err
			}
		}
		var st models.ConsentState
		if err := tx.Where("subject_id = ? AND purpose = ? AND topic = ? AND channel = ?", subject, m.entry.Purpose, m.entry.Topic, m.entry.Channel).
			Limit(1).Find(&st).Error; err != nil {
			return fmt.Errorf("erasure replay: state: %w", err)
		}
		if st.SubjectID != 0 && (st.Status == models.ConsentWithdrawn || st.UpdatedAt.After(m.entry.At)) {
			return nil
		}
		ch := consent.Change{Choice: consent.Choice{Purpose: m.entry.Purpose, Topic: m.entry.Topic, Channel: m.entry.Channel},
			Status: models.ConsentWithdrawn}
		events, err := c.Apply(tx, subject, []consent.Change{ch}, consent.Evidence{Method: consent.MethodReplay})
		done = len(events) > 0
		return err
	})
	if err != nil {
		return false, fmt.Errorf("erasure replay: withdrawal: %w", err)
	}
	return done, nil
}

// EngineErase erases account userID through the engine: its erasure
// left in cool-off or running by the restored backup becomes running
// (its cool-off had passed: the journal says it ran), or a new one with
// no request is made running; no report is mailed (the requester had
// theirs). Then Run.
func (r *Replayer) EngineErase(ctx context.Context, userID int64) error {
	s := r.Erasure
	var id int64
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		var e models.Erasure
		if err := tx.Where("user_id = ? AND status IN ?", userID, []models.ErasureStatus{models.ErasureCoolingOff, models.ErasureRunning}).
			Limit(1).Find(&e).Error; err != nil {
			return err
		}
		if e.ID != 0 {
			id = e.ID
			return tx.Model(&models.Erasure{}).Where("id = ?", e.ID).Updates(map[string]any{
				"status": models.ErasureRunning, "cool_off_until": minTime(e.CoolOffUntil, now), "report_email": "",
				"started_at": now, "updated_at": now}).Error
		}
		uid := userID
		e = models.Erasure{UserID: &uid, Categories: r.scope[userID], Status: models.ErasureRunning, CoolOffUntil: now, StartedAt: &now,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&e).Error; err != nil {
			return err
		}
		id = e.ID
		return nil
	})
	if err != nil {
		return fmt.Errorf("erasure replay: start: %w", err)
	}
	if err := s.Run(ctx, id); err != nil {
		return err
	}
	var status models.ErasureStatus
	if err := s.DB.WithContext(ctx).Model(&models.Erasure{}).Where("id = ?", id).Select("status").Scan(&status).Error; err != nil {
		return fmt.Errorf("erasure replay: %w", err)
	}
	if status == models.ErasureRunning {
		return ErrNoEngine
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
