package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

var (
	secretRe   = regexp.MustCompile(`<code[^>]*>([A-Z2-7 ]{16,})</code>`)
	recoveryRe = regexp.MustCompile(`\b[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}\b`)
	sixDigits  = regexp.MustCompile(`\b\d{6}\b`)
)

// enrolTOTP walks the customer through set-up and returns the secret, the
// recovery codes the page showed and the code that confirmed the set-up.
func enrolTOTP(t *testing.T, p *portal, c *http.Client) (string, []string, string) {
	t.Helper()
	if res := p.post(t, c, "/security/2fa/start", nil); res.StatusCode != see || res.Header.Get("Location") != "/security/2fa/setup" {
		t.Fatalf("start: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := p.get(t, c, "/security/2fa/setup")
	m := secretRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("set-up page shows no secret as text")
	}
	if !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatal("set-up page shows no QR code")
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	used := totpCode(t, secret, time.Now())
	res, body := p.postBody(t, c, "/security/2fa/setup", url.Values{"code": {used}}, nil)
	if res.StatusCode != ok {
		t.Fatalf("confirm TOTP: %d", res.StatusCode)
	}
	codes := uniq(recoveryRe.FindAllString(body, -1))
	if len(codes) != 10 {
		t.Fatalf("want 10 recovery codes shown, got %d: %v", len(codes), codes)
	}
	return secret, codes, used
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func passwordStep(t *testing.T, p *portal, role string) *http.Client {
	t.Helper()
	c := p.client(t)
	l := p.logins[role]
	res := p.post(t, c, "/signin", url.Values{"email": {l.Email}, "password": {l.Password}})
	if res.StatusCode != see {
		t.Fatalf("password step: %d", res.StatusCode)
	}
	if loc := res.Header.Get("Location"); loc != "/signin/2fa" {
		t.Fatalf("after password, sent to %q, want /signin/2fa", loc)
	}
	// Pending the second factor, nothing protected is reachable.
	if res, _ := p.get(t, c, "/account"); res.StatusCode != see || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Fatalf("pending user reached /account: %d", res.StatusCode)
	}
	return c
}

func TestTOTPReplayAndRecoveryCodes(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		c := p.signedIn(t, "customer")
		secret, codes, used := enrolTOTP(t, p, c)
		p.post(t, c, "/signout", nil)

		// The code used to enrol cannot be used again (its time step is
		// spent, even if the clock has moved on to the next one since).
		c = passwordStep(t, p, "customer")
		res, body := p.postBody(t, c, "/signin/2fa", url.Values{"code": {used}}, nil)
		if res.StatusCode != invalid || !strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("replayed TOTP code accepted: %d", res.StatusCode)
		}
		// It says what happened, rather than blaming the phone's clock.
		if !strings.Contains(body, "just been used") || strings.Contains(body, "clock") {
			t.Fatal("a reused code is not told apart from a wrong one")
		}
		// The next step's code (within the allowed skew) works once.
		next := totpCode(t, secret, time.Now().Add(30*time.Second))
		if res := p.post(t, c, "/signin/2fa", url.Values{"code": {next}}); res.StatusCode != see || res.Header.Get("Location") != "/account" {
			t.Fatalf("fresh TOTP code refused: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		p.post(t, c, "/signout", nil)
		c = passwordStep(t, p, "customer")
		if res := p.post(t, c, "/signin/2fa", url.Values{"code": {next}}); res.StatusCode != invalid {
			t.Fatalf("TOTP code accepted twice: %d", res.StatusCode)
		}

		// A recovery code works once.
		if res := p.post(t, c, "/signin/2fa", url.Values{"code": {codes[0]}}); res.StatusCode != see {
			t.Fatalf("recovery code refused: %d", res.StatusCode)
		}
		p.post(t, c, "/signout", nil)
		c = passwordStep(t, p, "customer")
		if res := p.post(t, c, "/signin/2fa", url.Values{"code": {codes[0]}}); res.StatusCode != invalid {
			t.Fatalf("recovery code accepted twice: %d", res.StatusCode)
		}
		var events []string
		p.DB().Model(&models.LoginEvent{}).Order("id").Pluck("event", &events)
		joined := strings.Join(events, ",")
		for _, want := range []string{"totp_enabled", "recovery_code_used", "signin_failed", "signin"} {
			if !strings.Contains(joined, want) {
				t.Errorf("login history lacks %s: %s", want, joined)
			}
		}
	})
}

func runJobs(t *testing.T, p *portal) {
	t.Helper()
	for {
		ran, err := p.Queue().RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

func lastMail(t *testing.T, p *portal, to, template string) *models.OutboxMessage {
	t.Helper()
	var m models.OutboxMessage
	err := p.DB().Where("to_address = ? AND template = ?", to, template).Order("id DESC").Take(&m).Error
	if err != nil {
		return nil
	}
	// The stored bodies hold a mask for the code; the test portal is a
	// demo without SMTP, where the mailer gives the code back, as the
	// recipient would read it.
	if m, err = p.handlers.Outbox.Mailer.Readable(t.Context(), p.DB(), m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func TestSignInWithEmailedCode(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		known := p.logins["customer"].Email
		bodies := map[string]string{}
		for _, email := range []string{known, "nobody@example.com"} {
			c := p.client(t)
			res := p.post(t, c, "/signin/code", url.Values{"email": {email}})
			if res.StatusCode != see || res.Header.Get("Location") != "/signin/code/enter" {
				t.Fatalf("%s: %d %q", email, res.StatusCode, res.Header.Get("Location"))
			}
			_, body := p.get(t, c, "/signin/code/enter")
			bodies[email] = strings.ReplaceAll(body, email, "")
		}
		if bodies[known] != bodies["nobody@example.com"] {
			t.Fatal("code pages differ between known and unknown addresses")
		}
		var queued int64
		p.DB().Model(&models.Job{}).Where("kind = ?", "account.send_signin_code").Count(&queued)
		if queued != 2 {
			t.Fatalf("want one job per request whatever the address, got %d", queued)
		}
		runJobs(t, p)
		if lastMail(t, p, "nobody@example.com", "email_code") != nil {
			t.Fatal("a code was mailed to an unknown address")
		}
		m := lastMail(t, p, known, "email_code")
		if m == nil {
			t.Fatal("no code mailed to the known address")
		}
		code := sixDigits.FindString(m.TextBody)
		if code == "" || strings.Contains(m.Subject, code) {
			t.Fatalf("code missing from body or present in subject")
		}

		c := p.client(t)
		p.post(t, c, "/signin/code", url.Values{"email": {known}})
		runJobs(t, p)
		code = sixDigits.FindString(lastMail(t, p, known, "email_code").TextBody)
		if res := p.post(t, c, "/signin/code/enter", url.Values{"code": {"000000"}}); res.StatusCode != invalid && code != "000000" {
			t.Fatalf("wrong code: %d", res.StatusCode)
		}
		res := p.post(t, c, "/signin/code/enter", url.Values{"code": {code}})
		if res.StatusCode != see || res.Header.Get("Location") != "/account" {
			t.Fatalf("right code: %d %q", res.StatusCode, res.Header.Get("Location"))
		}
		// Single use.
		c2 := p.client(t)
		p.post(t, c2, "/signin/code", url.Values{"email": {known}})
		if res := p.post(t, c2, "/signin/code/enter", url.Values{"code": {code}}); res.StatusCode != invalid {
			t.Fatalf("code reused: %d", res.StatusCode)
		}
	})
}

func TestLockoutLooksTheSameForUnknownAddresses(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	p := startPortal(t, "", nil, WithClock(clock))
	known := p.logins["customer"]
	signIn := func(email, pw string) (int, string) {
		res, body := p.postBody(t, p.client(t), "/signin", url.Values{"email": {email}, "password": {pw}}, nil)
		return res.StatusCode, body
	}
	for _, email := range []string{known.Email, "nobody@example.com"} {
		// Five failures cost nothing; then each needs a growing pause.
		for i := range 5 {
			if _, body := signIn(email, "wrong-guess-123"); strings.Contains(body, "wait") {
				t.Fatalf("%s: told to wait after %d failures", email, i)
			}
		}
		if _, body := signIn(email, known.Password); !strings.Contains(body, "wait") {
			t.Fatalf("%s: no delay after 5 failures", email)
		}
		// Failures 6 to 10, each after its delay, lock the address.
		for range 5 {
			advance(time.Minute)
			signIn(email, "wrong-guess-123")
		}
		advance(time.Minute)
		if status, body := signIn(email, known.Password); status != invalid || !strings.Contains(body, "wait") {
			t.Fatalf("%s: not locked after 10 failures (%d)", email, status)
		}
		advance(13 * time.Minute)
		if _, body := signIn(email, known.Password); !strings.Contains(body, "wait") {
			t.Fatalf("%s: lock released too early", email)
		}
	}
	advance(3 * time.Minute)
	if status, _ := signIn(known.Email, known.Password); status != see {
		t.Fatalf("lock not released after 15 minutes: %d", status)
	}
	var lockouts int64
	p.DB().Model(&models.LoginEvent{}).Where("event = ?", "lockout").Count(&lockouts)
	if lockouts != 1 {
		t.Fatalf("want one lockout in the customer's history, got %d", lockouts)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		a := p.signedIn(t, "customer")
		b := p.signedIn(t, "customer")
		l := p.logins["customer"]
		cases := []struct {
			form url.Values
			want string
		}{
			{url.Values{"current": {l.Password}, "new": {"password"}, "confirm": {"password"}}, `aria-describedby`},
			{url.Values{"current": {l.Password}, "new": {"short"}, "confirm": {"short"}}, `aria-invalid="true"`},
			{url.Values{"current": {l.Password}, "new": {"a long new passphrase"}, "confirm": {"another"}}, `aria-invalid="true"`},
			{url.Values{"current": {"wrong"}, "new": {"a long new passphrase"}, "confirm": {"a long new passphrase"}}, `aria-invalid="true"`},
		}
		for _, c := range cases {
			res, body := p.postBody(t, a, "/security/password", c.form, nil)
			if res.StatusCode != invalid || !strings.Contains(body, c.want) {
				t.Errorf("%v: %d", c.form["new"], res.StatusCode)
			}
			if strings.Contains(body, c.form.Get("current")) && c.form.Get("current") != "" {
				t.Errorf("password echoed in the page")
			}
		}
		// Every field's problem is said at once, not one per try.
		_, body := p.postBody(t, a, "/security/password", url.Values{"new": {"short"}, "confirm": {"other"}}, nil)
		for _, id := range []string{"password.error.current_required", "password.error.too_short", "password.error.mismatch"} {
			found := false
			for _, l := range i18n.Supported { // whichever language the demo customer reads
				found = found || strings.Contains(body, html.EscapeString(i18n.Tl(l.Code, id)))
			}
			if !found {
				t.Errorf("all-wrong form lacks %s", id)
			}
		}
		res := p.post(t, a, "/security/password", url.Values{"current": {l.Password}, "new": {"a long new passphrase"}, "confirm": {"a long new passphrase"}})
		if res.StatusCode != see {
			t.Fatalf("change: %d", res.StatusCode)
		}
		if res, _ := p.get(t, a, "/account"); res.StatusCode != ok {
			t.Fatalf("the session that changed it ended: %d", res.StatusCode)
		}
		if res, _ := p.get(t, b, "/account"); res.StatusCode != see {
			t.Fatalf("other session still valid after password change: %d", res.StatusCode)
		}
		if lastMail(t, p, l.Email, "password_changed") == nil {
			t.Fatal("no password-changed notification")
		}
	})
}

func TestStaffMustEnrolTOTP(t *testing.T) {
	p := startPortal(t, "", nil)
	p.DB().Model(&models.User{}).Where("role = ?", "staff").Update("totp_secret", "")
	c := p.client(t)
	l := p.logins["staff"]
	res := p.post(t, c, "/signin", url.Values{"email": {l.Email}, "password": {l.Password}})
	if res.Header.Get("Location") != "/security/2fa" {
		t.Fatalf("staff without 2FA sent to %q", res.Header.Get("Location"))
	}
	for _, path := range []string{"/staff", "/security", "/security/sessions"} {
		if res, _ := p.get(t, c, path); res.StatusCode != see || res.Header.Get("Location") != "/security/2fa" {
			t.Errorf("%s reachable before enrolment: %d %q", path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	enrolTOTP(t, p, c)
	if res, _ := p.get(t, c, "/staff"); res.StatusCode != ok {
		t.Fatalf("staff home after enrolment: %d", res.StatusCode)
	}
	if res := p.post(t, c, "/security/2fa/disable", nil); res.StatusCode != forbid {
		t.Fatalf("staff turned 2FA off: %d", res.StatusCode)
	}
}

func TestEmailChangeNeedsTheCodeAndTellsTheOldAddress(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		c := p.signedIn(t, "customer")
		old := p.logins["customer"].Email
		if res := p.post(t, c, "/security/email", url.Values{"email": {"new.address@example.com"}}); res.StatusCode != see {
			t.Fatalf("request: %d", res.StatusCode)
		}
		runJobs(t, p)
		var u models.User
		p.DB().Where("email = ?", old).Take(&u)
		if u.ID == 0 {
			t.Fatal("email changed before confirmation")
		}
		m := lastMail(t, p, "new.address@example.com", "email_change_code")
		if m == nil {
			t.Fatal("no code sent to the new address")
		}
		code := sixDigits.FindString(m.TextBody)
		if res := p.post(t, c, "/security/email/confirm", url.Values{"code": {code}}); res.StatusCode != see {
			t.Fatalf("confirm: %d", res.StatusCode)
		}
		p.DB().Take(&u, u.ID)
		if u.Email != "new.address@example.com" {
			t.Fatalf("email = %q", u.Email)
		}
		if lastMail(t, p, old, "email_changed") == nil {
			t.Fatal("old address not told")
		}
	})
}

func TestSessionsPageAndRevoke(t *testing.T) {
	p := startPortal(t, "", nil)
	a := p.signedIn(t, "customer")
	b := p.signedIn(t, "customer")
	_, body := p.get(t, a, "/security/sessions")
	ids := regexp.MustCompile(`/security/sessions/(\d+)/revoke`).FindAllStringSubmatch(body, -1)
	if len(ids) != 1 {
		t.Fatalf("want one other session listed with a sign-out button, got %d", len(ids))
	}
	if res := p.post(t, a, "/security/sessions/"+ids[0][1]+"/revoke", nil); res.StatusCode != see {
		t.Fatalf("revoke: %d", res.StatusCode)
	}
	if res, _ := p.get(t, b, "/account"); res.StatusCode != see {
		t.Fatalf("revoked session still works: %d", res.StatusCode)
	}
	if res, _ := p.get(t, a, "/account"); res.StatusCode != ok {
		t.Fatalf("current session ended: %d", res.StatusCode)
	}
}
