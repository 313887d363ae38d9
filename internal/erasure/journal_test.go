package erasure

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

var journalNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// journalService is a Service with only what the journal needs.
func journalService(t testing.TB) (*Service, string) {
	t.Helper()
	dir := t.TempDir()
	ring, err := vault.OpenKeyRing(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &Service{Secrets: ring, Journal: OpenJournal(dir), Now: func() time.Time { return journalNow }}, dir
}

// TestJournalFormat: one JSON line per entry in erasure.journal beside
// the keys, numbered and chained, holding keyed hashes and the kind,
// never the address or the id.
func TestJournalFormat(t *testing.T) {
	t.Parallel()
	s, dir := journalService(t)
	if err := s.recordErasure(4242, " Ada.Lovelace@Example.com ", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordWithdrawal(nil, consent.Withdrawal{UserID: 7, Email: "grace@example.com", Purpose: models.PurposeMarketing,
		Topic: "newsletter", Channel: models.ChannelEmail, Method: models.MethodOneClick, At: journalNow}); err != nil {
		t.Fatal(err)
	}
	// Replay's own withdrawals and erased subjects are not journaled.
	if err := s.RecordWithdrawal(nil, consent.Withdrawal{UserID: 7, Purpose: models.PurposeMarketing, Method: consent.MethodReplay}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordWithdrawal(nil, consent.Withdrawal{UserID: 7, Purpose: models.PurposeMarketing, Method: models.MethodExpiry}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordWithdrawal(nil, consent.Withdrawal{Purpose: models.PurposeMarketing, Method: models.MethodPortal}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "erasure.journal"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), raw)
	}
	// (Words with letters beyond hex, and the id as a JSON value: a hash
	// may hold any run of hex digits.)
	for _, personal := range []string{"lovelace", "Lovelace", "grace", "example", `"4242"`, ":4242"} {
		if bytes.Contains(raw, []byte(personal)) {
			t.Errorf("the journal holds %q:\n%s", personal, raw)
		}
	}
	var first, second Entry
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if first.Seq != 1 || first.Kind != KindErasure || !first.At.Equal(journalNow) ||
		first.User != s.Secrets.MAC(macUser, "4242") || first.Email != s.Secrets.MAC(macEmail, "ada.lovelace@example.com") ||
		!strings.HasPrefix(first.User, "v1:") || len(first.Suppress) != 1 {
		t.Errorf("erasure line %+v", first)
	}
	if second.Seq != 2 || second.Kind != KindWithdrawal || second.Topic != "newsletter" || second.Channel != models.ChannelEmail ||
		second.Purpose != models.PurposeMarketing || second.User != s.Secrets.MAC(macUser, "7") ||
		second.Prev != s.Secrets.MAC(macChain, lines[0]) {
		t.Errorf("withdrawal line %+v", second)
	}
	entries, err := s.Journal.Entries(s.Secrets)
	if err != nil || len(entries) != 2 {
		t.Fatalf("Entries = %d, %v", len(entries), err)
	}
	if info, err := os.Stat(filepath.Join(dir, "erasure.journal")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("journal mode: %v %v", info, err)
	}
}

// TestJournalTamper: an edit, a removed or reordered line, lines cut off
// the end, a lost head and a torn last line are each detected; a head
// one line behind (a crash between the line and the head) is not an
// error.
func TestJournalTamper(t *testing.T) {
	t.Parallel()
	write := func(t *testing.T) (*Service, string, []string) {
		s, dir := journalService(t)
		for i := range 4 {
			if err := s.recordErasure(int64(100+i), "someone@example.com", nil); err != nil {
				t.Fatal(err)
			}
		}
		raw, _ := os.ReadFile(filepath.Join(dir, JournalFile))
		return s, dir, strings.SplitAfter(strings.TrimSuffix(string(raw), "\n"), "\n")
	}
	cases := []struct {
		name    string
		change  func(dir string, lines []string)
		wantErr string
	}{
		{"intact", func(string, []string) {}, ""},
		{"edited", func(dir string, l []string) {
			l[1] = strings.Replace(l[1], `"kind":"erasure"`, `"kind":"withdrawal"`, 1)
			putJournal(dir, l)
		}, "does not chain"},
		{"line removed", func(dir string, l []string) { putJournal(dir, append(l[:1:1], l[2:]...)) }, "removed or reordered"},
		{"reordered", func(dir string, l []string) { l[1], l[2] = l[2], l[1]; putJournal(dir, l) }, "removed or reordered"},
		{"first line removed", func(dir string, l []string) { putJournal(dir, l[1:]) }, "removed or reordered"},
		{"truncated", func(dir string, l []string) { putJournal(dir, l[:2]) }, "truncated"},
		{"last line replaced", func(dir string, l []string) {
			l[3] = strings.Replace(l[3], `"seq":4`, `"seq":4 `, 1)
			putJournal(dir, l)
		}, "not the one the head names"},
		{"head lost", func(dir string, l []string) { os.Remove(filepath.Join(dir, journalHead)) }, "head file is missing"},
		{"journal lost", func(dir string, l []string) { os.Remove(filepath.Join(dir, JournalFile)) }, "journal is missing"},
		{"garbage", func(dir string, l []string) { l[2] = "{not json\n"; putJournal(dir, l) }, "not an entry"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s, dir, lines := write(t)
			c.change(dir, lines)
			entries, err := s.Journal.Entries(s.Secrets)
			if c.wantErr == "" {
				if err != nil || len(entries) != 4 {
					t.Fatalf("intact journal: %d entries, %v", len(entries), err)
				}
				return
			}
			if !errors.Is(err, ErrJournalBroken) || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want one saying %q", err, c.wantErr)
			}
		})
	}

	t.Run("torn last line refuses appends", func(t *testing.T) {
		t.Parallel()
		s, dir, _ := write(t)
		f, _ := os.OpenFile(filepath.Join(dir, JournalFile), os.O_WRONLY|os.O_APPEND, 0)
		f.WriteString(`{"seq":5,"ki`)
		f.Close()
		if err := s.recordErasure(1, "a@example.com", nil); !errors.Is(err, ErrJournalBroken) {
			t.Fatalf("append after a torn line: %v", err)
		}
	})
	t.Run("head one behind", func(t *testing.T) {
		t.Parallel()
		s, dir, _ := write(t)
		before, _ := os.ReadFile(filepath.Join(dir, journalHead))
		if err := s.recordErasure(9, "b@example.com", nil); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, journalHead), before, 0o600) // the crash before the head
		if entries, err := s.Journal.Entries(s.Secrets); err != nil || len(entries) != 5 {
			t.Fatalf("head one behind: %d, %v", len(entries), err)
		}
		if err := s.recordErasure(10, "c@example.com", nil); err != nil {
			t.Fatalf("append after the crash: %v", err)
		}
		if entries, err := s.Journal.Entries(s.Secrets); err != nil || len(entries) != 6 {
			t.Fatalf("after the next append: %d, %v", len(entries), err)
		}
	})
}

func putJournal(dir string, lines []string) {
	os.WriteFile(filepath.Join(dir, JournalFile), []byte(strings.Join(lines, "")), 0o600)
}

// TestJournalAcrossRotation: lines chained under the old key still
// verify after a rotation, new lines are keyed with the new version,
// and an entry written before the rotation is still found by the
// identifiers' hashes under every version.
func TestJournalAcrossRotation(t *testing.T) {
	t.Parallel()
	s, _ := journalService(t)
	if err := s.recordErasure(1, "old@example.com", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Secrets.AddKey(); err != nil {
		t.Fatal(err)
	}
	if err := s.recordErasure(2, "new@example.com", nil); err != nil {
		t.Fatal(err)
	}
	entries, err := s.Journal.Entries(s.Secrets)
	if err != nil || len(entries) != 2 {
		t.Fatalf("after rotation: %d, %v", len(entries), err)
	}
	if !strings.HasPrefix(entries[0].Email, "v1:") || !strings.HasPrefix(entries[1].Email, "v2:") || !strings.HasPrefix(entries[1].Prev, "v2:") {
		t.Errorf("versions %q %q %q", entries[0].Email, entries[1].Email, entries[1].Prev)
	}
	found := false
	for _, h := range s.Secrets.MACs(macEmail, "old@example.com") {
		found = found || h == entries[0].Email
	}
	if !found {
		t.Error("the pre-rotation line is not found by the address's hashes")
	}
	if len(entries[1].Suppress) != 2 {
		t.Errorf("suppression hashes under %d versions, want 2", len(entries[1].Suppress))
	}
}

// TestJournalConcurrentInstances: two instances sharing the keys
// directory (each its own Journal) append at once; the file lock keeps
// one chain.
func TestJournalConcurrentInstances(t *testing.T) {
	t.Parallel()
	s, dir := journalService(t)
	other := &Service{Secrets: s.Secrets, Journal: OpenJournal(dir), Now: s.Now}
	errs := make(chan error, 2)
	for _, svc := range []*Service{s, other} {
		go func() {
			for i := range 20 {
				if err := svc.recordErasure(int64(i+1), "x@example.com", nil); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if entries, err := s.Journal.Entries(s.Secrets); err != nil || len(entries) != 40 {
		t.Fatalf("%d entries, %v", len(entries), err)
	}
}
