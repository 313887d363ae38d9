// Package audit keeps the portal's append-only, hash-chained audit log: who
// did what to which record, when, and from where. Each row's hash covers
// its content and the previous row's hash, so editing, inserting or
// deleting a row in the middle is detected by Verify; the database itself
// refuses UPDATE and DELETE through triggers (see the migrations).
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Entry is one event to record.
//
// Details must never carry personal data (names, emails, addresses, free
// text typed by a customer, tokens): the log is append-only, so nothing in
// it can ever be erased, which an erasure request would demand of personal
// data. Put identifiers there (a request id, a template name, a count);
// the person is found through TargetType/TargetID while the row they point
// at exists.
type Entry struct {
	ActorID    *int64 // nil for the system or an anonymous visitor
	ActorRole  string // models.Role of the actor, or "" / "system"
	Action     string // dotted: "auth.signin", "auth.signout", "auth.signin_failed", "admin.mail_test"
	TargetType string // e.g. "user", "request"
	TargetID   string
	IP         string
	Details    map[string]string
}

// actionPattern keeps action names dotted and lower case, so the admin page
// can filter by prefix ("auth.") and nothing free-form slips in.
var actionPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// detailKeyPattern keeps Details keys identifier-like for the same reason.
var detailKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// ErrInvalidEntry is wrapped by errors about an Entry that cannot be stored.
var ErrInvalidEntry = errors.New("audit: invalid entry")

// ErrNoTransaction is returned by Append when it is not given a transaction:
// reading the chain's last row and inserting the next must be atomic.
var ErrNoTransaction = errors.New("audit: Append needs a transaction")

// Column limits, as in models.AuditEntry. Checked here rather than left
// to the database because SQLite would store an over-long value silently
// while PostgreSQL refuses it.
const (
	maxRole   = 16
	maxAction = 100
	maxType   = 50
	maxID     = 100
	maxIP     = 64
)

func (e Entry) validate() error {
	if !actionPattern.MatchString(e.Action) || len(e.Action) > maxAction {
		return fmt.Errorf("%w: action %q is not a dotted name", ErrInvalidEntry, e.Action)
	}
	for _, f := range []struct {
		name  string
		value string
		max   int
	}{{"actor role", e.ActorRole, maxRole}, {"target type", e.TargetType, maxType}, {"target id", e.TargetID, maxID}, {"ip", e.IP, maxIP}} {
		if len(f.value) > f.max {
			return fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidEntry, f.name, f.max)
		}
	}
	for k := range e.Details {
		if !detailKeyPattern.MatchString(k) {
			return fmt.Errorf("%w: details key %q", ErrInvalidEntry, k)
		}
	}
	return nil
}

// encodeDetails gives Details one stored form: JSON with sorted keys
// (encoding/json sorts map keys), and "" for none, so nil and an empty map
// are the same entry.
func encodeDetails(d map[string]string) (string, error) {
	if len(d) == 0 {
		return "", nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Log records and checks audit entries.
type Log struct {
	db      *gorm.DB
	dialect models.Dialect
}

// New returns a Log over db.
func New(db *gorm.DB, dialect models.Dialect) *Log {
	return &Log{db: db, dialect: dialect}
}

// Record appends e in a transaction of its own.
func (l *Log) Record(ctx context.Context, e Entry) error {
	return l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return Append(tx, l.dialect, e)
	})
}

// chainLockKey is the PostgreSQL advisory lock serializing appends across
// every portal instance sharing the database. Any constant works as long
// as nothing else uses it; this one spells "auditlog" in ASCII.
const chainLockKey int64 = 0x61756469746c6f67

// Append adds e to the chain inside the caller's transaction tx, so the
// audited change and its audit row commit or roll back together.
//
// On PostgreSQL it holds an advisory lock until tx ends, so audited
// transactions queue from this call to their commit: call it last, after
// the slow work. tx must run at READ COMMITTED (PostgreSQL's default), so
// the read after the lock sees the row the previous holder committed. On
// SQLite transactions are BEGIN IMMEDIATE, already serialized.
func Append(tx *gorm.DB, dialect models.Dialect, e Entry) error {
	if c, ok := tx.Statement.ConnPool.(gorm.TxCommitter); !ok || c == nil {
		return ErrNoTransaction
	}
	if err := e.validate(); err != nil {
		return err
	}
	details, err := encodeDetails(e.Details)
	if err != nil {
		return fmt.Errorf("audit: details: %w", err)
	}
	if dialect == models.Postgres {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", chainLockKey).Error; err != nil {
			return fmt.Errorf("audit: lock chain: %w", err)
		}
	}
	prev := genesisHash
	var last models.AuditEntry
	switch err := tx.Select("hash").Order("id DESC").Take(&last).Error; {
	case err == nil:
		prev = last.Hash
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("audit: read chain head: %w", err)
	}
	row := models.AuditEntry{
		// Microseconds are what PostgreSQL keeps (SQLite would keep
		// nanoseconds): truncating first makes the stored value exactly the
		// hashed one, and the same as read back from either database.
		CreatedAt:  time.Now().UTC().Truncate(time.Microsecond),
		ActorID:    e.ActorID,
		ActorRole:  e.ActorRole,
		Action:     e.Action,
		TargetType: e.TargetType,
		TargetID:   e.TargetID,
		IP:         e.IP,
		Details:    details,
		PrevHash:   prev,
	}
	row.Hash = hashOf(&row)
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("audit: append %s: %w", e.Action, err)
	}
	return nil
}

// maxPage bounds one Search page so an admin URL cannot ask for the table.
const maxPage = 500

// genesisHash is the prev_hash of the first row.
var genesisHash = strings.Repeat("0", 64)

// By starts an entry for what a did to a target, with a's id, role and IP.
func By(a actor.Actor, action, targetType, targetID string) Entry {
	return Entry{ActorID: a.ID(), ActorRole: a.Role(), Action: action, TargetType: targetType, TargetID: targetID, IP: a.IP}
}
