package web

import (
	"bytes"
	"log/slog"
	"math"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/config"
)

func TestMemoryLimitPrecedence(t *testing.T) {
	cases := []struct {
		name       string
		configured int64
		gomemlimit string
		want       int64
		source     string
	}{
		{"configured", 128 << 20, "", 128 << 20, "PORTAL_MEMORY_LIMIT"},
		{"zero is none", 0, "", math.MaxInt64, "PORTAL_MEMORY_LIMIT"},
		{"GOMEMLIMIT wins", 128 << 20, "1GiB", -1, "GOMEMLIMIT"},
		{"GOMEMLIMIT=off wins too", 128 << 20, "off", -1, "GOMEMLIMIT"},
	}
	for _, c := range cases {
		got, source := memoryLimit(c.configured, c.gomemlimit)
		if got != c.want || source != c.source {
			t.Errorf("%s: memoryLimit = %d from %s, want %d from %s", c.name, got, source, c.want, c.source)
		}
	}
}

// TestApplyMemoryLimit sets the process's limit, so it restores it and
// does not run in parallel.
func TestApplyMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	gc := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(before); debug.SetGCPercent(gc) })
	t.Setenv("GOMEMLIMIT", "")
	cases := []struct {
		limit    int64
		hashes   int
		want     int64
		warns    bool
		logsNone bool
	}{
		{128 << 20, 4, 128 << 20, false, false},
		{128 << 20, 8, 128 << 20, true, false}, // 8 hashes hold 152 MiB live
		{0, 4, math.MaxInt64, false, true},
	}
	for _, c := range cases {
		var logged bytes.Buffer
		applyMemoryLimit(config.Config{MemoryLimit: c.limit, HashConcurrency: c.hashes}, slog.New(slog.NewTextHandler(&logged, nil)))
		if got := debug.SetMemoryLimit(-1); got != c.want {
			t.Errorf("limit %d: runtime limit %d, want %d", c.limit, got, c.want)
		}
		if warned := strings.Contains(logged.String(), "level=WARN"); warned != c.warns {
			t.Errorf("limit %d with %d hashes: warned=%v, want %v: %s", c.limit, c.hashes, warned, c.warns, logged.String())
		}
		if none := strings.Contains(logged.String(), "limit=none"); none != c.logsNone {
			t.Errorf("limit %d: log %q", c.limit, logged.String())
		}
	}
}

// Under a limit the collector lets the heap grow 4× between cycles; an
// operator's GOGC wins, and with no limit the runtime's own 2× stays.
func TestGCPercentUnderLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	gc := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(before); debug.SetGCPercent(gc) })
	t.Setenv("GOMEMLIMIT", "")
	quiet := slog.New(slog.DiscardHandler)
	cases := []struct {
		limit int64
		gogc  string
		want  int
	}{
		{128 << 20, "", gcPercentUnderLimit},
		{128 << 20, "50", 100}, // the operator's GOGC, left to the runtime
		{0, "", 100},
	}
	for _, c := range cases {
		t.Setenv("GOGC", c.gogc)
		debug.SetGCPercent(100)
		applyMemoryLimit(config.Config{MemoryLimit: c.limit, HashConcurrency: 4}, quiet)
		if got := debug.SetGCPercent(100); got != c.want {
			t.Errorf("limit %d, GOGC %q: GC percent %d, want %d", c.limit, c.gogc, got, c.want)
		}
	}
}
