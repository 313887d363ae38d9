//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
	"github.com/pquerna/otp/totp"
)

var (
	// recoveryCodeRe is the shape of one recovery code as the page shows it.
	recoveryCodeRe = regexp.MustCompile(`^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$`)
	// base32Re is a TOTP secret once the spaces grouping it are taken out.
	base32Re = regexp.MustCompile(`^[A-Z2-7]{16,}$`)
)

// totpCode is the code an authenticator app would show at the given time.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatalf("totp code: %v", err)
	}
	return code
}

// onSQLite reports whether p runs on SQLite: one set of screenshots is
// enough, and the SQLite run always happens.
func onSQLite(p *portal) bool {
	return models.DialectOf(p.DatabaseURL) == models.SQLite
}

// fieldSel is the input called name inside the form posting to action.
func fieldSel(action, name string) string {
	return fmt.Sprintf(`form[action=%q] input[name=%q]`, action, name)
}

// fill types into the named inputs of the form posting to action, after
// clearing what a previous attempt left there. pairs are name, value.
func fill(t *testing.T, ctx context.Context, action string, pairs ...string) {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	for i := 0; i+1 < len(pairs); i += 2 {
		sel := chromedp.CSS(fieldSel(action, pairs[i]))
		if err := chromedp.Do(ctx, chromedp.Clear(sel), chromedp.SendKeys(sel, pairs[i+1])); err != nil {
			t.Fatalf("fill %s in %s: %v", pairs[i], action, err)
		}
	}
}

// submitForm clicks the submit button of the form posting to action and
// returns the status of the page it leads to, whatever it is.
func submitForm(t *testing.T, ctx context.Context, action string) int {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[action=%q] [type="submit"]`, action))))
	if err != nil {
		t.Fatalf("submit %s: %v", action, err)
	}
	return int(resp.Status)
}

// signOut uses the sign-out button of the current page.
func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	submit(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)))
	wantPath(t, ctx, "/signin")
}

// evaluate runs a script in the page and returns its value.
func evaluate[T any](t *testing.T, ctx context.Context, script string) T {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script))
	if err != nil {
		t.Fatalf("evaluate %s: %v", script, err)
	}
	return v
}

// enrolTOTP starts from /security/2fa: it starts set-up, reads the secret
// the page shows as text, confirms with the current code and reads the
// recovery codes shown. It returns the secret, the code used to confirm
// and the recovery codes. onPage, when set, runs on the set-up page and on
// the recovery-codes page (for axe and screenshots).
func enrolTOTP(t *testing.T, ctx context.Context, onPage func(path string)) (secret, used string, codes []string) {
	t.Helper()
	wantPath(t, ctx, enrol2FAPath)
	if status := submitForm(t, ctx, "/security/2fa/start"); status != http.StatusOK {
		t.Fatalf("start 2FA set-up: status %d", status)
	}
	wantPath(t, ctx, "/security/2fa/setup")
	secret = strings.Join(strings.Fields(text(t, ctx, "code.secret")), "")
	if !base32Re.MatchString(secret) {
		t.Fatalf("the set-up page shows %q, not a base32 secret", secret)
	}
	if n := evaluate[int](t, ctx, `document.querySelectorAll('img.qr-code[src^="data:image/png;base64,"]').length`); n != 1 {
		t.Errorf("the set-up page shows %d QR codes, want 1", n)
	}
	if onPage != nil {
		onPage("/security/2fa/setup")
	}

	used = totpCode(t, secret, time.Now())
	fill(t, ctx, "/security/2fa/setup", "code", used)
	if status := submitForm(t, ctx, "/security/2fa/setup"); status != http.StatusOK {
		t.Fatalf("confirm 2FA set-up: status %d", status)
	}
	// The codes are the response to the POST: the URL is still the set-up
	// page's, but the form is gone.
	codes = evaluate[[]string](t, ctx, `[...document.querySelectorAll('ol.recovery-codes code')].map(c => c.textContent.trim())`)
	seen := map[string]bool{}
	for _, c := range codes {
		if !recoveryCodeRe.MatchString(c) {
			t.Errorf("recovery code %q is not xxxx-xxxx-xxxx", c)
		}
		if seen[c] {
			t.Errorf("recovery code %q shown twice", c)
		}
		seen[c] = true
	}
	if len(codes) != 10 {
		t.Fatalf("the recovery-codes page shows %d codes, want 10: %q", len(codes), codes)
	}
	if onPage != nil {
		onPage("recovery codes")
	}
	return secret, used, codes
}

// passSecondFactor enters code on the two-step page and returns the status
// of the page that follows.
func passSecondFactor(t *testing.T, ctx context.Context, code string) int {
	t.Helper()
	wantPath(t, ctx, "/signin/2fa")
	fill(t, ctx, "/signin/2fa", "code", code)
	return submitForm(t, ctx, "/signin/2fa")
}

// wantCodeRefused checks that the two-step page refused its code: 422, the
// same URL, and the error next to the field, tied to it for screen readers.
func wantCodeRefused(t *testing.T, ctx context.Context, status int, what string) {
	t.Helper()
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("%s: status %d, want %d", what, status, http.StatusUnprocessableEntity)
	}
	wantPath(t, ctx, "/signin/2fa")
	sel := fieldSel("/signin/2fa", "code")
	got := evaluate[map[string]string](t, ctx, fmt.Sprintf(`(() => {
		const input = document.querySelector(%q);
		if (!input) return {missing: 'yes'};
		const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/);
		const err = input.closest('.field')?.querySelector('.field-error');
		return {
			invalid: input.getAttribute('aria-invalid') || '',
			error: err ? err.textContent.trim() : '',
			described: err && err.id && ids.includes(err.id) ? 'yes' : 'no',
		};
	})()`, sel))
	switch {
	case got["missing"] == "yes":
		t.Fatalf("%s: no code field on the page", what)
	case got["invalid"] != "true":
		t.Errorf("%s: aria-invalid = %q on the code field, want \"true\"", what, got["invalid"])
	}
	if got["error"] == "" {
		t.Errorf("%s: no error shown next to the code field", what)
	} else if got["described"] != "yes" {
		t.Errorf("%s: the error %q is not in the field's aria-describedby", what, got["error"])
	}
}

func TestTOTPJourney(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		ctx := newTab(t)
		customer := p.login(t, "customer")

		signIn(t, ctx, p.URL, customer)
		wantPath(t, ctx, "/account")
		open(t, ctx, p.URL, "/security")
		submit(t, ctx, "open two-factor", chromedp.Click(chromedp.CSS(`main a[href="/security/2fa"]`)))
		secret, used, codes := enrolTOTP(t, ctx, func(page string) {
			if page == "/security/2fa/setup" && onSQLite(p) {
				saveScreenshot(t, ctx, "totp-setup.png")
			}
			checkA11y(t, ctx, page)
		})
		if held := twoFactorSecret(t, p, customer.Email); held != secret {
			t.Fatalf("the set-up page showed secret %q, the portal holds %q", secret, held)
		}
		open(t, ctx, p.URL, "/security")
		signOut(t, ctx)

		// Password, then the authenticator. The code used at enrolment is
		// spent; the next step's is accepted.
		signIn(t, ctx, p.URL, customer)
		wantPath(t, ctx, "/signin/2fa")
		checkA11y(t, ctx, "/signin/2fa")
		wantCodeRefused(t, ctx, passSecondFactor(t, ctx, used), "the code used at enrolment, again")
		checkA11y(t, ctx, "/signin/2fa with an error")
		if status := passSecondFactor(t, ctx, totpCode(t, secret, time.Now().Add(30*time.Second))); status != http.StatusOK {
			t.Fatalf("next step's code: status %d", status)
		}
		wantPath(t, ctx, "/account")
		signOut(t, ctx)

		// A recovery code instead of the authenticator, once.
		signIn(t, ctx, p.URL, customer)
		if status := passSecondFactor(t, ctx, codes[0]); status != http.StatusOK {
			t.Fatalf("recovery code: status %d", status)
		}
		wantPath(t, ctx, "/account")
		signOut(t, ctx)

		signIn(t, ctx, p.URL, customer)
		wantCodeRefused(t, ctx, passSecondFactor(t, ctx, codes[0]), "a recovery code used twice")
		open(t, ctx, p.URL, "/account")
		if got := currentPath(t, ctx); got == "/account" {
			t.Fatal("refused at the two-step page, yet /account opens")
		}
	})
}

// twoFactorSecret is the active TOTP secret the portal holds for email,
// which must be the one the set-up page showed.
func twoFactorSecret(t *testing.T, p *portal, email string) string {
	t.Helper()
	var u models.User
	if err := p.srv.DB().WithContext(t.Context()).Where("email = ?", strings.ToLower(email)).Take(&u).Error; err != nil {
		t.Fatalf("find %s: %v", email, err)
	}
	if u.TOTPSecret == "" {
		t.Fatalf("%s has no TOTP secret after set-up", email)
	}
	// Stored sealed with the server key ring, never in clear.
	secret, err := p.srv.Secrets().Open(account.TOTPPurpose, u.TOTPSecret)
	if err != nil || secret == u.TOTPSecret {
		t.Fatalf("%s: TOTP secret not sealed at rest: %v", email, err)
	}
	return secret
}

// emailedCode runs the jobs, then reads the sign-in code mailed to email as
// its recipient would: the outbox keeps it sealed apart from the masked body.
func emailedCode(t *testing.T, p *portal, email string) string {
	t.Helper()
	runJobs(t, p)
	var m models.OutboxMessage
	if err := p.srv.DB().WithContext(t.Context()).Where("to_address = ? AND template = ?", email, "email_code").
		Order("id DESC").Take(&m).Error; err != nil {
		t.Fatalf("no sign-in code mailed to %s: %v", email, err)
	}
	code, err := mail.Code(p.srv.Secrets(), m)
	if err != nil || len(code) != 6 {
		t.Fatalf("no 6-digit code sealed with the mail: %q %v", code, err)
	}
	return code
}

// runJobs runs the portal's job queue until nothing is due.
func runJobs(t *testing.T, p *portal) {
	t.Helper()
	for range 100 {
		ran, err := p.srv.Queue().RunOnce(t.Context())
		if err != nil {
			t.Fatalf("run jobs: %v", err)
		}
		if !ran {
			return
		}
	}
	t.Fatal("run jobs: the queue never emptied")
}

func TestSignInWithEmailedCode(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		ctx := newTab(t)
		customer := p.login(t, "customer")
		email := strings.ToLower(customer.Email)

		open(t, ctx, p.URL, "/signin")
		submit(t, ctx, "follow the emailed-code link", chromedp.Click(chromedp.CSS(`main a[href="/signin/code"]`)))
		wantPath(t, ctx, "/signin/code")
		fill(t, ctx, "/signin/code", "email", customer.Email)
		if status := submitForm(t, ctx, "/signin/code"); status != http.StatusOK {
			t.Fatalf("request a code: status %d", status)
		}
		wantPath(t, ctx, "/signin/code/enter")
		checkA11y(t, ctx, "/signin/code/enter")

		fill(t, ctx, "/signin/code/enter", "code", emailedCode(t, p, email))
		if status := submitForm(t, ctx, "/signin/code/enter"); status != http.StatusOK {
			t.Fatalf("enter the code: status %d", status)
		}
		wantPath(t, ctx, "/account")
	})
}

func TestSecurityPagesAccessible(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		customer := p.login(t, "customer")
		// A second device, so the sessions page has one to sign out.
		other := newTab(t)
		signIn(t, other, p.URL, customer)
		wantPath(t, other, "/account")

		ctx := newTab(t)
		signIn(t, ctx, p.URL, customer)
		wantPath(t, ctx, "/account")
		pages := []string{"/security", "/security/password", "/security/2fa", "/security/email", "/security/sessions", "/security/confirm"}
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			t.Run(lang, func(t *testing.T) {
				// The header's choice is the page language (a cookie);
				// the account's own language is only offered the change.
				switchLanguage(t, ctx, lang)
				for _, path := range pages {
					open(t, ctx, p.URL, path)
					wantPath(t, ctx, path)
					if path == "/security/sessions" && lang == "en" && onSQLite(p) {
						saveScreenshot(t, ctx, "sessions.png")
					}
					checkA11y(t, ctx, lang+" "+path)
				}
				// The confirmation step of an email change, reached by asking for one.
				open(t, ctx, p.URL, "/security/email")
				fill(t, ctx, "/security/email", "email", "new-"+lang+"@example.com")
				if status := submitForm(t, ctx, "/security/email"); status != http.StatusOK {
					t.Fatalf("email change request: status %d", status)
				}
				wantPath(t, ctx, "/security/email/confirm")
				checkA11y(t, ctx, lang+" /security/email/confirm")
			})
		}

		t.Run("admin", func(t *testing.T) {
			admin := p.login(t, "admin")
			const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
			now := time.Now()
			if err := p.srv.DB().WithContext(t.Context()).Model(&models.User{}).Where("email = ?", strings.ToLower(admin.Email)).
				Updates(map[string]any{"totp_secret": secret, "totp_enabled_at": now}).Error; err != nil {
				t.Fatalf("give the admin a TOTP secret: %v", err)
			}
			ctx := newTab(t)
			signIn(t, ctx, p.URL, admin)
			if status := passSecondFactor(t, ctx, totpCode(t, secret, time.Now())); status != http.StatusOK {
				t.Fatalf("admin second factor: status %d", status)
			}
			if got := currentPath(t, ctx); got == "/signin/2fa" || got == enrol2FAPath {
				t.Fatalf("admin with 2FA left on %s after signing in", got)
			}
			// A failed job, so the jobs page shows its table and retry button.
			dead := models.Job{Kind: "mail.deliver", Status: models.JobDead, RunAt: now, Attempts: 10, MaxAttempts: 10,
				LastError: "dial tcp: connection refused"}
			if err := p.srv.DB().Create(&dead).Error; err != nil {
				t.Fatal(err)
			}
			for _, path := range []string{"/admin/staff", "/admin/outbox", "/admin/audit", "/admin/jobs", "/admin"} {
				open(t, ctx, p.URL, path)
				wantPath(t, ctx, path)
				checkA11y(t, ctx, "en "+path)
			}
		})
	})
}

func TestStaffEnrolsAtFirstSignIn(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		ctx := newTab(t)
		staff := p.login(t, "staff")

		signIn(t, ctx, p.URL, staff)
		wantPath(t, ctx, enrol2FAPath)
		open(t, ctx, p.URL, "/staff")
		wantPath(t, ctx, enrol2FAPath)

		enrolTOTP(t, ctx, nil)
		open(t, ctx, p.URL, "/staff")
		wantPath(t, ctx, "/staff")
		if h1 := text(t, ctx, "h1"); strings.TrimSpace(h1) == "" {
			t.Fatal("/staff has an empty <h1>")
		}
	})
}
