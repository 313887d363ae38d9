package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// runEngine measures one engine end to end. Whatever happens, the
// processes it started are stopped and a scratch PostgreSQL database is
// dropped.
func runEngine(ctx context.Context, cfg config, engine string, bins binaries, w wrkRunner, dir string) (res engineResult) {
	res.engine = engine
	fail := func(err error) engineResult { res.err = err; return res }
	dbURL := filepath.Join(dir, "data", "portal.db")
	if engine == "postgres" {
		u, drop, err := scratchPostgres(ctx, cfg.postgres)
		if err != nil {
			return fail(err)
		}
		defer func() {
			if err := drop(); err != nil {
				logf("postgres: dropping the scratch database: %v", err)
			}
		}()
		dbURL = u
	}
	dataDir := filepath.Join(dir, "data")
	began := time.Now()
	ds, err := seed(ctx, cfg, bins.portal, portalEnv(dataDir, dbURL, cfg), dbURL)
	if err != nil {
		return fail(fmt.Errorf("database: %w", err))
	}
	logf("%s: database ready in %s", engine, since(began))

	addr, err := freeAddr()
	if err != nil {
		return fail(err)
	}
	extra := []string{"PORTAL_BASE_URL=http://" + addr}
	var pprofAddr string
	if cfg.profile != "" {
		if pprofAddr, err = freeAddr(); err != nil {
			return fail(err)
		}
		extra = append(extra, "PORTAL_PPROF_ADDR="+pprofAddr)
	}
	env := portalEnv(dataDir, dbURL, cfg, extra...)
	portal, startup, err := start("portal", bins.portal, []string{"serve", "--addr", addr}, env, addr, "/healthz", filepath.Join(dir, "portal.log"))
	if err != nil {
		return fail(err)
	}
	defer portal.stop()
	res.startup = startup
	time.Sleep(time.Second) // let start-up work settle before calling it idle
	if res.idleRSS, err = portal.memory("VmRSS"); err != nil {
		return fail(err)
	}
	logf("%s: portal answered /healthz %s after start; idle RSS %s", engine, ms(startup), mb(res.idleRSS))

	everyone := append([]customer{ds.heavy}, ds.typical...)
	res.burst = min(cfg.burst, len(everyone))
	s := newSigner(portal.base)
	began = time.Now()
	burst, err := s.signInAll(ctx, everyone[:res.burst], res.burst)
	if err != nil {
		return fail(fmt.Errorf("%w%s", err, portal.tail()))
	}
	if res.burstHWM, err = portal.memory("VmHWM"); err != nil {
		return fail(err)
	}
	rest, err := s.signInAll(ctx, everyone[res.burst:], 8)
	if err != nil {
		return fail(fmt.Errorf("%w%s", err, portal.tail()))
	}
	cookies := append(burst, rest...)
	logf("%s: %d customers signed in (%d at once: peak RSS %s) in %s", engine, len(cookies), res.burst, mb(res.burstHWM), since(began))
	files := map[string]string{"typical": filepath.Join(dir, "typical.cookies"), "heavy": filepath.Join(dir, "heavy.cookies"), "": ""}
	if err := os.WriteFile(files["heavy"], []byte(cookies[0]+"\n"), 0o600); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(files["typical"], []byte(strings.Join(cookies[1:], "\n")+"\n"), 0o600); err != nil {
		return fail(err)
	}

	floorAddr, err := freeAddr()
	if err != nil {
		return fail(err)
	}
	users := fmt.Sprintf("%d-%d", ds.typical[0].id, ds.typical[len(ds.typical)-1].id)
	floor, _, err := start("floor", bins.floor, []string{"--db", dbURL, "--addr", floorAddr, "--users", users},
		os.Environ(), floorAddr, "/hello", filepath.Join(dir, "floor.log"))
	if err != nil {
		return fail(err)
	}
	defer floor.stop()

	heavyID := strconv.FormatInt(ds.heavy.id, 10)
	for _, pg := range pages(cfg.heavy) {
		pr := pageResult{page: pg}
		floorURL := floor.base + strings.ReplaceAll(pg.floorPath, "{heavy}", heavyID)
		portalURL := portal.base + pg.portalPath
		// A page that is not what it should be (a sign-in form, an empty
		// list) would be measured as fast as any other.
		pr.err = errors.Join(probe(ctx, portalURL, firstLine(files[pg.who]), pg.portalWant),
			probe(ctx, floorURL, "", pg.floorWant))
		for round := 0; round < cfg.rounds && pr.err == nil; round++ {
			fs, err := w.run(ctx, floorURL, "")
			if err != nil {
				pr.err = fmt.Errorf("floor, round %d: %w%s", round+1, err, floor.tail())
				break
			}
			var profiled chan error
			if pprofAddr != "" && round == cfg.rounds-1 {
				profiled = make(chan error, 1)
				go func() {
					profiled <- saveProfile(ctx, pprofAddr, cfg.duration, profilePath(cfg.profile, engine, pg.name))
				}()
			}
			ps, err := w.run(ctx, portalURL, files[pg.who])
			if profiled != nil {
				if perr := <-profiled; perr != nil {
					logf("%s: %s: profile: %v", engine, pg.name, perr)
				}
			}
			if err != nil {
				pr.err = fmt.Errorf("portal, round %d: %w%s", round+1, err, portal.tail())
				break
			}
			pr.floor, pr.portal = append(pr.floor, fs), append(pr.portal, ps)
			logf("%s: %s, round %d: portal %.0f req/s (p99 %s), floor %.0f req/s (p99 %s)",
				engine, pg.name, round+1, ps.RPS(), ms(ps.P99), fs.RPS(), ms(fs.P99))
		}
		if pr.err != nil {
			logf("%s: %s: %v", engine, pg.name, pr.err)
		}
		res.pages = append(res.pages, pr)
	}
	return res
}

// probe fetches url once and wants a 200 whose body holds want.
func probe(ctx context.Context, url, cookie, want string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	client := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		return fmt.Errorf("GET %s: %d without %q: not the page to measure", req.URL.Path, resp.StatusCode, want)
	}
	return nil
}

// firstLine is the first cookie of a cookies file ("" for none).
func firstLine(path string) string {
	if path == "" {
		return ""
	}
	b, _ := os.ReadFile(path)
	line, _, _ := strings.Cut(string(b), "\n")
	return line
}

// saveProfile records the portal's CPU for most of one wrk run (a second
// less, so it ends inside the run) through its PORTAL_PPROF_ADDR.
func saveProfile(ctx context.Context, addr string, run time.Duration, path string) error {
	secs := max(1, int(run.Seconds())-1)
	req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, secs), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profiler answered %d", resp.StatusCode)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// profilePath names a page's profile: "sqlite-orders-typical-customers.pprof".
func profilePath(dir, engine, page string) string {
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(page))
	for strings.Contains(slug, "--") {
		slug = strings.ReplaceAll(slug, "--", "-")
	}
	return filepath.Join(dir, engine+"-"+strings.Trim(slug, "-")+".pprof")
}
