package web

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"gorm.io/gorm"
)

// hangUp is a trap set on one table: the first query of it hangs up the
// client and waits until the server has noticed (the request's context is
// done), so the query then runs cut off, as it does when a visitor closes
// the tab mid-request. It waits on the event itself, not on a clock.
type hangUp struct {
	table  string
	cancel context.CancelFunc
}

func setHangUpTrap(t *testing.T, db *gorm.DB) *atomic.Pointer[hangUp] {
	t.Helper()
	trap := new(atomic.Pointer[hangUp])
	// A query built by GORM names its table; a hand-written one (the
	// session lookup, the orders page) already has its SQL.
	spring := func(tx *gorm.DB) {
		h := trap.Load()
		if h == nil {
			return
		}
		reads := tx.Statement.Table == h.table || strings.Contains(tx.Statement.SQL.String(), "FROM "+h.table+" ")
		if !reads || !trap.CompareAndSwap(h, nil) {
			return
		}
		h.cancel()
		<-tx.Statement.Context.Done()
	}
	for _, err := range []error{
		db.Callback().Query().Before("gorm:query").Register("test:hang_up", spring),
		db.Callback().Row().Before("gorm:row").Register("test:hang_up_row", spring),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return trap
}

// TestClientHangUpIsNotAServerError: a visitor who leaves while the portal
// is in the database, loading the session or in a handler, causes no error
// line and no 500 or 503, and the access log and metrics record a 499.
func TestClientHangUpIsNotAServerError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		logs := &logLines{}
		p := startPortalLogging(t, db.URL, nil, logs)
		trap := setHangUpTrap(t, p.DB())
		c := p.signedIn(t, "customer")
		const route = "GET /account/data/orders"
		for _, table := range []string{"sessions", "orders"} {
			t.Run("in "+table, func(t *testing.T) {
				before := map[string]float64{}
				for _, code := range []string{"499", "500", "503"} {
					before[code] = requestCount(t, p, route, code)
				}
				from := logs.len()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				trap.Store(&hangUp{table: table, cancel: cancel})
				req, _ := http.NewRequestWithContext(ctx, "GET", p.URL+"/account/data/orders", nil)
				res, err := c.Do(req)
				if err == nil {
					res.Body.Close()
					t.Fatalf("the request was answered (%d): the trap on %s never fired", res.StatusCode, table)
				}
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("client error %v, want context.Canceled", err)
				}
				access := logs.waitFor(t, from, `route="`+route+`"`)
				if !strings.Contains(access, "status=499") {
					t.Errorf("access log %q, want status=499", access)
				}
				for _, line := range logs.since(from) {
					if strings.Contains(line, "level=ERROR") {
						t.Errorf("error logged for a hang-up: %s", line)
					}
				}
				for code, want := range map[string]float64{"499": 1, "500": 0, "503": 0} {
					if got := requestCount(t, p, route, code) - before[code]; got != want {
						t.Errorf("portal_http_requests_total code %s grew by %v, want %v", code, got, want)
					}
				}
			})
		}
	})
}

// requestCount reads one portal_http_requests_total series from /metrics
// (the counters are process-wide, so callers compare before and after).
func requestCount(t *testing.T, p *portal, route, code string) float64 {
	t.Helper()
	res, err := http.Get(p.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	want := `portal_http_requests_total{code="` + code + `",method="GET",route="` + route + `"} `
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), want); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	return 0
}

// logLines keeps the server's log lines (slog writes one record per Write)
// and wakes waiters when one arrives.
type logLines struct {
	mu    sync.Mutex
	lines []string
	added chan struct{}
}

func (l *logLines) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, string(b))
	if l.added != nil {
		close(l.added)
		l.added = nil
	}
	return len(b), nil
}

func (l *logLines) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.lines)
}

func (l *logLines) since(from int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines[from:]...)
}

// waitFor returns the first line from index from on that holds substr,
// waiting for the server to write it.
func (l *logLines) waitFor(t *testing.T, from int, substr string) string {
	t.Helper()
	guard := time.After(10 * time.Second) // against hanging, not a measured time
	for {
		l.mu.Lock()
		for _, line := range l.lines[from:] {
			if strings.Contains(line, substr) {
				l.mu.Unlock()
				return line
			}
		}
		if l.added == nil {
			l.added = make(chan struct{})
		}
		added := l.added
		l.mu.Unlock()
		select {
		case <-added:
		case <-guard:
			t.Fatalf("no log line with %s", substr)
		}
	}
}

var _ io.Writer = (*logLines)(nil)
