package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a server the harness started: the portal or the floor.
type process struct {
	name string
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	log  string // its output file
	done chan struct{}
	err  error // set when done is closed
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// start runs bin and waits for the first 200 on probe, returning the time
// from just before the process started to that answer.
func start(name, bin string, args, env []string, addr, probe, logPath string) (*process, time.Duration, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, 0, err
	}
	p := &process{name: name, base: "http://" + addr, log: logPath, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	began := time.Now()
	if err := p.cmd.Start(); err != nil {
		logFile.Close()
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(p.base + probe)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, time.Since(began), nil
			}
		}
		select {
		case <-p.done:
			return nil, 0, fmt.Errorf("%s exited before answering %s: %v%s", name, probe, p.err, p.tail())
		default:
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, 0, fmt.Errorf("%s did not answer %s within 30s%s", name, probe, p.tail())
		}
		time.Sleep(time.Millisecond)
	}
}

// stop asks for a graceful shutdown, then kills.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// tail is the end of the process's log, for error messages.
func (p *process) tail() string {
	b, err := os.ReadFile(p.log)
	if err != nil || len(b) == 0 {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return "\n" + p.name + " log (end):\n" + string(b)
}

// memory reads a field of /proc/PID/status (VmRSS, VmHWM) in bytes.
func (p *process) memory(field string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return statusField(f, field)
}

// statusField parses "VmRSS:	  23456 kB" from a /proc status file.
func statusField(r io.Reader, field string) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != field {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("%s: unexpected %q", field, v)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", field, err)
		}
		return n * 1024, nil
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s in the status file", field)
}

// signer signs customers in through the portal's real form, as a browser
// would: it loads the form, then posts it same-origin.
type signer struct {
	base   string
	client *http.Client
}

func newSigner(base string) *signer {
	return &signer{base: base, client: &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64},
		// The answer to the POST is the redirect that carries the cookie.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

const sessionCookie = "portal_session"

// signIn returns the session cookie as "name=value".
func (s *signer) signIn(ctx context.Context, c customer) (string, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/signin", nil)
	resp, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET /signin: %d", resp.StatusCode)
	}
	form := url.Values{"email": {c.email}, "password": {loadPassword}}
	req, _ = http.NewRequestWithContext(ctx, "POST", s.base+"/signin", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, ck := range resp.Cookies() { // whatever the form set (a pre-sign-in session)
		req.AddCookie(ck)
	}
	resp, err = s.client.Do(req)
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("POST /signin: %d, not the redirect of a sign-in", resp.StatusCode)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie && ck.Value != "" {
			cookie := ck.Name + "=" + ck.Value
			return cookie, s.check(ctx, cookie)
		}
	}
	return "", errors.New("POST /signin: no session cookie")
}

// check makes sure the session opens the customer's data page.
func (s *signer) check(ctx context.Context, cookie string) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/account/data", nil)
	req.Header.Set("Cookie", cookie)
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /account/data after sign-in: %d", resp.StatusCode)
	}
	return nil
}

// signInAll signs everyone in, `workers` at a time, keeping the order.
func (s *signer) signInAll(ctx context.Context, cs []customer, workers int) ([]string, error) {
	cookies := make([]string, len(cs))
	errs := make([]error, len(cs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(cs)) {
		wg.Go(func() {
			for i := range next {
				cookies[i], errs[i] = s.signIn(ctx, cs[i])
			}
		})
	}
	for i := range cs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("sign-in: %w", err)
	}
	return cookies, nil
}
