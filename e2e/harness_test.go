//go:build e2e

// Package e2e drives the portal in a real browser: Debian's Chromium through
// chromedp, with axe-core injected into each page for WCAG checks. It runs
// only with the build tag e2e (`make test` adds it when Chromium is found).
//
// This file holds the harness and must not import the web package, so that
// `go test -tags e2e -run Harness ./e2e/` proves the browser and the checker
// work even while the portal does not build.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// tabTimeout bounds everything one test does in its tab, and stepTimeout
// one action in it (chromedp waits for a missing element for ever), so a
// broken page fails fast instead of hanging until go test's global timeout.
const (
	tabTimeout  = 3 * time.Minute
	stepTimeout = 20 * time.Second
)

// step limits one action; ctx must be a tab that has already run once.
func step(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, stepTimeout)
}

// browserCtx is the one browser of this test binary; each test opens a tab
// of its own in it (see newTab).
var browserCtx context.Context

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	execPath := findChromium()
	if execPath == "" {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "e2e: FAILED: chromium not found (install it with: apt-get install -y chromium)")
			return 1
		}
		fmt.Println("e2e: SKIPPED: chromium not found (set E2E_CHROMIUM or apt-get install -y chromium)")
		return 0
	}
	// A fresh profile each run: a reused one makes Chromium restore state
	// and try to reach the network.
	profile, err := os.MkdirTemp("", "portal-e2e-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(profile)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox, // we run as root in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	// The first Run starts the browser; it must not carry a timeout, which
	// would end the browser with it.
	if err := chromedp.Do(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: start %s: %v\n", execPath, err)
		return 1
	}
	browserCtx = ctx
	return m.Run()
}

// findChromium returns the browser to drive: $E2E_CHROMIUM, Debian's
// /usr/bin/chromium, or chromium / chromium-browser on $PATH.
func findChromium() string {
	if p := os.Getenv("E2E_CHROMIUM"); p != "" {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newTab opens a tab in a browser context of its own (own cookies, so tests
// never share a session: cookies ignore ports and every test portal is on
// 127.0.0.1) and closes it when the test ends. Uncaught script errors and
// CSP violations in the tab fail the test.
func newTab(t *testing.T) context.Context {
	t.Helper()
	ctx, problems := openTab(t)
	t.Cleanup(func() {
		for _, p := range problems.list() {
			t.Errorf("browser reported: %s", p)
		}
	})
	return ctx
}

// openTab is newTab without the final check, for tests that inspect the
// problems themselves.
func openTab(t *testing.T) (context.Context, *pageProblems) {
	t.Helper()
	tabCtx, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	problems := watchPage(t, tabCtx)
	ctx, cancel := context.WithTimeout(tabCtx, tabTimeout)
	t.Cleanup(cancel)
	return ctx, problems
}

type pageProblems struct {
	mu    sync.Mutex
	items []string
}

func (p *pageProblems) add(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.items = append(p.items, s)
}

func (p *pageProblems) list() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.items...)
}

// watchPage collects uncaught exceptions and error-level messages from the
// page's scripts and its security checks (CSP). Network errors such as a
// missing favicon are left to the tests that care.
func watchPage(t *testing.T, ctx context.Context) *pageProblems {
	t.Helper()
	p := &pageProblems{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + d.Exception.Description
			}
			p.add(fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
		case *log.EventEntryAdded:
			e := ev.Entry
			if e.Level == log.EntryLevelError &&
				(e.Source == log.EntrySourceSecurity || e.Source == log.EntrySourceJavascript) {
				p.add(fmt.Sprintf("%s error at %s: %s", e.Source, e.URL, e.Text))
			}
		}
	})
	if err != nil {
		t.Fatalf("listen to tab: %v", err)
	}
	return p
}

// moduleRoot is the folder holding go.mod, found by walking up from the
// working directory (go test runs in the package's folder).
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory")
		}
		dir = parent
	}
}

var axeSource = sync.OnceValues(func() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		return "", fmt.Errorf("%w (run: npm ci --no-audit --no-fund)", err)
	}
	return string(b), nil
})

// axeRun checks the rule sets the portal promises: WCAG 2.0, 2.1 and 2.2, A and AA.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
  .then(r => ({
    url: r.url,
    passes: r.passes.map(p => p.id),
    violations: r.violations.map(v => ({
      id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({
        target: n.target.map(s => Array.isArray(s) ? s.join(' >>> ') : String(s)),
        summary: n.failureSummary || '',
      })),
    })),
  }))`

type axeResult struct {
	URL        string         `json:"url"`
	Passes     []string       `json:"passes"`
	Violations []axeViolation `json:"violations"`
}

type axeViolation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// runAxe injects axe-core into the current page and runs the WCAG rules.
// Runtime.evaluate comes from DevTools, so the page's CSP (script-src 'self')
// does not block it; the non-empty passes list proves axe really ran.
func runAxe(ctx context.Context) (axeResult, error) {
	src, err := axeSource()
	if err != nil {
		return axeResult{}, fmt.Errorf("axe: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*stepTimeout) // axe is slow on 2 busy cores
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
		return axeResult{}, fmt.Errorf("axe: inject: %w", err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return axeResult{}, fmt.Errorf("axe: run: %w", err)
	}
	if len(res.Passes) == 0 {
		return res, fmt.Errorf("axe: no rule passed on %s: the checker did not really run", res.URL)
	}
	return res, nil
}

// checkA11y fails the test for every WCAG 2.x A/AA violation on the page.
func checkA11y(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	res, err := runAxe(ctx)
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	for _, v := range res.Violations {
		t.Errorf("%s: accessibility: %s", page, formatViolation(v))
	}
}

func formatViolation(v axeViolation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s [%s]", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t- %s", strings.Join(n.Target, " "))
		if n.Summary != "" {
			fmt.Fprintf(&b, "\n\t  %s", strings.ReplaceAll(n.Summary, "\n", "\n\t  "))
		}
	}
	return b.String()
}

// saveScreenshot writes a full-page PNG to docs/screenshots/<name> when
// E2E_SCREENSHOTS=1, for the README.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("E2E_SCREENSHOTS") != "1" {
		return
	}
	ctx, cancel := step(ctx)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: docs/screenshots/%s", name)
}
