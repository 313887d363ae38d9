//go:build e2e

package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/web"
)

// shiftClock is the wall clock moved forward by the test: the services'
// "now" (the cool-off, the run) while the browser and the sessions keep
// real time.
type shiftClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *shiftClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *shiftClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

var myRequestPath = regexp.MustCompile(`^/account/requests/(\d+)$`)

// TestCloseAccountJourney: a customer asks to close their account from
// Your data, the recent sign-in verifies them, staff approve on the desk,
// the customer sees the date and the two choices, the cool-off passes,
// the erasure runs, its report waits in the outbox in the customer's
// language, the desk shows it, and the customer can no longer sign in.
// axe checks every new page in each language.
func TestCloseAccountJourney(t *testing.T) {
	clock := &shiftClock{}
	p := startPortal(t, "", web.WithClock(clock.Now))
	me := p.login(t, "customer")
	ctx := newTab(t)
	signIn(t, ctx, p.URL, me)
	wantPath(t, ctx, "/account")
	open(t, ctx, p.URL, "/account/data")
	checkA11y(t, ctx, "/account/data with closing the account")
	submit(t, ctx, "follow Close my account", chromedp.Click(chromedp.CSS(`main a[href="/account/requests/new?kind=erasure"]`)))
	if got := evalJS[string](t, ctx, `document.querySelector('[name="kind"]:checked, select[name="kind"]')?.value || ''`); got != "erasure" {
		t.Fatalf("the form does not start on an erasure: %q", got)
	}
	if st := submitForm(t, ctx, "/account/requests/new"); st != http.StatusOK {
		t.Fatalf("file: status %d", st)
	}
	id := pathID(t, ctx, myRequestPath)
	page := currentPath(t, ctx)

	staff := newTab(t)
	signIn(t, staff, p.URL, p.login(t, "staff"))
	secret, _, _ := enrolTOTP(t, staff, nil)
	desk := "/staff/requests/" + strings.TrimPrefix(page, "/account/requests/")
	open(t, staff, p.URL, desk)
	var r models.PrivacyRequest
	if err := p.srv.DB().Take(&r, id).Error; err != nil {
		t.Fatal(err)
	}
	if r.Status == models.StatusAwaitingVerification {
		submit(t, staff, "verify", chromedp.Click(chromedp.CSS(`form[action="`+desk+`/verify"] [type="submit"]`)))
	}
	submit(t, staff, "approve", chromedp.Click(chromedp.CSS(`form[action="`+desk+`/approve"] [type="submit"]`)))
	for _, lang := range requestLangs {
		switchLanguage(t, staff, lang)
		checkPage(t, staff, p, lang, desk)
		if !evalJS[bool](t, staff, `!!document.querySelector('#desk-erasure')`) {
			t.Errorf("%s: the desk shows no erasure", lang)
		}
	}

	// The customer's page: the date, cancel and erase-now, each behind a
	// confirmation; axe in every language.
	for _, lang := range requestLangs {
		switchLanguage(t, ctx, lang)
		checkPage(t, ctx, p, lang, page)
		checkPage(t, ctx, p, lang, page+"?stop=confirm")
		checkPage(t, ctx, p, lang, page+"?waive=confirm")
	}
	switchLanguage(t, ctx, "fr")
	open(t, ctx, p.URL, page)
	if !evalJS[bool](t, ctx, `!!document.querySelector('.erasure-panel a[href$="?stop=confirm#erasure"]') && !!document.querySelector('.erasure-panel a[href$="?waive=confirm#erasure"]')`) {
		t.Fatal("the cool-off panel lacks its two choices")
	}
	saveScreenshot(t, ctx, "erasure-cooloff.png")

	// The cool-off passes; the scheduled sweep runs the erasure.
	later := erasure.RunMargin + 15*24*time.Hour
	clock.Advance(later)
	runDueErasures(t, p)
	runJobs(t, p)
	// Back to today, so the staff's session is not idle for 16 days.
	clock.Advance(-later)
	var e models.Erasure
	if err := p.srv.DB().Where("request_id = ?", id).Take(&e).Error; err != nil {
		t.Fatal(err)
	}
	if e.FinishedAt == nil || e.UserID != nil {
		t.Fatalf("after the cool-off: %+v", e)
	}
	var mail models.OutboxMessage
	if err := p.srv.DB().Where("template = ? AND to_address = ?", erasure.MailReport, strings.ToLower(me.Email)).Take(&mail).Error; err != nil {
		t.Fatalf("no report in the outbox: %v", err)
	}
	if mail.Locale != "fr" || !strings.Contains(mail.TextBody, "Vos données ont été effacées") || !mail.Forget {
		t.Errorf("the report: in %s, forget %v:\n%s", mail.Locale, mail.Forget, mail.TextBody)
	}
	// The jump ended the staff's session (the session sweep ran 16 days
	// on): they sign in again.
	staff = newTab(t)
	p.srv.DB().Model(&models.User{}).Where("role = ?", models.RoleStaff).Update("totp_last_step", 0)
	signInWithTOTP(t, staff, p, "staff", secret)
	open(t, staff, p.URL, desk)
	if !evalJS[bool](t, staff, `document.querySelectorAll('.desk-erasure tbody tr').length > 0`) {
		t.Errorf("the desk shows no report: %s", evalJS[string](t, staff, `document.querySelector('main')?.innerText || ''`))
	}
	checkA11y(t, staff, "the desk's erasure report")

	// The account is gone: its session is dead, and signing in fails.
	var left int64
	p.srv.DB().Model(&models.Session{}).Where("user_id = ?", *r.UserID).Count(&left)
	if left != 0 {
		t.Errorf("%d sessions of the erased customer are left", left)
	}
	open(t, ctx, p.URL, "/account")
	if got := currentPath(t, ctx); got == "/account" {
		t.Error("the erased customer's session still opens their account")
	}
	other := newTab(t)
	open(t, other, p.URL, "/signin")
	typeIn(t, other, `form[action="/signin"] input[name="email"]`, me.Email)
	typeIn(t, other, `form[action="/signin"] input[name="password"]`, me.Password)
	if st := submitForm(t, other, "/signin"); st != http.StatusUnprocessableEntity {
		t.Errorf("the erased customer's sign-in answered %d, want 422", st)
	}
	if got := currentPath(t, other); got != "/signin" {
		t.Errorf("the erased customer signed in again: on %s", got)
	}
}

// runDueErasures is the scheduled sweep on the portal's (moved) clock:
// it must queue the erasures whose cool-off is over, and each is run as
// its job would (the job queue keeps real time, so its run is not yet
// due for it).
func runDueErasures(t *testing.T, p *portal) {
	t.Helper()
	n, err := p.srv.Erasure().Sweep(t.Context())
	if err != nil || n == 0 {
		t.Fatalf("the sweep queued %d erasures: %v", n, err)
	}
	var ids []int64
	if err := p.srv.DB().Model(&models.Erasure{}).Where("status IN ?", []models.ErasureStatus{models.ErasureCoolingOff, models.ErasureRunning}).
		Pluck("id", &ids).Error; err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if err := p.srv.Erasure().Run(t.Context(), id); err != nil {
			t.Fatalf("run erasure %d: %v", id, err)
		}
	}
}
