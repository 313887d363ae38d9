package models

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestSQLiteFilesOwnerOnly: the database holds every customer's personal
// data, so it and its WAL must be private even under a permissive umask.
func TestSQLiteFilesOwnerOnly(t *testing.T) {
	old := syscall.Umask(0o000) // the widest umask: modes come from the code alone
	t.Cleanup(func() { syscall.Umask(old) })
	cases := []struct {
		name    string
		prepare func(t *testing.T, path string) // an existing file, or none
	}{
		{"new database", func(*testing.T, string) {}},
		{"existing world-readable database", func(t *testing.T, path string) {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, nil, 0o666); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "data", "portal.db")
			c.prepare(t, path)
			db, _, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer Close(db)
			if err := Migrate(t.Context(), db, SQLite); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				st, err := os.Stat(p)
				if err != nil {
					t.Fatalf("%s: %v", filepath.Base(p), err)
				}
				if got := st.Mode().Perm(); got != 0o600 {
					t.Errorf("%s mode = %o, want 600", filepath.Base(p), got)
				}
			}
			if c.name == "new database" {
				st, err := os.Stat(filepath.Dir(path))
				if err != nil {
					t.Fatal(err)
				}
				if got := st.Mode().Perm(); got != 0o700 {
					t.Errorf("new data directory mode = %o, want 700", got)
				}
			}
		})
	}
}
