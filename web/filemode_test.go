package web

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/photolab/privacyportal/internal/config"
)

// TestSecurityDataFileModes: whatever the umask and even if the data
// directory already existed open to all, a started portal leaves its
// directory 0700 and the database and its WAL 0600.
func TestSecurityDataFileModes(t *testing.T) {
	old := syscall.Umask(0o000)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(nil, func(k string) string {
		return map[string]string{"PORTAL_DATA_DIR": dir, "PORTAL_JOB_WORKERS": "0"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := map[string]os.FileMode{dir: 0o700, cfg.DatabaseURL: 0o600, cfg.DatabaseURL + "-wal": 0o600, cfg.DatabaseURL + "-shm": 0o600}
	for path, mode := range want {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s: mode %o, want %o", filepath.Base(path), st.Mode().Perm(), mode)
		}
	}
}
