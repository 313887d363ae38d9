package main

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Targets of issue 9. Process limits are strict ("under").
const (
	maxP99Ratio = 2.0
	maxStartup  = 300 * time.Millisecond
	maxIdleRSS  = 40_000_000  // bytes
	maxBurstHWM = 200_000_000 // bytes
)

// stats is the median of each figure over a page's rounds.
type stats struct {
	RPS      float64
	P50, P99 time.Duration
}

// number is what is medianed: req/s and durations.
type number interface{ ~int64 | ~float64 }

func median[T number](xs []T) (T, error) {
	var zero T
	if len(xs) == 0 {
		return zero, errors.New("median of nothing")
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m], nil
	}
	// The mean of the middle two, in float64 so durations do not overflow.
	return T(float64(s[m-1])/2 + float64(s[m])/2), nil
}

// medians takes the median of each figure separately: the run with the
// median req/s need not be the one with the median p99.
func medians(samples []sample) (stats, error) {
	var rps []float64
	var p50, p99 []time.Duration
	for _, s := range samples {
		rps = append(rps, s.RPS())
		p50 = append(p50, s.P50)
		p99 = append(p99, s.P99)
	}
	var st stats
	var err error
	if st.RPS, err = median(rps); err != nil {
		return st, err
	}
	st.P50, _ = median(p50)
	st.P99, _ = median(p99)
	return st, nil
}

// ratios are the portal's req/s and p99 over the floor's.
func ratios(portal, floor stats) (rps, p99 float64) {
	if floor.RPS > 0 {
		rps = portal.RPS / floor.RPS
	}
	// A p99 under wrk's 1 µs resolution counts as 1 µs.
	p99 = float64(max(portal.P99, time.Microsecond)) / float64(max(floor.P99, time.Microsecond))
	return rps, p99
}

// pageVerdict is "PASS" or "MISS (…)" naming every missed target.
func pageVerdict(portal, floor stats, minRPSRatio float64) string {
	rps, p99 := ratios(portal, floor)
	var missed []string
	if rps < minRPSRatio {
		missed = append(missed, "req/s")
	}
	if p99 > maxP99Ratio {
		missed = append(missed, "p99")
	}
	if len(missed) > 0 {
		return "MISS (" + strings.Join(missed, ", ") + ")"
	}
	return "PASS"
}

// under is the verdict of a measurement that must stay below a limit.
func under[T cmp.Ordered](value, limit T) string {
	if value < limit {
		return "PASS"
	}
	return "MISS"
}

// sqliteVerdict: the embedded default must not be slower than PostgreSQL.
func sqliteVerdict(sqlite, postgres float64) string {
	if sqlite >= postgres {
		return "PASS"
	}
	return "MISS"
}

// page is one measured page: the portal's path and the floor's.
type page struct {
	name       string
	portalPath string
	floorPath  string // "{heavy}" is replaced by the heavy customer's id
	who        string // whose cookies: "typical", "heavy" or "" (none)
	portalWant string // text the portal's page must hold, checked before the runs
	floorWant  string
	minRatio   float64
	dataPage   bool // compared across engines
}

func pages(heavyOrders int) []page {
	heavy := fmt.Sprintf("customer with %d orders", heavyOrders)
	// Generated order numbers start with LD; the overview links to the orders.
	return []page{
		{"orders, typical customers", "/account/data/orders", "/orders", "typical", "LD", "LD", 0.5, true},
		{"overview, typical customers", "/account/data", "/orders", "typical", "/account/data/orders", "LD", 0.5, true},
		{"orders, " + heavy, "/account/data/orders", "/orders?user={heavy}", "heavy", "LD", "LD", 0.35, true},
		{"overview, " + heavy, "/account/data", "/orders?user={heavy}", "heavy", "/account/data/orders", "LD", 0.35, true},
		{"/healthz vs plain handler", "/healthz", "/hello", "", "ok", "ok", 0.8, false},
	}
}

// pageResult is one page on one engine; err means the run failed.
type pageResult struct {
	page          page
	portal, floor []sample
	err           error
}

type engineResult struct {
	engine   string
	startup  time.Duration
	idleRSS  int64 // bytes
	burstHWM int64 // bytes
	burst    int   // sign-ins in the burst
	pages    []pageResult
	err      error // the engine's setup failed; pages may be missing
}

// report is the whole run as the table shows it.
type report struct {
	engines  []engineResult
	command  string
	wrkLine  string
	pass     int
	miss     int
	failures int
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
func mb(b int64) string         { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

// markdown renders the report; it also counts the verdicts.
func (r *report) markdown() string {
	r.pass, r.miss, r.failures = 0, 0, 0
	count := func(v string) string {
		switch {
		case v == "PASS":
			r.pass++
		case strings.HasPrefix(v, "MISS"):
			r.miss++
		default:
			r.failures++
		}
		return v
	}
	var b strings.Builder
	b.WriteString("## Load: portal vs floor\n\n")
	b.WriteString("| engine | page | portal req/s | floor req/s | ratio | portal p50 / p99 | floor p50 / p99 | p99 ratio | target | result |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---|---|\n")
	medianRPS := map[string]map[string]float64{} // page → engine → portal req/s
	var order []string                           // of the pages in medianRPS
	for _, e := range r.engines {
		for _, pr := range e.pages {
			target := fmt.Sprintf("≥ %.2f× req/s, p99 ≤ %.0f×", pr.page.minRatio, maxP99Ratio)
			ps, perr := medians(pr.portal)
			fs, ferr := medians(pr.floor)
			if pr.err != nil || perr != nil || ferr != nil {
				why := cmp.Or(pr.err, perr, ferr)
				fmt.Fprintf(&b, "| %s | %s | — | — | — | — | — | — | %s | %s |\n", e.engine, pr.page.name, target,
					count("FAILED: "+oneLine(why)))
				continue
			}
			rps, p99 := ratios(ps, fs)
			fmt.Fprintf(&b, "| %s | %s | %.0f | %.0f | %.2f× | %s / %s | %s / %s | %.2f× | %s | %s |\n",
				e.engine, pr.page.name, ps.RPS, fs.RPS, rps, ms(ps.P50), ms(ps.P99), ms(fs.P50), ms(fs.P99), p99,
				target, count(pageVerdict(ps, fs, pr.page.minRatio)))
			if pr.page.dataPage {
				if medianRPS[pr.page.name] == nil {
					medianRPS[pr.page.name] = map[string]float64{}
					order = append(order, pr.page.name)
				}
				medianRPS[pr.page.name][e.engine] = ps.RPS
			}
		}
	}
	b.WriteString("\n## Portal process and engines\n\n")
	b.WriteString("| engine | measure | value | target | result |\n|---|---|---:|---|---|\n")
	for _, e := range r.engines {
		if e.err != nil {
			fmt.Fprintf(&b, "| %s | set-up | — | runs | %s |\n", e.engine, count("FAILED: "+oneLine(e.err)))
		}
		if e.startup > 0 {
			fmt.Fprintf(&b, "| %s | start to first /healthz 200 | %s | < %s | %s |\n", e.engine, ms(e.startup), ms(maxStartup), count(under(e.startup, maxStartup)))
		}
		if e.idleRSS > 0 {
			fmt.Fprintf(&b, "| %s | idle RSS after start | %s | < %s | %s |\n", e.engine, mb(e.idleRSS), mb(maxIdleRSS), count(under(e.idleRSS, maxIdleRSS)))
		}
		if e.burstHWM > 0 {
			fmt.Fprintf(&b, "| %s | peak RSS after %d sign-ins at once | %s | < %s | %s |\n", e.engine, e.burst, mb(e.burstHWM), mb(maxBurstHWM), count(under(e.burstHWM, maxBurstHWM)))
		}
	}
	for _, name := range order {
		byEngine := medianRPS[name]
		s, okS := byEngine["sqlite"]
		pg, okP := byEngine["postgres"]
		if !okS || !okP {
			continue
		}
		fmt.Fprintf(&b, "| sqlite vs postgres | portal req/s, %s | %.0f vs %.0f | SQLite ≥ PostgreSQL | %s |\n", name, s, pg, count(sqliteVerdict(s, pg)))
	}
	fmt.Fprintf(&b, "\n%d PASS, %d MISS, %d FAILED. Figures are medians of each side's rounds, portal and floor run in alternation.\n", r.pass, r.miss, r.failures)
	fmt.Fprintf(&b, "\nCommand: `%s`\n\nEach run: `%s`\n", r.command, r.wrkLine)
	return b.String()
}

// oneLine keeps a table cell on one line: the first line of the error.
func oneLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return strings.ReplaceAll(s, "|", "/")
}
