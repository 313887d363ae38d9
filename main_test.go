package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"
	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
)

func TestInvalidSettingNamesTheVariable(t *testing.T) {
	cases := []struct{ env, value string }{
		{"PORTAL_RATE_LIMIT", "fast"},
		{"PORTAL_BASE_URL", "localhost:8080"},
		{"PORTAL_STAFF_IDLE_TIMEOUT", "-5m"},
		{"PORTAL_SMTP_URL", "ftp://mail.example.com"},
		{"PORTAL_LOG_FORMAT", "xml"},
		{"PORTAL_ADDR", "localhost"},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			t.Setenv("PORTAL_DATA_DIR", t.TempDir())
			t.Setenv(c.env, c.value)
			var out, errb bytes.Buffer
			if code := run([]string{"migrate"}, &out, &errb); code == 0 {
				t.Fatal("start-up did not stop")
			}
			if !strings.Contains(errb.String(), c.env) {
				t.Fatalf("error does not name %s: %q", c.env, errb.String())
			}
		})
	}
}

func TestDemoIsIdempotent(t *testing.T) {
	t.Setenv("PORTAL_DATA_DIR", t.TempDir())
	var first, second, errb bytes.Buffer
	if code := run([]string{"demo"}, &first, &errb); code != 0 {
		t.Fatalf("demo: %s", errb.String())
	}
	if code := run([]string{"demo"}, &second, &errb); code != 0 {
		t.Fatalf("demo again: %s", errb.String())
	}
	if first.String() != second.String() {
		t.Fatal("second run printed different logins")
	}
	roles := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(first.String()), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || !strings.Contains(f[1], "@") {
			t.Fatalf("line %q is not ROLE EMAIL PASSWORD", line)
		}
		roles[f[0]]++
	}
	if roles["customer"] < 2 || roles["staff"] != 1 || roles["admin"] != 1 {
		t.Fatalf("roles printed: %v", roles)
	}
	var out bytes.Buffer
	if code := run([]string{"audit", "verify"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "intact") {
		t.Fatalf("audit verify: %d %s %s", code, out.String(), errb.String())
	}
}

func TestAdminCreate(t *testing.T) {
	t.Setenv("PORTAL_DATA_DIR", t.TempDir())
	var out, errb bytes.Buffer
	if code := run([]string{"admin", "create", "--email", "root@example.com", "--name", "First Admin"}, &out, &errb); code != 0 {
		t.Fatalf("admin create: %s", errb.String())
	}
	if !strings.Contains(out.String(), "password: ") {
		t.Fatalf("generated password not shown: %q", out.String())
	}
	if code := run([]string{"admin", "create", "--email", "root@example.com", "--name", "Again"}, &out, &errb); code == 0 {
		t.Fatal("duplicate admin accepted")
	}
}

// TestSettingsCommand: an operator sets a business rule from the command
// line, a bad value is refused with the rule's message, and list shows it.
func TestSettingsCommand(t *testing.T) {
	t.Setenv("PORTAL_DATA_DIR", t.TempDir())
	var out, errb bytes.Buffer
	if code := run([]string{"settings", "set", "requests.jurisdiction", "ccpa"}, &out, &errb); code != 0 {
		t.Fatalf("settings set: %s", errb.String())
	}
	errb.Reset()
	if code := run([]string{"settings", "set", "requests.code.max_attempts", "99"}, &out, &errb); code == 0 ||
		!strings.Contains(errb.String(), "requests.code.max_attempts") {
		t.Fatalf("an out-of-range value was accepted or not explained: %d %q", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"settings", "list"}, &out, &errb); code != 0 {
		t.Fatalf("settings list: %s", errb.String())
	}
	for _, want := range []string{"requests.jurisdiction", "ccpa", "requests.code.max_attempts", "auth.email_code.ttl"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("settings list lacks %q:\n%s", want, out.String())
		}
	}
	if code := run([]string{"settings", "set", "no.such.rule", "1"}, &out, &errb); code == 0 {
		t.Error("an unknown setting was accepted")
	}
}

// TestTwoInstancesShareOnePostgres runs two real `portal serve` processes
// on one database: a session made on one is valid on the other, and a mail
// job enqueued once is delivered once although both run workers.
func TestTwoInstancesShareOnePostgres(t *testing.T) {
	dsn := dbtest.PostgresURL(t)
	bin := filepath.Join(t.TempDir(), "portal")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	smtp := smtpmock.New(smtpmock.ConfigurationAttr{MultipleMessageReceiving: true, HostAddress: "127.0.0.1"})
	if err := smtp.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtp.Stop() })

	env := append(os.Environ(),
		"PORTAL_DATABASE_URL="+dsn,
		"PORTAL_DATA_DIR="+t.TempDir(),
		fmt.Sprintf("PORTAL_SMTP_URL=smtp://127.0.0.1:%d", smtp.PortNumber()),
		"PORTAL_JOB_WORKERS=2",
	)
	demo := exec.Command(bin, "demo")
	demo.Env = env
	out, err := demo.Output()
	if err != nil {
		t.Fatalf("demo: %v", err)
	}
	var adminEmail, adminPassword string
	for _, line := range strings.Split(string(out), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "admin" {
			adminEmail, adminPassword = f[1], f[2]
		}
	}

	// Admins must use two-factor; enrol the demo admin with a known secret.
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	db, _, err := models.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Model(&models.User{}).Where("email = ?", adminEmail).Update("totp_secret", secret).Error
	models.Close(db)
	if err != nil {
		t.Fatal(err)
	}

	a := startInstance(t, bin, env)
	b := startInstance(t, bin, env)

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(a+"/signin", url.Values{"email": {adminEmail}, "password": {adminPassword}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on A: %v %v", err, res)
	}
	// The second factor on B: the pending sign-in lives in the shared DB.
	code, _ := totp.GenerateCode(secret, time.Now())
	res, err = c.PostForm(b+"/signin/2fa", url.Values{"code": {code}})
	if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
		t.Fatalf("second factor on B: %v %v", err, res)
	}
	// Same cookie, other instance (cookies are per host, not per port).
	res, err = c.Get(a + "/admin")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("session from B not valid on A: %v %v", err, res)
	}
	res, err = c.PostForm(b+"/admin/outbox/test", url.Values{"to": {"check@example.com"}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("queue test mail on B: %v %v", err, res)
	}

	// Other mails (the new-device notice to the admin) go out too; count
	// only the test message.
	delivered := func() int {
		n := 0
		for _, m := range smtp.Messages() {
			for _, rr := range m.RcpttoRequestResponse() {
				if len(rr) > 0 && strings.Contains(rr[0], "check@example.com") {
					n++
				}
			}
		}
		return n
	}
	deadline := time.Now().Add(30 * time.Second)
	for delivered() == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	// Both instances keep polling for a while; a double claim would show up.
	time.Sleep(3 * time.Second)
	if n := delivered(); n != 1 {
		t.Fatalf("test mail delivered %d times, want once", n)
	}
}

// startInstance runs `portal serve` on a free port, waits until ready and
// stops it with SIGTERM (graceful) at the end; it must exit cleanly.
func startInstance(t *testing.T, bin string, env []string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(env, "PORTAL_ADDR="+addr, "PORTAL_BASE_URL=http://"+addr)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("instance did not exit cleanly on SIGTERM: %v\n%s", err, logs.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Error("instance did not stop within 30s of SIGTERM")
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case err := <-done:
			t.Fatalf("instance exited: %v\n%s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("instance not ready\n%s", logs.String())
	return ""
}

func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"serve", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Setenv("PORTAL_DATA_DIR", t.TempDir())
			var out, errb bytes.Buffer
			if code := run(args, &out, &errb); code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errb.String())
			}
			for _, want := range []string{"usage: portal", "PORTAL_ADDR", "--addr"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("help lacks %q", want)
				}
			}
		})
	}
}

// TestMakeRunListensLocally: `make run` seeds the demo, whose passwords are
// printed, so it must not serve on every interface; `portal serve` keeps
// the :8080 default for deployments.
func TestMakeRunListensLocally(t *testing.T) {
	mk, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "RUN_ADDR ?= 127.0.0.1:8080") || !strings.Contains(string(mk), "serve --addr $(RUN_ADDR)") {
		t.Error("make run does not pass a 127.0.0.1 address to portal serve")
	}
	cmd := exec.Command("make", "-n", "run")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("make -n run: %v", err)
	}
	if !strings.Contains(string(out), "serve --addr 127.0.0.1:8080") {
		t.Errorf("make -n run does not serve on 127.0.0.1:\n%s", out)
	}
}

// TestErasureReplayCommand: `portal erasure verify` checks the journal
// beside the keys and `portal erasure replay` re-applies it to a
// database file put back from a backup, printing what it did; a second
// replay does nothing; a tampered journal fails verify.
func TestErasureReplayCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PORTAL_DATA_DIR", dir)
	var out, errb bytes.Buffer
	if code := run([]string{"erasure", "verify"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "intact: 0 entries") {
		t.Fatalf("verify of no journal: %d %q %q", code, out.String(), errb.String())
	}
	dbPath, keysDir := filepath.Join(dir, "portal.db"), filepath.Join(dir, "keys")
	withServices := func(fn func(db *gorm.DB, c *consent.Service)) {
		t.Helper()
		db, dialect, err := models.Open(dbPath)
		if err != nil {
			t.Fatal(err)
		}
		defer models.Close(db)
		ring, err := vault.OpenKeyRing(keysDir)
		if err != nil {
			t.Fatal(err)
		}
		e := &erasure.Service{DB: db, Dialect: dialect, Secrets: ring, Journal: erasure.OpenJournal(keysDir)}
		fn(db, &consent.Service{DB: db, Dialect: dialect, Secrets: ring, Withdrawn: e.RecordWithdrawal})
	}
	news := consent.Marketing("newsletter", models.ChannelEmail)
	change := func(db *gorm.DB, c *consent.Service, uid int64, status string) {
		t.Helper()
		if err := db.Transaction(func(tx *gorm.DB) error {
			sub, err := c.SubjectOf(tx, uid)
			if err == nil {
				_, err = c.Apply(tx, sub, []consent.Change{{Choice: news, Status: status}}, consent.Evidence{Method: models.MethodPortal})
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	var uid int64
	withServices(func(db *gorm.DB, c *consent.Service) {
		u := models.User{Email: "cli-replay@example.com", Role: models.RoleCustomer, CreatedAt: time.Now().Add(-time.Hour)}
		if err := db.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		uid = u.ID
		change(db, c, uid, models.ConsentGranted)
		var ckpt struct{ Busy, Log, Checkpointed int }
		db.Raw("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&ckpt)
	})
	backup, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	withServices(func(db *gorm.DB, c *consent.Service) { change(db, c, uid, models.ConsentWithdrawn) })
	// The restore.
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(dbPath + suffix)
	}
	if err := os.WriteFile(dbPath, backup, 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run([]string{"erasure", "replay"}, &out, &errb); code != 0 {
		t.Fatalf("replay: %s", errb.String())
	}
	for _, want := range []string{"1 entries (0 erasures, 1 withdrawals)", "consents withdrawn again: 1", "accounts erased again: 0", "files deleted: 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("replay output lacks %q:\n%s", want, out.String())
		}
	}
	withServices(func(db *gorm.DB, c *consent.Service) {
		var st models.ConsentState
		db.Where("subject_id IN (SELECT id FROM consent_subjects WHERE user_id = ?) AND topic = ?", uid, "newsletter").Take(&st)
		if st.Status != models.ConsentWithdrawn {
			t.Errorf("after replay the newsletter is %s", st.Status)
		}
	})
	out.Reset()
	if code := run([]string{"erasure", "replay"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "consents withdrawn again: 0") {
		t.Errorf("second replay: %d %s", code, out.String())
	}
	out.Reset()
	if code := run([]string{"erasure", "verify"}, &out, &errb); code != 0 || !strings.Contains(out.String(), "intact: 1 entries") {
		t.Errorf("verify: %d %q", code, out.String())
	}
	journal := filepath.Join(keysDir, erasure.JournalFile)
	raw, _ := os.ReadFile(journal)
	os.WriteFile(journal, bytes.Replace(raw, []byte(`"topic":"newsletter"`), []byte(`"topic":"offers"`), 1), 0o600)
	errb.Reset()
	if code := run([]string{"erasure", "verify"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "broken") {
		t.Errorf("verify of a tampered journal: %d %q", code, errb.String())
	}
	if code := run([]string{"erasure"}, &out, &errb); code == 0 {
		t.Error("erasure without a subcommand succeeded")
	}
}
