package web

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/config"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
)

// burstSize is the flood issue 9 measured: 50 sign-ins arriving at once.
const burstSize = 50

// BenchmarkSignInBurst measures the peak RSS of the whole process while
// 50 customers sign in at once through the real handler (SQLite), with
// the memory limit off and at the default. Each burst starts from a
// collected, scavenged heap so bursts do not inherit each other's garbage;
// the peak is the kernel's high-water mark (VmHWM), reset before the burst.
// Linux only (it reads /proc/self).
//
//	go test -run '^$' -bench SignInBurst -benchtime 5x ./web/
func BenchmarkSignInBurst(b *testing.B) {
	if _, err := os.Stat("/proc/self/clear_refs"); err != nil {
		b.Skip("needs Linux /proc to read the peak RSS")
	}
	def := defaultSetting(b, "PORTAL_MEMORY_LIMIT")
	for _, limit := range []string{"0", def} {
		b.Run("limit="+limit, func(b *testing.B) {
			s, emails := burstServer(b, limit)
			restore := debug.SetMemoryLimit(-1)
			b.Cleanup(func() { debug.SetMemoryLimit(restore) })
			applyMemoryLimit(s.cfg, s.logger)
			var peak, base float64
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				runtime.GC()
				debug.FreeOSMemory()
				base = max(base, rssMB(b, "VmRSS"))
				resetPeakRSS(b)
				before := cpuTime(b)
				b.StartTimer()
				signInBurst(b, s.Handler(), emails)
				cpu += cpuTime(b) - before
				peak = max(peak, rssMB(b, "VmHWM"))
			}
			b.ReportMetric(peak, "peak-RSS-MB")
			b.ReportMetric(base, "base-RSS-MB")
			// CPU time, unlike wall time, shows what the limit costs in
			// collections even on a busy machine.
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "CPU-ms/op")
		})
	}
}

func defaultSetting(b *testing.B, env string) string {
	for _, s := range config.Settings {
		if s.Env == env {
			return s.Default
		}
	}
	b.Fatalf("no setting %s", env)
	return ""
}

// burstServer is a portal on SQLite with burstSize customers sharing one
// password (each check still costs a full argon2id run).
func burstServer(b *testing.B, memoryLimit string) (*Server, []string) {
	const pw = "burst passphrase"
	env := map[string]string{"PORTAL_DATA_DIR": b.TempDir(), "PORTAL_DATABASE_URL": filepath.Join(b.TempDir(), "burst.db"),
		"PORTAL_RATE_LIMIT": "1000000", "PORTAL_RATE_BURST": "1000000", "PORTAL_SIGNIN_RATE_LIMIT": "1000000",
		"PORTAL_JOB_WORKERS": "0", "PORTAL_MEMORY_LIMIT": memoryLimit}
	cfg, err := config.Load(nil, func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	hash, err := password.New(1).Hash(context.Background(), pw)
	if err != nil {
		b.Fatal(err)
	}
	emails := make([]string, burstSize)
	users := make([]models.User, burstSize)
	for i := range users {
		emails[i] = fmt.Sprintf("burst%02d@example.com", i)
		users[i] = models.User{Email: emails[i], Name: "Burst", Role: models.RoleCustomer, Locale: "en", PasswordHash: hash}
	}
	if err := s.DB().Create(&users).Error; err != nil {
		b.Fatal(err)
	}
	return s, emails
}

// signInBurst posts every sign-in at once and waits for all of them.
func signInBurst(b *testing.B, h http.Handler, emails []string) {
	var wg sync.WaitGroup
	codes := make([]int, len(emails))
	start := make(chan struct{})
	for i, email := range emails {
		wg.Go(func() {
			form := url.Values{"email": {email}, "password": {"burst passphrase"}}
			req := httptest.NewRequest("POST", "/signin", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			<-start
			h.ServeHTTP(w, req)
			codes[i] = w.Code
		})
	}
	close(start)
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusSeeOther {
			b.Fatalf("sign-in %d: status %d, want 303", i, c)
		}
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS sets the process's VmHWM back to its current RSS.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Fatal(err)
	}
}

// rssMB reads one "kB" field of /proc/self/status, in MB (10^6 bytes).
func rssMB(b *testing.B, field string) float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		if err != nil {
			b.Fatal(err)
		}
		return kb * 1024 / 1e6
	}
	b.Fatalf("no %s in /proc/self/status", field)
	return 0
}
