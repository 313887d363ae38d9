package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const wrkOutput = `Running 1s test @ http://127.0.0.1:4000/healthz
  2 threads and 32 connections
  Latency Distribution
     50%  201.00us
     99%    6.40ms
  352601 requests in 3.00s, 40.02MB read
Requests/sec: 117374.19
wrk-result requests=352601 duration_us=3004076 p50_us=203 p99_us=6397 connect=0 read=1 write=2 status=3 timeout=4 non200=5
`

func TestParseWrk(t *testing.T) {
	t.Parallel()
	line := "wrk-result requests=10 duration_us=2000000 p50_us=1500 p99_us=9000 connect=0 read=0 write=0 status=0 timeout=0 non200=0\n"
	tests := []struct {
		name    string
		out     string
		want    sample
		wantErr string
	}{
		{"wrk's output around the line", wrkOutput, sample{Requests: 352601, Duration: 3004076 * time.Microsecond,
			P50: 203 * time.Microsecond, P99: 6397 * time.Microsecond, SocketErrs: 1 + 2 + 4, Non200: 5}, ""},
		{"the line alone", line, sample{Requests: 10, Duration: 2 * time.Second, P50: 1500 * time.Microsecond, P99: 9 * time.Millisecond}, ""},
		{"no line", "Requests/sec: 12.0\n", sample{}, "no result line"},
		{"two lines", line + line, sample{}, "more than one"},
		{"a field missing", strings.Replace(line, " non200=0", "", 1), sample{}, "lacks non200"},
		{"not a number", strings.Replace(line, "p99_us=9000", "p99_us=9e3", 1), sample{}, "bad value"},
		{"negative", strings.Replace(line, "requests=10", "requests=-10", 1), sample{}, "bad value"},
		{"no equals sign", strings.Replace(line, "read=0", "read", 1), sample{}, "bad field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseWrk(tt.out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSampleRPSAndFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		s       sample
		rps     float64
		wantErr string
	}{
		{"clean", sample{Requests: 500, Duration: 2 * time.Second}, 250, ""},
		{"a redirect is not a 200", sample{Requests: 500, Duration: 2 * time.Second, Non200: 1}, 250, "1 of 500 responses were not 200"},
		{"socket errors", sample{Requests: 500, Duration: time.Second, SocketErrs: 3}, 500, "3 socket errors"},
		{"nothing answered", sample{Duration: time.Second}, 0, "no request completed"},
		{"no duration", sample{Requests: 5}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.s.RPS(); got != tt.rps {
				t.Errorf("RPS = %v, want %v", got, tt.rps)
			}
			err := tt.s.failure()
			if (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("failure = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"one", []float64{7}, 7},
		{"odd, unsorted", []float64{9, 1, 5}, 5},
		{"odd, an outlier does not move it", []float64{100, 101, 5000}, 101},
		{"even: the mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := median(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("median(%v) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := median([]float64{}); err == nil {
		t.Error("median of nothing: no error")
	}
	in := []time.Duration{3 * time.Millisecond, time.Millisecond}
	if got, _ := median(in); got != 2*time.Millisecond {
		t.Errorf("median of durations = %v, want 2ms", got)
	}
	if in[0] != 3*time.Millisecond {
		t.Error("median sorted its argument")
	}
}

func TestMediansTakesEachFigureApart(t *testing.T) {
	t.Parallel()
	samples := []sample{
		{Requests: 100, Duration: time.Second, P50: 1 * time.Millisecond, P99: 90 * time.Millisecond},
		{Requests: 300, Duration: time.Second, P50: 3 * time.Millisecond, P99: 10 * time.Millisecond},
		{Requests: 200, Duration: time.Second, P50: 2 * time.Millisecond, P99: 50 * time.Millisecond},
	}
	got, err := medians(samples)
	want := stats{RPS: 200, P50: 2 * time.Millisecond, P99: 50 * time.Millisecond}
	if err != nil || got != want {
		t.Errorf("medians = %+v, %v; want %+v", got, err, want)
	}
	if _, err := medians(nil); err == nil {
		t.Error("medians of no run: no error")
	}
}

func TestVerdicts(t *testing.T) {
	t.Parallel()
	floor := stats{RPS: 1000, P50: time.Millisecond, P99: 10 * time.Millisecond}
	tests := []struct {
		name          string
		portal, floor stats
		minRatio      float64
		want          string
	}{
		{"exactly the ratio passes", stats{RPS: 500, P99: 10 * time.Millisecond}, floor, 0.5, "PASS"},
		{"just under the ratio misses", stats{RPS: 499, P99: 10 * time.Millisecond}, floor, 0.5, "MISS (req/s)"},
		{"the heavy target is lower", stats{RPS: 350, P99: 10 * time.Millisecond}, floor, 0.35, "PASS"},
		{"p99 exactly twice passes", stats{RPS: 900, P99: 20 * time.Millisecond}, floor, 0.8, "PASS"},
		{"p99 over twice misses", stats{RPS: 900, P99: 20*time.Millisecond + time.Microsecond}, floor, 0.8, "MISS (p99)"},
		{"both missed are both named", stats{RPS: 100, P99: time.Second}, floor, 0.5, "MISS (req/s, p99)"},
		{"a floor that served nothing is no pass", stats{RPS: 10}, stats{}, 0.5, "MISS (req/s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := pageVerdict(tt.portal, tt.floor, tt.minRatio); got != tt.want {
				t.Errorf("pageVerdict = %q, want %q", got, tt.want)
			}
		})
	}

	limits := []struct {
		name        string
		value, want string
	}{
		{"start under 300 ms", under(299*time.Millisecond, maxStartup), "PASS"},
		{"start at 300 ms is not under", under(300*time.Millisecond, maxStartup), "MISS"},
		{"idle RSS under 40 MB", under(int64(39_999_999), maxIdleRSS), "PASS"},
		{"idle RSS over 40 MB", under(int64(45_000_000), maxIdleRSS), "MISS"},
		{"burst peak over 200 MB", under(int64(200_000_001), maxBurstHWM), "MISS"},
		{"SQLite as fast as PostgreSQL", sqliteVerdict(1000, 1000), "PASS"},
		{"SQLite slower than PostgreSQL", sqliteVerdict(999, 1000), "MISS"},
	}
	for _, l := range limits {
		if l.value != l.want {
			t.Errorf("%s: %q, want %q", l.name, l.value, l.want)
		}
	}
}

func TestStatusField(t *testing.T) {
	t.Parallel()
	status := "Name:\tportal\nVmPeak:\t 1300000 kB\nVmHWM:\t  180000 kB\nVmRSS:\t   23456 kB\nThreads:\t9\n"
	tests := []struct {
		field   string
		want    int64
		wantErr bool
	}{
		{"VmRSS", 23456 * 1024, false},
		{"VmHWM", 180000 * 1024, false},
		{"VmSwap", 0, true},
		{"Threads", 0, true}, // no kB: not a memory figure
	}
	for _, tt := range tests {
		got, err := statusField(strings.NewReader(status), tt.field)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("%s = %d, %v; want %d (error: %v)", tt.field, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseFlags(t *testing.T) {
	t.Setenv("LOAD_POSTGRES_DSN", "")
	t.Setenv("PORTAL_TEST_POSTGRES_DSN", "postgres://from-ci")
	c, err := parseFlags(nil, new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	if c.customers != 100000 || c.orders != 1000000 || c.heavy != 10000 || c.typical != 200 || c.burst != 50 ||
		c.duration != 5*time.Second || c.rounds != 3 || c.threads != 2 || c.conns != 32 || c.postgres != "postgres://from-ci" {
		t.Errorf("defaults: %+v", c)
	}
	for _, bad := range [][]string{
		{"-typical", "300", "-customers", "300"}, // one is the heavy customer
		{"-heavy", "20", "-orders", "10"},
		{"-rounds", "0"},
		{"-duration", "500ms"},
		{"-conns", "1"},
		{"stray"},
	} {
		if _, err := parseFlags(bad, new(bytes.Buffer)); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
}

func TestCommandLineHidesPassword(t *testing.T) {
	t.Parallel()
	c := config{postgres: "postgres://load:s3cret@db:5432/x?sslmode=disable", duration: time.Second}
	got := c.commandLine()
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "load:xxxxx@db") {
		t.Errorf("command line %q", got)
	}
}

// fakeResult is an engine whose every page ran one round with these
// portal and floor figures.
func fakeResult(engine string, portalRPS float64) engineResult {
	e := engineResult{engine: engine, startup: 120 * time.Millisecond, idleRSS: 30e6, burstHWM: 250e6, burst: 50}
	for _, p := range pages(10000) {
		e.pages = append(e.pages, pageResult{page: p,
			portal: []sample{{Requests: int64(portalRPS), Duration: time.Second, P50: time.Millisecond, P99: 5 * time.Millisecond}},
			floor:  []sample{{Requests: 1000, Duration: time.Second, P50: time.Millisecond, P99: 4 * time.Millisecond}}})
	}
	return e
}

func TestMarkdownRowsAndCounts(t *testing.T) {
	t.Parallel()
	sqlite := fakeResult("sqlite", 600)     // 0.6×: PASS but for /healthz
	postgres := fakeResult("postgres", 700) // SQLite slower: four MISSes
	postgres.pages[1].err = errors.New("portal, round 1: 3 of 90 responses were not 200\nwrk output…")
	r := &report{engines: []engineResult{sqlite, postgres}, command: "go run ./tools/load", wrkLine: "wrk …"}
	md := r.markdown()
	for _, want := range []string{
		"| sqlite | orders, typical customers | 600 | 1000 | 0.60× | 1.00 ms / 5.00 ms | 1.00 ms / 4.00 ms | 1.25× | ≥ 0.50× req/s, p99 ≤ 2× | PASS |",
		"| sqlite | /healthz vs plain handler | 600 | 1000 | 0.60× |",
		"| ≥ 0.80× req/s, p99 ≤ 2× | MISS (req/s) |",
		"| postgres | overview, typical customers | — |",
		"FAILED: portal, round 1: 3 of 90 responses were not 200 |",
		"| sqlite | start to first /healthz 200 | 120.00 ms | < 300.00 ms | PASS |",
		"| postgres | idle RSS after start | 30.0 MB | < 40.0 MB | PASS |",
		"| sqlite | peak RSS after 50 sign-ins at once | 250.0 MB | < 200.0 MB | MISS |",
		"| sqlite vs postgres | portal req/s, orders, customer with 10000 orders | 600 vs 700 | SQLite ≥ PostgreSQL | MISS |",
		"Command: `go run ./tools/load`",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "wrk output…") {
		t.Error("a failure's later lines broke the table")
	}
	// The failed page has no cross-engine row; /healthz never has one.
	if strings.Contains(md, "portal req/s, overview, typical customers") || strings.Contains(md, "portal req/s, /healthz") {
		t.Errorf("unexpected cross-engine row:\n%s", md)
	}
	// sqlite: 4 pages PASS, /healthz MISS; postgres: 3 PASS, 1 FAILED, /healthz MISS;
	// each: start PASS, idle PASS, burst MISS; 3 cross-engine MISS.
	if r.pass != 4+3+2+2 || r.miss != 1+1+1+1+3 || r.failures != 1 {
		t.Errorf("counted %d PASS, %d MISS, %d FAILED", r.pass, r.miss, r.failures)
	}
}

// TestSmoke runs the whole harness on a small database and checks the
// table has every row (not what the figures are).
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the portal and runs wrk; skipped with -short")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("wrk not found; CI must install it (apt-get install -y wrk)")
		}
		t.Skip("wrk not found (apt-get install wrk to run the load harness's smoke test)")
	}
	t.Parallel()
	dsn := os.Getenv("PORTAL_TEST_POSTGRES_DSN")
	reportPath := filepath.Join(t.TempDir(), "report.md")
	args := []string{"-customers", "300", "-orders", "3000", "-heavy", "1000", "-typical", "20", "-burst", "10",
		// Few connections: under `make test` other test binaries share the
		// cores, and 32 queued connections could reach wrk's 2 s timeout.
		"-threads", "1", "-conns", "4", "-duration", "1s", "-rounds", "1", "-postgres", dsn, "-report", reportPath}
	var stdout, stderr bytes.Buffer
	// The harness builds the portal first (-trimpath: nothing of the
	// test binaries' cache is reused); under `make test` two cores are
	// shared with the race-built packages, and that build alone has taken
	// more than 3 minutes. The bound is for a hung run, under go test's 8.
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	if code := run(ctx, args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	engines := []string{"sqlite"}
	if dsn != "" {
		engines = append(engines, "postgres")
	}
	var rows []string
	for _, e := range engines {
		for _, p := range pages(1000) {
			rows = append(rows, "| "+e+" | "+p.name+" | ")
		}
		rows = append(rows, "| "+e+" | start to first /healthz 200 | ", "| "+e+" | idle RSS after start | ",
			"| "+e+" | peak RSS after 10 sign-ins at once | ")
	}
	if dsn != "" {
		for _, p := range pages(1000)[:4] {
			rows = append(rows, "| sqlite vs postgres | portal req/s, "+p.name+" | ")
		}
	}
	written, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if !strings.Contains(stdout.String(), row) {
			t.Errorf("printed table lacks the row %q", row)
		}
		if !strings.Contains(string(written), row) {
			t.Errorf("report file lacks the row %q", row)
		}
	}
	if strings.Contains(stdout.String(), "FAILED:") {
		t.Errorf("a measurement failed:\n%s", stdout.String())
	}
	if !strings.Contains(stdout.String(), "Command: `go run ./tools/load -customers 300 ") {
		t.Errorf("no command line:\n%s", stdout.String())
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
}

func TestProbe(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/signin-redirect":
			http.Redirect(w, r, "/signin", http.StatusSeeOther)
		case r.Header.Get("Cookie") == "portal_session=ok":
			w.Write([]byte("<td>LD1-2</td>"))
		default:
			w.Write([]byte("<form>sign in</form>"))
		}
	}))
	defer srv.Close()
	tests := []struct {
		path, cookie string
		ok           bool
	}{
		{"/orders", "portal_session=ok", true},
		{"/orders", "", false},                           // 200, but the wrong page
		{"/signin-redirect", "portal_session=ok", false}, // not followed: not a 200
	}
	for _, tt := range tests {
		err := probe(context.Background(), srv.URL+tt.path, tt.cookie, "LD")
		if (err == nil) != tt.ok {
			t.Errorf("probe(%s, %q) = %v, want ok %v", tt.path, tt.cookie, err, tt.ok)
		}
	}
}
