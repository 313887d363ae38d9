package erasure

// The erasure journal is what a restored database cannot roll back: a
// file beside the keys (backed up with them, never with the database)
// with one JSON line per erasure or withdrawal of consent, holding
// keyed hashes of the identifiers, the kind, the time and, for a
// withdrawal, what was withdrawn. Each line carries a keyed hash of the
// line before it and a head file names the last one, so an edited,
// removed, reordered or cut-off line is found (`portal erasure verify`).
// `portal erasure replay` (replay.go) applies it to a restored database.
//
// When lines are written: an erasure's before the run touches the
// database (recordErasure); a withdrawal's inside its transaction,
// before the commit (RecordWithdrawal). Either way a crash can leave a
// line for something that did not happen, never the other way round;
// replaying such a line re-does an erasure that was due anyway, or
// withdraws a consent the person had set out to withdraw.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/photolab/privacyportal/internal/holdings"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The journal's file names in the keys directory: backed up with the
// keys, never with the database, so restoring the database from a
// backup cannot roll it back.
const (
	JournalFile = "erasure.journal"
	journalHead = "erasure.journal.head"
)

// Entry kinds.
const (
	KindErasure    = "erasure"
	KindWithdrawal = "withdrawal"
)

// The key ring purposes of the journal's keyed hashes: an address or a
// user id in the journal cannot be compared with any other hash the
// portal keeps.
const (
	macUser  = "journal.user"
	macEmail = "journal.email"
	macChain = "journal.chain"
)

// Entry is one line of the journal. It holds keyed hashes of the
// identifiers (each "v<n>:hex", the key version first, so a rotation
// keeps old lines comparable) and never anything personal: with the
// keys one can tell whether a known address was erased, not list who
// was.
type Entry struct {
	Seq  int64     `json:"seq"`
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	// User and Email are the account's id and normalized address.
	User  string `json:"user,omitempty"`
	Email string `json:"email,omitempty"`
	// Subject is, for a withdrawal by someone without an account (the
	// signed-out opt-out), the ledger subject's own stored address hash.
	Subject string `json:"subject,omitempty"`
	// Suppress is an erasure's suppression list hashes (every key
	// version): a restore loses the rows added since its backup, and
	// replay puts them back, even for an account the backup never had.
	Suppress []string `json:"suppress,omitempty"`
	// Categories are what an erasure erased (none: everything), so a
	// replay erases no more than the person asked.
	Categories []string `json:"categories,omitempty"`
	Purpose    string   `json:"purpose,omitempty"`
	Topic      string   `json:"topic,omitempty"`
	Channel    string   `json:"channel,omitempty"`
	// Prev chains the line to the previous one: a keyed hash of that
	// line's bytes (of "" for the first), so an edited, removed or
	// reordered line breaks the chain.
	Prev string `json:"prev"`
}

// Journal is the append-only erasure journal: one JSON line per entry,
// fsynced, in the keys directory. A head file beside it names the last
// line, so cutting lines off the end is detected too.
type Journal struct {
	Path string
	mu   sync.Mutex
}

// OpenJournal is the journal file in keysDir (created on first append).
func OpenJournal(keysDir string) *Journal {
	return &Journal{Path: filepath.Join(keysDir, JournalFile)}
}

func (j *Journal) headPath() string { return filepath.Join(filepath.Dir(j.Path), journalHead) }

// head is the head file: the last line's number and chain hash.
type head struct {
	Seq  int64  `json:"seq"`
	Line string `json:"line"`
}

// ErrJournalBroken is a journal whose chain or head does not verify.
var ErrJournalBroken = errors.New("erasure journal: broken")

// Append writes e as the next line, fsynced, and returns it with its
// number and chain set. Instances sharing the keys directory serialize
// on an exclusive lock of the file.
func (j *Journal) Append(keys *vault.KeyRing, e Entry) (Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(j.Path), 0o700); err != nil {
		return e, fmt.Errorf("erasure journal: %w", err)
	}
	f, err := os.OpenFile(j.Path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return e, fmt.Errorf("erasure journal: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return e, fmt.Errorf("erasure journal: lock: %w", err)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	last, err := lastLine(f)
	if err != nil {
		return e, err
	}
	e.Seq, e.Prev = 1, keys.MAC(macChain, "")
	if last != nil {
		var prev Entry
		if err := json.Unmarshal(last, &prev); err != nil {
			return e, fmt.Errorf("%w: last line unreadable", ErrJournalBroken)
		}
		e.Seq, e.Prev = prev.Seq+1, keys.MAC(macChain, string(last))
	}
	e.At = e.At.UTC()
	line, err := json.Marshal(e)
	if err != nil {
		return e, fmt.Errorf("erasure journal: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return e, fmt.Errorf("erasure journal: write: %w", err)
	}
	if err := f.Sync(); err != nil {
		return e, fmt.Errorf("erasure journal: sync: %w", err)
	}
	// A crash here leaves the head one line behind, which Verify
	// accepts: the line is there and chained.
	h, _ := json.Marshal(head{Seq: e.Seq, Line: keys.MAC(macChain, string(line))})
	if err := writeSynced(j.headPath(), h); err != nil {
		return e, err
	}
	return e, nil
}

// lastLine is the journal's last line (without its newline), nil for
// an empty journal. A last line without its newline is a torn write:
// refused rather than chained on.
func lastLine(f *os.File) ([]byte, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("erasure journal: %w", err)
	}
	size := info.Size()
	if size == 0 {
		return nil, nil
	}
	// Lines are a few hundred bytes; read back until a whole one is in.
	for chunk := int64(4096); ; chunk *= 2 {
		off := max(size-chunk, 0)
		buf := make([]byte, size-off)
		if _, err := f.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("erasure journal: read: %w", err)
		}
		if buf[len(buf)-1] != '\n' {
			return nil, fmt.Errorf("%w: torn last line (run `portal erasure verify`)", ErrJournalBroken)
		}
		body := buf[:len(buf)-1]
		if i := bytes.LastIndexByte(body, '\n'); i >= 0 {
			return body[i+1:], nil
		}
		if off == 0 {
			return body, nil
		}
	}
}

// writeSynced replaces path with data durably (temporary file, fsync,
// rename, fsync of the directory).
func writeSynced(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("erasure journal: head: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("erasure journal: head: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("erasure journal: head: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("erasure journal: head: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("erasure journal: head: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Entries reads and verifies the whole journal: every line's number
// follows the previous one, its chain hash is the previous line's, and
// the head file names the last line (or the one before, after a crash
// between the line and the head). A missing journal is empty. On a
// broken journal it returns the entries verified so far and an error
// wrapping ErrJournalBroken that names the line.
func (j *Journal) Entries(keys *vault.KeyRing) ([]Entry, error) {
	f, err := os.Open(j.Path)
	if errors.Is(err, os.ErrNotExist) {
		if _, herr := os.Stat(j.headPath()); herr == nil {
			return nil, fmt.Errorf("%w: the journal is missing but its head is there", ErrJournalBroken)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("erasure journal: %w", err)
	}
	defer f.Close()
	var out []Entry
	prevLine := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var e Entry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			return out, fmt.Errorf("%w: line %d is not an entry", ErrJournalBroken, len(out)+1)
		}
		if e.Seq != int64(len(out))+1 {
			return out, fmt.Errorf("%w: line %d has number %d (lines removed or reordered)", ErrJournalBroken, len(out)+1, e.Seq)
		}
		if !keys.CheckMAC(macChain, prevLine, e.Prev) {
			return out, fmt.Errorf("%w: line %d does not chain to the line before (edited)", ErrJournalBroken, e.Seq)
		}
		out = append(out, e)
		prevLine = line
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("erasure journal: read: %w", err)
	}
	raw, err := os.ReadFile(j.headPath())
	if errors.Is(err, os.ErrNotExist) {
		if len(out) > 0 {
			return out, fmt.Errorf("%w: the head file is missing", ErrJournalBroken)
		}
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("erasure journal: head: %w", err)
	}
	var h head
	if err := json.Unmarshal(raw, &h); err != nil {
		return out, fmt.Errorf("%w: the head file is unreadable", ErrJournalBroken)
	}
	n := int64(len(out))
	switch {
	case h.Seq > n:
		return out, fmt.Errorf("%w: the head names line %d but the journal ends at %d (truncated)", ErrJournalBroken, h.Seq, n)
	case h.Seq == n && n > 0 && !keys.CheckMAC(macChain, prevLine, h.Line):
		return out, fmt.Errorf("%w: the last line is not the one the head names", ErrJournalBroken)
	case h.Seq < n-1:
		return out, fmt.Errorf("%w: the head is %d lines behind", ErrJournalBroken, n-h.Seq)
	}
	return out, nil
}

// normalEmail is the form of an address the journal hashes.
func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// recordErasure appends erasure of userID (known by email) to the journal,
// before the run touches the database: a restore from a backup taken
// before it replays the erasure. A resumed run writes the line again,
// which replay treats as the same erasure.
func (s *Service) recordErasure(userID int64, email string, categories []string) error {
	if s.Journal == nil {
		// A service built without one (a test of another part): the
		// server always opens the journal beside the keys.
		return nil
	}
	e := Entry{At: s.now(), Kind: KindErasure, Categories: categories}
	if userID != 0 {
		e.User = s.Secrets.MAC(macUser, strconv.FormatInt(userID, 10))
	}
	if addr := normalEmail(email); addr != "" {
		e.Email = s.Secrets.MAC(macEmail, addr)
		// Only an erasure of the consents suppresses the address.
		if len(categories) == 0 || slices.Contains(categories, holdings.KeyConsents) {
			e.Suppress = s.Secrets.MACs(consent.SuppressionPurpose, addr)
		}
	}
	if e.User == "" && e.Email == "" {
		return nil
	}
	_, err := s.Journal.Append(s.Secrets, e)
	return err
}

// RecordWithdrawal journals a withdrawal of consent (the consent
// service's Withdrawn hook, wired in web). It is called inside the
// withdrawal's transaction, before the commit, and a failure to write
// fails the withdrawal: a line for a withdrawal that then rolled back
// costs at most a re-withdrawal by a replay (less marketing, the safe
// side), while a committed withdrawal missing from the journal would
// let a restored backup send marketing to someone who said no.
// Replay's own withdrawals are not journaled again, nor the expiry of
// an unconfirmed opt-in: the restored pending state carries its own
// deadline and expires again by itself.
func (s *Service) RecordWithdrawal(tx *gorm.DB, w consent.Withdrawal) error {
	if w.Method == consent.MethodReplay || w.Method == models.MethodExpiry || s.Journal == nil {
		return nil
	}
	e := Entry{At: w.At, Kind: KindWithdrawal, Purpose: w.Purpose, Topic: w.Topic, Channel: w.Channel}
	if e.At.IsZero() {
		e.At = s.now()
	}
	if w.UserID != 0 {
		e.User = s.Secrets.MAC(macUser, strconv.FormatInt(w.UserID, 10))
	}
	if addr := normalEmail(w.Email); addr != "" {
		e.Email = s.Secrets.MAC(macEmail, addr)
	}
	// Already a keyed hash of the address (consent.email), kept as it
	// is: replay recreates the subject from it when the restored
	// database predates the opt-out.
	e.Subject = w.SubjectHash
	if e.User == "" && e.Email == "" && e.Subject == "" {
		return nil // an erased subject: nobody to withdraw for again
	}
	_, err := s.Journal.Append(s.Secrets, e)
	return err
}
