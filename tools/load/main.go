// Command load measures the portal against a fixed floor (tools/floor)
// under wrk, on a large generated database, and prints a table of PASS and
// MISS per target of issue 9. `make load` runs it; see the README's
// Performance section.
//
// Per engine (SQLite always, PostgreSQL when a DSN is given) it builds the
// portal and the floor, generates the database with internal/loadgen,
// starts the portal, measures its start and memory, signs customers in
// through the real form, then loads each page on the floor and the portal
// in alternation and takes the medians.
//
// Its exit status is 0 when the run measured everything, MISSes
// included; 1 when the run itself failed.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type config struct {
	customers, orders, heavy, typical int
	burst                             int
	duration                          time.Duration
	rounds                            int
	threads, conns                    int
	postgres                          string
	report                            string
	root                              string
	jobWorkers                        int
	keep                              bool
	profile                           string
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&c.customers, "customers", 100000, "generated customers")
	fs.IntVar(&c.orders, "orders", 1000000, "generated orders")
	fs.IntVar(&c.heavy, "heavy", 10000, "orders of the heavy customer")
	fs.IntVar(&c.typical, "typical", 200, "typical customers signed in and rotated")
	fs.IntVar(&c.burst, "burst", 50, "sign-ins sent at once, before the peak RSS is read")
	fs.DurationVar(&c.duration, "duration", 5*time.Second, "length of each wrk run")
	fs.IntVar(&c.rounds, "rounds", 3, "floor/portal rounds per page (medians are taken)")
	fs.IntVar(&c.threads, "threads", 2, "wrk threads")
	fs.IntVar(&c.conns, "conns", 32, "wrk connections")
	fs.StringVar(&c.postgres, "postgres", cmp.Or(os.Getenv("LOAD_POSTGRES_DSN"), os.Getenv("PORTAL_TEST_POSTGRES_DSN")),
		"PostgreSQL server DSN: a scratch database is created on it and dropped ($LOAD_POSTGRES_DSN, $PORTAL_TEST_POSTGRES_DSN); empty runs SQLite only")
	fs.StringVar(&c.report, "report", "bin/load-report.md", "where the table is also written (relative to the module root)")
	fs.StringVar(&c.root, "root", "", "the module's directory (default: found from the working directory)")
	fs.IntVar(&c.jobWorkers, "job-workers", 0, "PORTAL_JOB_WORKERS of the measured portal (0: no background jobs during the runs)")
	fs.StringVar(&c.profile, "profile", "", "if set, a CPU profile of the portal during each page's last round is written to this directory (ENGINE-PAGE.pprof)")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary directory (binaries, SQLite database, logs)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case c.customers < 2 || c.typical < 1 || c.typical > c.customers-1:
		return c, errors.New("need at least 2 customers and 1 ≤ typical < customers")
	case c.heavy < 1 || c.orders < c.heavy:
		return c, errors.New("need 1 ≤ heavy ≤ orders")
	case c.burst < 1 || c.rounds < 1 || c.threads < 1 || c.conns < c.threads || c.duration < time.Second:
		return c, errors.New("need burst, rounds ≥ 1, conns ≥ threads ≥ 1 and a duration of at least 1s")
	}
	return c, nil
}

// commandLine is the invocation that repeats this run, every flag spelled
// out, the DSN's password hidden.
func (c config) commandLine() string {
	pg := c.postgres
	if u, err := url.Parse(pg); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
			pg = u.String()
		}
	}
	return fmt.Sprintf("go run ./tools/load -customers %d -orders %d -heavy %d -typical %d -burst %d -duration %s -rounds %d -threads %d -conns %d -job-workers %d -postgres %s -report %s",
		c.customers, c.orders, c.heavy, c.typical, c.burst, c.duration, c.rounds, c.threads, c.conns, c.jobWorkers, strconv.Quote(pg), c.report)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

var logOut io.Writer = os.Stderr

func logf(format string, args ...any) { fmt.Fprintf(logOut, "load: "+format+"\n", args...) }

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	logOut = stderr
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "load:", err)
		return 2
	}
	if cfg.root == "" {
		if cfg.root, err = moduleRoot(); err != nil {
			fmt.Fprintln(stderr, "load:", err)
			return 2
		}
	}
	rep, err := measure(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "load:", err)
		return 1
	}
	table := rep.markdown()
	fmt.Fprint(stdout, "\n"+table)
	path := cfg.report
	if !filepath.IsAbs(path) {
		path = filepath.Join(cfg.root, path)
	}
	err = os.MkdirAll(filepath.Dir(path), 0o755)
	if err == nil {
		err = os.WriteFile(path, []byte(table), 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, "load: writing the report:", err)
		return 1
	}
	fmt.Fprintf(stdout, "\nReport written to %s\n", path)
	if rep.failures > 0 {
		fmt.Fprintf(stderr, "load: %d measurements failed (see the table)\n", rep.failures)
		return 1
	}
	return 0
}

// measure builds, then runs every engine; an error is one that stops the
// whole run (no binary, no wrk). An engine's own failure is in its result.
func measure(ctx context.Context, cfg config) (*report, error) {
	if _, err := exec.LookPath("wrk"); err != nil {
		return nil, errors.New("wrk not found (apt-get install wrk)")
	}
	tmp, err := os.MkdirTemp("", "portal-load-")
	if err != nil {
		return nil, err
	}
	if cfg.keep {
		logf("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	bins := binaries{portal: filepath.Join(tmp, "portal"), floor: filepath.Join(tmp, "floor")}
	start := time.Now()
	if err := build(ctx, cfg.root, bins.portal, "."); err != nil {
		return nil, err
	}
	if err := build(ctx, cfg.root, bins.floor, "./tools/floor"); err != nil {
		return nil, err
	}
	logf("built the portal and the floor in %s", since(start))
	script, err := writeScript(tmp)
	if err != nil {
		return nil, err
	}
	w := wrkRunner{script: script, threads: cfg.threads, conns: cfg.conns, duration: cfg.duration}
	shown := w
	shown.script = "tools/load/wrk.lua" // the file the temporary copy is embedded from
	rep := &report{command: cfg.commandLine(), wrkLine: shown.commandLine("URL", "COOKIES-FILE")}
	engines := []string{"sqlite"}
	if cfg.postgres != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		dir := filepath.Join(tmp, engine)
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, err
		}
		res := runEngine(ctx, cfg, engine, bins, w, dir)
		if res.err != nil {
			logf("%s: %v", engine, res.err)
		}
		rep.engines = append(rep.engines, res)
	}
	return rep, nil
}

type binaries struct{ portal, floor string }

// build compiles without -race and without the test's flags: the binaries
// are measured, not checked.
func build(ctx context.Context, root, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return nil
}

// moduleRoot walks up from the working directory to the portal's go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/photolab/privacyportal\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the portal's module (use -root)")
		}
		dir = parent
	}
}
