package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

//go:embed wrk.lua
var wrkScript []byte

// sample is one wrk run as the script's done() reports it.
type sample struct {
	Requests   int64
	Duration   time.Duration
	P50, P99   time.Duration
	SocketErrs int64 // connect, read, write errors and timeouts
	Non200     int64 // responses that were not 200 (wrk itself counts only ≥ 400)
}

// RPS is requests per second over the run.
func (s sample) RPS() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Requests) / s.Duration.Seconds()
}

// failure says why a run cannot count as a measurement: every response
// must have been a 200 and every request answered.
func (s sample) failure() error {
	switch {
	case s.Requests == 0:
		return errors.New("no request completed")
	case s.Non200 > 0:
		return fmt.Errorf("%d of %d responses were not 200", s.Non200, s.Requests)
	case s.SocketErrs > 0:
		return fmt.Errorf("%d socket errors or timeouts", s.SocketErrs)
	}
	return nil
}

const resultPrefix = "wrk-result "

// parseWrk finds the script's result line in wrk's output.
func parseWrk(out string) (sample, error) {
	var line string
	for l := range strings.Lines(out) {
		if strings.HasPrefix(l, resultPrefix) {
			if line != "" {
				return sample{}, errors.New("wrk: more than one result line")
			}
			line = strings.TrimSpace(strings.TrimPrefix(l, resultPrefix))
		}
	}
	if line == "" {
		return sample{}, errors.New("wrk: no result line (did the script run?)")
	}
	want := []string{"requests", "duration_us", "p50_us", "p99_us", "connect", "read", "write", "status", "timeout", "non200"}
	v := map[string]int64{}
	for _, f := range strings.Fields(line) {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			return sample{}, fmt.Errorf("wrk: bad field %q", f)
		}
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || n < 0 {
			return sample{}, fmt.Errorf("wrk: bad value in %q", f)
		}
		v[k] = n
	}
	for _, k := range want {
		if _, ok := v[k]; !ok {
			return sample{}, fmt.Errorf("wrk: result line lacks %s", k)
		}
	}
	us := func(k string) time.Duration { return time.Duration(v[k]) * time.Microsecond }
	return sample{
		Requests:   v["requests"],
		Duration:   us("duration_us"),
		P50:        us("p50_us"),
		P99:        us("p99_us"),
		SocketErrs: v["connect"] + v["read"] + v["write"] + v["timeout"],
		// wrk's own status count (≥ 400) is included in non200.
		Non200: v["non200"],
	}, nil
}

// wrkRunner runs wrk with the harness's script.
type wrkRunner struct {
	script   string // path of wrk.lua, written once
	threads  int
	conns    int
	duration time.Duration
}

func (w wrkRunner) args(url, cookies string) []string {
	return []string{"-t" + strconv.Itoa(w.threads), "-c" + strconv.Itoa(w.conns), "-d" + w.duration.String(),
		"--latency", "-s", w.script, url, "--", cookies}
}

// commandLine is what the report prints: the exact wrk invocation.
func (w wrkRunner) commandLine(url, cookies string) string {
	return "wrk " + strings.Join(w.args(url, cookies), " ")
}

// run loads url, sending the cookies of the file (none if empty).
func (w wrkRunner) run(ctx context.Context, url, cookies string) (sample, error) {
	cmd := exec.CommandContext(ctx, "wrk", w.args(url, cookies)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return sample{}, fmt.Errorf("wrk %s: %w\n%s", url, err, out.String())
	}
	s, err := parseWrk(out.String())
	if err != nil {
		return sample{}, fmt.Errorf("%w\n%s", err, out.String())
	}
	if err := s.failure(); err != nil {
		return s, fmt.Errorf("wrk %s: %w\n%s", url, err, out.String())
	}
	return s, nil
}

func writeScript(dir string) (string, error) {
	path := dir + "/wrk.lua"
	return path, os.WriteFile(path, wrkScript, 0o600)
}
