package web

import (
	"log/slog"
	"math"
	"os"
	"runtime/debug"

	"github.com/photolab/privacyportal/internal/config"
	"github.com/photolab/privacyportal/internal/password"
)

// memoryLimit decides the runtime's soft memory limit: GOMEMLIMIT, when
// the operator set it, is the Go-wide knob and the runtime has already
// applied it, so it wins over PORTAL_MEMORY_LIMIT (-1 leaves it as is).
// A configured 0 means no limit.
func memoryLimit(configured int64, gomemlimit string) (limit int64, source string) {
	if gomemlimit != "" {
		return -1, "GOMEMLIMIT"
	}
	if configured == 0 {
		return math.MaxInt64, "PORTAL_MEMORY_LIMIT"
	}
	return configured, "PORTAL_MEMORY_LIMIT"
}

// gcPercentUnderLimit is the collector's growth target while a memory
// limit bounds the heap.
const gcPercentUnderLimit = 400

// applyMemoryLimit sets the limit for the whole process. Without one the
// collector lets the heap double before it runs, and each argon2id check
// leaves 19 MiB of garbage, so a sign-in flood grows the process far past
// the memory the hashing semaphore keeps in use.
func applyMemoryLimit(cfg config.Config, logger *slog.Logger) {
	limit, source := memoryLimit(cfg.MemoryLimit, os.Getenv("GOMEMLIMIT"))
	debug.SetMemoryLimit(limit)
	limit = debug.SetMemoryLimit(-1)
	if limit == math.MaxInt64 {
		logger.Info("memory limit", "limit", "none", "from", source)
		return
	}
	logger.Info("memory limit", "limit_mib", limit>>20, "from", source)
	// With a limit to stop it, the heap may grow further between
	// collections: a page allocates about 100 KB and the live heap is a
	// few MB, so at the default 2× the collector ran some twenty times a
	// second under load. GOGC, when the operator set it, wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercentUnderLimit)
	}
	// Below this the hashes' own live memory keeps the collector running
	// almost without pause.
	if floor := int64(cfg.HashConcurrency) * password.HashMemory * 3 / 2; limit < floor {
		logger.Warn("memory limit is low for PORTAL_HASH_CONCURRENCY: sign-in floods will cost much collector time",
			"limit_mib", limit>>20, "suggested_min_mib", floor>>20)
	}
}
