package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

var ctx = context.Background()

func entry(i int) Entry {
	id := int64(i)
	return Entry{ActorID: &id, ActorRole: "staff", Action: "auth.signin", TargetType: "user", TargetID: fmt.Sprint(i), IP: "192.0.2.1", Details: map[string]string{"n": fmt.Sprint(i), "method": "password"}}
}

func appendN(t *testing.T, l *Log, n int) []models.AuditEntry {
	t.Helper()
	for i := range n {
		if err := l.Record(ctx, entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	var rows []models.AuditEntry
	if err := l.db.Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != n {
		t.Fatalf("%d rows, want %d", len(rows), n)
	}
	return rows
}

func count(t *testing.T, db *gorm.DB) int64 {
	t.Helper()
	var n int64
	if err := db.Model(&models.AuditEntry{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// allowTampering removes the append-only triggers, as an attacker with
// database access could.
func allowTampering(t *testing.T, db *dbtest.DB) {
	t.Helper()
	stmts := []string{"DROP TRIGGER audit_entries_no_update", "DROP TRIGGER audit_entries_no_delete"}
	if db.Dialect == models.Postgres {
		stmts = []string{"ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change"}
	}
	for _, s := range stmts {
		if err := db.Exec(s).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyEmptyLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		rep, err := New(db.DB, db.Dialect).Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Checked != 0 || rep.BrokenID != 0 || rep.LastHash != genesisHash {
			t.Fatalf("empty log: %+v", rep)
		}
	})
}

func TestChainIntactAfterAppends(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		l := New(db.DB, db.Dialect)
		rows := appendN(t, l, 23)
		if rows[0].PrevHash != genesisHash {
			t.Fatalf("first prev_hash = %q, want 64 zeros", rows[0].PrevHash)
		}
		for i := 1; i < len(rows); i++ {
			if rows[i].PrevHash != rows[i-1].Hash {
				t.Fatalf("row %d does not link to row %d", rows[i].ID, rows[i-1].ID)
			}
		}
		// Small batches cross several batch boundaries, one of them exact.
		for _, batch := range []int{1, 5, 23, 500} {
			rep, err := verifyBatches(ctx, l, batch)
			if err != nil {
				t.Fatal(err)
			}
			if rep.BrokenID != 0 || rep.Checked != 23 || rep.LastHash != rows[22].Hash {
				t.Fatalf("batch %d: %+v", batch, rep)
			}
		}
		if got := rows[3]; got.Details != `{"method":"password","n":"3"}` || got.ActorID == nil || *got.ActorID != 3 {
			t.Fatalf("row read back as %+v", got)
		}
	})
}

// TestConcurrentAppends appends from 8 goroutines over two connection
// pools, as two portal instances sharing one database would.
func TestConcurrentAppends(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		other, _, err := models.Open(db.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { models.Close(other) })
		logs := []*Log{New(db.DB, db.Dialect), New(other, db.Dialect)}
		const goroutines, each = 8, 15
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for i := range each {
					if err := logs[g%2].Record(ctx, entry(g*100+i)); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		rep, err := logs[0].Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.BrokenID != 0 || rep.Checked != goroutines*each {
			t.Fatalf("after concurrent appends: %+v", rep)
		}
	})
}

func TestVerifyFindsTampering(t *testing.T) {
	const n, mid = 5, 2 // index of the row tampered with
	cases := []struct {
		name string
		// tamper changes rows[mid] (or a neighbour) and returns the index
		// of the row Verify must name.
		tamper     func(db *gorm.DB, rows []models.AuditEntry) (int, error)
		wantReason string
	}{
		{"action edited", func(db *gorm.DB, rows []models.AuditEntry) (int, error) {
			return mid, db.Exec("UPDATE audit_entries SET action = ? WHERE id = ?", "auth.signout", rows[mid].ID).Error
		}, "content"},
		{"details edited", func(db *gorm.DB, rows []models.AuditEntry) (int, error) {
			return mid, db.Exec("UPDATE audit_entries SET details = ? WHERE id = ?", `{"method":"password","n":"9"}`, rows[mid].ID).Error
		}, "content"},
		{"created_at moved", func(db *gorm.DB, rows []models.AuditEntry) (int, error) {
			return mid, db.Exec("UPDATE audit_entries SET created_at = ? WHERE id = ?", rows[mid].CreatedAt.Add(-time.Hour), rows[mid].ID).Error
		}, "content"},
		{"actor removed", func(db *gorm.DB, rows []models.AuditEntry) (int, error) {
			return mid, db.Exec("UPDATE audit_entries SET actor_id = NULL WHERE id = ?", rows[mid].ID).Error
		}, "content"},
		{"middle row deleted", func(db *gorm.DB, rows []models.AuditEntry) (int, error) {
			return mid + 1, db.Exec("DELETE FROM audit_entries WHERE id = ?", rows[mid].ID).Error
		}, "prev_hash"},
		{"first row deleted", func(db *gorm.DB, rows []models.AuditEntry) (int, error) {
			return 1, db.Exec("DELETE FROM audit_entries WHERE id = ?", rows[0].ID).Error
		}, "prev_hash"},
		{"row edited and re-hashed", func(db *gorm.DB, rows []models.AuditEntry) (int, error) {
			r := rows[mid]
			r.Action = "auth.signout"
			return mid + 1, db.Exec("UPDATE audit_entries SET action = ?, hash = ? WHERE id = ?", r.Action, hashOf(&r), r.ID).Error
		}, "prev_hash"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
				l := New(db.DB, db.Dialect)
				rows := appendN(t, l, n)
				allowTampering(t, db)
				want, err := tc.tamper(db.DB, rows)
				if err != nil {
					t.Fatal(err)
				}
				rep, err := verifyBatches(ctx, l, 2)
				if err != nil {
					t.Fatal(err)
				}
				if rep.BrokenID != rows[want].ID || !strings.Contains(rep.Reason, tc.wantReason) {
					t.Fatalf("got %+v; want BrokenID %d, reason about %s", rep, rows[want].ID, tc.wantReason)
				}
			})
		})
	}
}

func TestDatabaseRefusesEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		l := New(db.DB, db.Dialect)
		rows := appendN(t, l, 3)
		for _, stmt := range []string{
			"UPDATE audit_entries SET action = 'auth.signout' WHERE id = ?",
			"DELETE FROM audit_entries WHERE id = ?",
		} {
			err := db.Exec(stmt, rows[1].ID).Error
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only refusal", stmt, err)
			}
		}
		rep, err := l.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.BrokenID != 0 || rep.Checked != 3 {
			t.Fatalf("after refused edits: %+v", rep)
		}
	})
}

// TestAppendCommitsWithTheChange shows the audit row and the change it
// audits share one fate.
func TestAppendCommitsWithTheChange(t *testing.T) {
	errBoom := errors.New("boom")
	cases := []struct {
		name     string
		fail     error
		wantRows int64
	}{
		{"rolled back", errBoom, 0},
		{"committed", nil, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
				err := db.Transaction(func(tx *gorm.DB) error {
					u := models.User{Email: "someone@example.com", Role: models.RoleCustomer}
					if err := tx.Create(&u).Error; err != nil {
						return err
					}
					if err := Append(tx, db.Dialect, Entry{ActorID: &u.ID, Action: "account.created", TargetType: "user", TargetID: fmt.Sprint(u.ID)}); err != nil {
						return err
					}
					return tc.fail
				})
				if !errors.Is(err, tc.fail) {
					t.Fatalf("transaction: %v", err)
				}
				var users int64
				db.Model(&models.User{}).Count(&users)
				if got := count(t, db.DB); got != tc.wantRows || users != tc.wantRows {
					t.Fatalf("audit rows %d, users %d; want %d of each", got, users, tc.wantRows)
				}
				// The next append must link to what committed, not to the
				// rolled-back row.
				l := New(db.DB, db.Dialect)
				if err := l.Record(ctx, entry(1)); err != nil {
					t.Fatal(err)
				}
				rep, err := l.Verify(ctx)
				if err != nil || rep.BrokenID != 0 || rep.Checked != tc.wantRows+1 {
					t.Fatalf("Verify = %+v, %v", rep, err)
				}
			})
		})
	}
}

func TestAppendRefusesNonTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		if err := Append(db.DB, db.Dialect, entry(1)); !errors.Is(err, ErrNoTransaction) {
			t.Fatalf("err = %v, want ErrNoTransaction", err)
		}
		if n := count(t, db.DB); n != 0 {
			t.Fatalf("%d rows written outside a transaction", n)
		}
	})
}

func TestRecordRejectsInvalidEntries(t *testing.T) {
	long := strings.Repeat("x", 101)
	cases := []struct {
		name string
		e    Entry
	}{
		{"empty action", Entry{}},
		{"undotted action", Entry{Action: "signin"}},
		{"upper case action", Entry{Action: "Auth.Signin"}},
		{"trailing dot", Entry{Action: "auth."}},
		{"free text action", Entry{Action: "auth.signin by bob@example.com"}},
		{"long target id", Entry{Action: "auth.signin", TargetID: long}},
		{"long role", Entry{Action: "auth.signin", ActorRole: long[:17]}},
		{"long ip", Entry{Action: "auth.signin", IP: long[:65]}},
		{"bad details key", Entry{Action: "auth.signin", Details: map[string]string{"E-mail": "x"}}},
	}
	db := dbtest.SQLite(t)
	l := New(db.DB, db.Dialect)
	for _, tc := range cases {
		if err := l.Record(ctx, tc.e); !errors.Is(err, ErrInvalidEntry) {
			t.Errorf("%s: err = %v, want ErrInvalidEntry", tc.name, err)
		}
	}
	if n := count(t, db.DB); n != 0 {
		t.Fatalf("%d invalid rows stored", n)
	}
}

// TestSearchPages: an unfiltered search pages the whole log newest first,
// with the limit and offset clamped.
func TestSearchPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		l := New(db.DB, db.Dialect)
		rows := appendN(t, l, 7)
		cases := []struct {
			limit, offset int
			want          []int // indexes into rows
		}{
			{3, 0, []int{6, 5, 4}},
			{3, 6, []int{0}},
			{3, 7, nil},
			{0, 0, []int{6}},                     // limit clamped up to 1
			{10, -4, []int{6, 5, 4, 3, 2, 1, 0}}, // offset clamped to 0
		}
		for _, tc := range cases {
			p, err := l.Search(ctx, Filter{}, tc.limit, tc.offset)
			if err != nil {
				t.Fatal(err)
			}
			got, total := p.Entries, p.Total
			var ids, wantIDs []int64
			for _, r := range got {
				ids = append(ids, r.ID)
			}
			for _, i := range tc.want {
				wantIDs = append(wantIDs, rows[i].ID)
			}
			if total != 7 || fmt.Sprint(ids) != fmt.Sprint(wantIDs) {
				t.Errorf("Search(%d, %d) = %v, %d; want %v, 7", tc.limit, tc.offset, ids, total, wantIDs)
			}
		}
	})
}
