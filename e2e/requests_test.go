//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
)

// The demo people the request tests use (internal/demo).
const (
	camilleEmail = "camille.laurent@example.com" // p.login(t, "customer"): an open rectification of her phone
	linaEmail    = "lina.chen@example.com"       // an erasure waiting for an ID document
	margauxEmail = "margaux.petit@example.com"   // a public requester without an account
)

// staffSecret is the TOTP secret the request tests give the demo staff
// member (signInWithTOTP).
const staffSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXR"

// requestCode runs the jobs, then reads the newest request code (an
// email proof or a status-page code) mailed to email, as its recipient
// would: sealed apart from the masked body, like sign-in codes.
func requestCode(t *testing.T, p *portal, email string) string {
	t.Helper()
	runJobs(t, p)
	var m models.OutboxMessage
	if err := p.srv.DB().WithContext(t.Context()).Where("to_address = ? AND template = ?", email, "request_code").
		Order("id DESC").Take(&m).Error; err != nil {
		t.Fatalf("no request code mailed to %s: %v", email, err)
	}
	code, err := mail.Code(p.srv.Secrets(), m)
	if err != nil || len(code) != 6 {
		t.Fatalf("no 6-digit code sealed with the mail to %s: %q %v", email, code, err)
	}
	if strings.Contains(m.TextBody, code) || strings.Contains(m.HTMLBody, code) {
		t.Fatalf("the stored mail to %s shows its code in clear", email)
	}
	return code
}

// userOf is the account with email.
func (p *portal) userOf(t *testing.T, email string) models.User {
	t.Helper()
	var u models.User
	if err := p.srv.DB().WithContext(t.Context()).Where("email = ?", strings.ToLower(email)).Take(&u).Error; err != nil {
		t.Fatalf("find %s: %v", email, err)
	}
	return u
}

// requestOf is the newest request of kind by the requester email.
func (p *portal) requestOf(t *testing.T, email string, kind models.RequestKind) models.PrivacyRequest {
	t.Helper()
	var r models.PrivacyRequest
	if err := p.srv.DB().WithContext(t.Context()).Where("requester_email = ? AND kind = ?", email, kind).
		Order("id DESC").Take(&r).Error; err != nil {
		t.Fatalf("find the %s request of %s: %v", kind, email, err)
	}
	return r
}

// request reads request id back from the database.
func (p *portal) request(t *testing.T, id int64) models.PrivacyRequest {
	t.Helper()
	var r models.PrivacyRequest
	if err := p.srv.DB().WithContext(t.Context()).Take(&r, id).Error; err != nil {
		t.Fatalf("read request %d: %v", id, err)
	}
	return r
}

// htmlLang is the page's <html lang>.
func htmlLang(t *testing.T, ctx context.Context) string {
	t.Helper()
	return evalJS[string](t, ctx, `document.documentElement.lang`)
}

// pageText is what the page's main region says, as a person reads it.
func pageText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return evalJS[string](t, ctx, `(document.querySelector('main') || document.body).innerText`)
}

// wantText fails unless the page's main region says each of want.
func wantText(t *testing.T, ctx context.Context, where string, want ...string) {
	t.Helper()
	got := pageText(t, ctx)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not say %q; it says:\n%s", where, w, got)
		}
	}
}

// wantH1 fails unless the page's heading is want.
func wantH1(t *testing.T, ctx context.Context, where, want string) {
	t.Helper()
	if got := strings.TrimSpace(text(t, ctx, "main h1")); got != want {
		t.Errorf("%s: <h1> is %q, want %q", where, got, want)
	}
}

// click clicks sel without waiting for a page load (a radio, a checkbox).
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	ctx, cancel := step(ctx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

// pathID is the number at the end of the tab's path, which must match re.
func pathID(t *testing.T, ctx context.Context, re *regexp.Regexp) int64 {
	t.Helper()
	path := currentPath(t, ctx)
	m := re.FindStringSubmatch(path)
	if m == nil {
		t.Fatalf("on %s, want a page matching %s", path, re)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

var verifyPathRe = regexp.MustCompile(`^/requests/verify/(\d+)$`)

// filePublicRequest fills the public form reached from the sign-in page,
// as a person without an account would, and returns the new request's
// number from the code page it leads to.
func filePublicRequest(t *testing.T, ctx context.Context, p *portal, name, email string, kind models.RequestKind, details string) int64 {
	t.Helper()
	open(t, ctx, p.URL, "/signin")
	follow(t, ctx, `main a[href="/requests/new"]`)
	wantPath(t, ctx, "/requests/new")
	const form = `form[action="/requests/new"] `
	typeIn(t, ctx, form+`input[name="name"]`, name)
	typeIn(t, ctx, form+`input[name="email"]`, email)
	click(t, ctx, form+`input[name="kind"][value="`+string(kind)+`"]`)
	typeIn(t, ctx, form+`textarea[name="details"]`, details)
	if status := submitForm(t, ctx, "/requests/new"); status != http.StatusOK {
		t.Fatalf("file the public request: status %d", status)
	}
	return pathID(t, ctx, verifyPathRe)
}

// knowledge is what the shop holds of a demo customer, as the customer
// knows it: an order of theirs, the postal code it was delivered to,
// their phone typed as at home.
type knowledge struct{ order, postal, phone string }

func (p *portal) knowledgeOf(t *testing.T, email string) knowledge {
	t.Helper()
	db := p.srv.DB().WithContext(t.Context())
	u := p.userOf(t, email)
	var k knowledge
	var o models.Order
	if err := db.Where("user_id = ?", u.ID).Order("placed_at DESC").Take(&o).Error; err != nil {
		t.Fatalf("an order of %s: %v", email, err)
	}
	var a models.Address
	if err := db.Where("user_id = ? AND kind = ?", u.ID, models.AddressDelivery).Take(&a).Error; err != nil {
		t.Fatalf("the delivery address of %s: %v", email, err)
	}
	var pr models.Profile
	if err := db.Where("user_id = ?", u.ID).Take(&pr).Error; err != nil {
		t.Fatalf("the profile of %s: %v", email, err)
	}
	k.order, k.postal = o.Number, a.PostalCode
	// +33600000012 as a French person types it: 06 00 00 00 12.
	k.phone = pr.Phone
	if rest, ok := strings.CutPrefix(pr.Phone, "+33"); ok && len(rest) == 9 {
		k.phone = "0" + rest[:1] + " " + rest[1:3] + " " + rest[3:5] + " " + rest[5:7] + " " + rest[7:]
	}
	return k
}

// answerCheck fills the strict knowledge check of request id with k and
// the declaration, and returns the status of the page it leads to.
func answerCheck(t *testing.T, ctx context.Context, id int64, k knowledge) int {
	t.Helper()
	action := "/requests/check/" + strconv.FormatInt(id, 10)
	fill(t, ctx, action, "order_number", k.order, "delivery_postal_code", k.postal, "phone", k.phone)
	click(t, ctx, fmt.Sprintf(`form[action=%q] input[name="declared"]`, action))
	return submitForm(t, ctx, action)
}

// TestPublicRequestJourney: a person without an account files an access
// request on the public form reached from the sign-in page, proves the
// email with the code mailed (a wrong one refused first), passes the
// strict knowledge check with what the shop holds of them (a wrong
// postal code refused first), lands on the received page, and later,
// in a browser without the session's pass, opens the status page with a
// fresh mailed code and reads the request's timeline.
func TestPublicRequestJourney(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		en := func(id string, args ...any) string { return i18n.Tl("en", id, args...) }
		customer := p.userOf(t, camilleEmail)
		k := p.knowledgeOf(t, camilleEmail)

		ctx := newTab(t)
		open(t, ctx, p.URL, "/signin")
		switchLanguage(t, ctx, "en")
		id := filePublicRequest(t, ctx, p, customer.Name, strings.ToUpper(camilleEmail), models.RequestAccess,
			"Please send me a copy of the data you hold about me, including my orders.")
		number := "#" + strconv.FormatInt(id, 10)
		wantH1(t, ctx, "the code page", en("publicrequest.code.title"))
		wantText(t, ctx, "the code page", en("publicrequest.code.intro", "Number", number))
		if body := pageText(t, ctx); strings.Contains(body, camilleEmail) {
			t.Errorf("the code page shows the email address")
		}
		r := p.request(t, id)
		switch {
		case r.Status != models.StatusAwaitingVerification:
			t.Fatalf("a filed public request is %s, want awaiting_verification", r.Status)
		case r.Channel != models.ChannelPublic || r.UserID != nil || r.EmailVerifiedAt != nil:
			t.Fatalf("a filed public request: channel %s, user %v, email verified %v: want public, nobody's, unproven", r.Channel, r.UserID, r.EmailVerifiedAt)
		case r.RequesterEmail != camilleEmail:
			t.Fatalf("requester email stored as %q, want it normalised to %q", r.RequesterEmail, camilleEmail)
		}

		// A wrong code is refused beside the field; the one mailed works.
		code := requestCode(t, p, camilleEmail)
		verify := "/requests/verify/" + strconv.FormatInt(id, 10)
		wrong := code[:5] + string('0'+(code[5]-'0'+1)%10)
		fill(t, ctx, verify, "code", wrong)
		if status := submitForm(t, ctx, verify); status != http.StatusUnprocessableEntity {
			t.Fatalf("a wrong code answered %d, want 422", status)
		}
		wantText(t, ctx, "the code page after a wrong code", en("request.error.code_invalid"))
		if got := evalJS[string](t, ctx, `document.querySelector('input[name="code"]').getAttribute('aria-invalid') || ''`); got != "true" {
			t.Errorf("the code field has aria-invalid=%q after a wrong code", got)
		}
		fill(t, ctx, verify, "code", code)
		if status := submitForm(t, ctx, verify); status != http.StatusOK {
			t.Fatalf("the mailed code answered %d", status)
		}
		wantPath(t, ctx, "/requests/check/"+strconv.FormatInt(id, 10))
		wantH1(t, ctx, "the knowledge check", en("publicrequest.check.title"))
		// Access to a copy asks for three points and a declaration.
		wantText(t, ctx, "the knowledge check", en("publicrequest.check.intro_strict"))
		if r := p.request(t, id); r.EmailVerifiedAt == nil || r.Status != models.StatusAwaitingVerification {
			t.Fatalf("after the code: email verified %v, status %s; want proven, still awaiting verification", r.EmailVerifiedAt, r.Status)
		}

		// A postal code the order was not delivered to proves nothing.
		bad := k
		bad.postal = "75011"
		if status := answerCheck(t, ctx, id, bad); status != http.StatusUnprocessableEntity {
			t.Fatalf("a wrong postal code answered %d, want 422", status)
		}
		wantText(t, ctx, "the knowledge check after a wrong answer", en("request.error.knowledge_failed"))
		if got := controlValue(t, ctx, `input[name="order_number"]`); got != k.order {
			t.Errorf("the order number field holds %q after the error, want what was typed, %q", got, k.order)
		}
		if status := answerCheck(t, ctx, id, k); status != http.StatusOK {
			t.Fatalf("the right answers answered %d", status)
		}
		wantPath(t, ctx, "/requests/received/"+strconv.FormatInt(id, 10))
		wantH1(t, ctx, "the received page", en("publicrequest.received.title"))
		wantText(t, ctx, "the received page", en("publicrequest.received.number", "Number", number), en("publicrequest.received.verified"))

		r = p.request(t, id)
		switch {
		case r.Status != models.StatusInReview:
			t.Errorf("after the check the request is %s, want in_review", r.Status)
		case r.VerificationMethod != "strict":
			t.Errorf("verification method %q, want strict (access to a copy)", r.VerificationMethod)
		case r.UserID == nil || *r.UserID != customer.ID:
			t.Errorf("the verified request belongs to %v, want the customer %d", r.UserID, customer.ID)
		case r.VerifiedAt == nil || r.DeclaredAt == nil:
			t.Errorf("verified at %v, declared at %v: want both", r.VerifiedAt, r.DeclaredAt)
		case !strings.Contains(r.VerificationNote, "order") || !strings.Contains(r.VerificationNote, "phone"):
			t.Errorf("the evidence %q does not name the order and phone points", r.VerificationNote)
		}

		// This session holds the request's pass: its status page opens.
		follow(t, ctx, `main a[href="/requests/status/`+strconv.FormatInt(id, 10)+`"]`)
		wantH1(t, ctx, "the status page with a pass", en("myrequests.page.title", "Number", number, "Kind", en("request.kind.access")))

		// Days later, from the mail's link, in a browser without the pass.
		later := newTab(t)
		open(t, later, p.URL, "/signin")
		switchLanguage(t, later, "en")
		status := "/requests/status/" + strconv.FormatInt(id, 10)
		open(t, later, p.URL, status)
		wantH1(t, later, "the status gate", en("publicrequest.status.title", "Number", number))
		if body := pageText(t, later); strings.Contains(body, en("myrequests.timeline")) || strings.Contains(body, r.Details) {
			t.Fatalf("the status page shows the request without a code")
		}
		if status := submitForm(t, later, status+"/send"); status != http.StatusOK {
			t.Fatalf("ask for a status code: status %d", status)
		}
		wantText(t, later, "the status gate after asking", en("publicrequest.status.sent"))
		fill(t, later, status+"/code", "code", requestCode(t, p, camilleEmail))
		if st := submitForm(t, later, status+"/code"); st != http.StatusOK {
			t.Fatalf("enter the status code: status %d", st)
		}
		wantPath(t, later, status)
		wantH1(t, later, "the status page", en("myrequests.page.title", "Number", number, "Kind", en("request.kind.access")))
		if got := strings.TrimSpace(text(t, later, "main dl.request-facts dd")); got != en("request.status.in_review") {
			t.Errorf("the status page says the status is %q, want %q", got, en("request.status.in_review"))
		}
		timeline := evalJS[[]string](t, later, `[...document.querySelectorAll('main ol.timeline .timeline__what')].map(e => e.textContent.trim())`)
		want := []string{en("request.action.file"), en("request.action.verify")}
		if strings.Join(timeline, "|") != strings.Join(want, "|") {
			t.Errorf("the timeline reads %q, want %q", timeline, want)
		}
		wantText(t, later, "the status page", r.Details)
	})
}

// TestStaffApprovesRectification: the demo staff member opens the queue
// from the dashboard, filters it to rectifications, opens Camille's
// correction of her phone number, records a doubt about her identity,
// verifies it after all, writes an internal note and approves it;
// Camille, signed in in another
// browser, finds the new phone on her profile and the change in its
// history, "corrected by our staff on request #N".
func TestStaffApprovesRectification(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		en := func(id string, args ...any) string { return i18n.Tl("en", id, args...) }
		req := p.requestOf(t, camilleEmail, models.RequestRectification)
		if req.Status != models.StatusInReview {
			t.Fatalf("the demo rectification is %s, want in_review", req.Status)
		}
		var corr models.RequestCorrection
		if err := p.srv.DB().WithContext(t.Context()).Where("request_id = ?", req.ID).Take(&corr).Error; err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(req.ID, 10)
		number := "#" + id
		base := "/staff/requests/" + id

		staff := newTab(t)
		signInWithTOTP(t, staff, p, "staff", staffSecret)
		switchLanguage(t, staff, "en")
		open(t, staff, p.URL, "/staff")
		follow(t, staff, `main a[href="/staff/requests"]`)
		wantPath(t, staff, "/staff/requests")
		wantH1(t, staff, "the queue", en("desk.queue.title"))
		choose(t, staff, `form[action="/staff/requests"] select[name="kind"]`, string(models.RequestRectification))
		submit(t, staff, "filter the queue", chromedp.Click(chromedp.CSS(`form[action="/staff/requests"] [type="submit"]`)))
		if q := currentQuery(t, staff); !strings.Contains(q, "kind=rectification") {
			t.Errorf("the filtered queue is at ?%s", q)
		}
		kinds := evalJS[[]string](t, staff, `[...document.querySelectorAll('main table tbody tr')].map(r => r.innerText)`)
		if len(kinds) == 0 {
			t.Fatal("the queue filtered to rectifications is empty")
		}
		for _, row := range kinds {
			if !strings.Contains(row, en("request.kind.rectification")) {
				t.Errorf("the queue filtered to rectifications lists %q", row)
			}
		}
		follow(t, staff, `main table a[href="`+base+`"]`)
		wantPath(t, staff, base)
		wantH1(t, staff, "the request page", en("desk.request.title", "Number", number))
		wantText(t, staff, "the request page", corr.ProposedValue, corr.Reason)

		// A doubt sends it back to verification...
		typeIn(t, staff, `form[action="`+base+`/require_document"] textarea[name="doubt_reason"]`,
			"The new number is not the one on her recent orders.")
		if st := submitForm(t, staff, base+"/require_document"); st != http.StatusOK {
			t.Fatalf("record a doubt: status %d", st)
		}
		wantPath(t, staff, base)
		if got := strings.TrimSpace(text(t, staff, "main .desk-status")); !strings.Contains(got, en("request.status.awaiting_verification")) {
			t.Fatalf("after the doubt the request shows %q, want %q", got, en("request.status.awaiting_verification"))
		}
		if n := countOf(t, staff, `form[action="`+base+`/approve"]`); n != 0 {
			t.Errorf("an unverified request offers approval")
		}
		// ...which staff settle: verify, then approve.
		typeIn(t, staff, `form[action="`+base+`/verify"] textarea[name="verify_note"]`,
			"Called her back on the number on file: she confirmed the change.")
		if st := submitForm(t, staff, base+"/verify"); st != http.StatusOK {
			t.Fatalf("verify: status %d", st)
		}
		if got := strings.TrimSpace(text(t, staff, "main .desk-status")); !strings.Contains(got, en("request.status.in_review")) {
			t.Fatalf("after verifying the request shows %q, want %q", got, en("request.status.in_review"))
		}
		staffUser := p.userOf(t, p.login(t, "staff").Email)
		if r := p.request(t, req.ID); r.VerifiedByID == nil || *r.VerifiedByID != staffUser.ID || r.Status != models.StatusInReview {
			t.Errorf("after verifying: verified by %v, status %s; want the staff member, in review", r.VerifiedByID, r.Status)
		}
		// An internal note, which Camille must never read.
		const note = "Internal: the old number still rings her landline's voicemail."
		typeIn(t, staff, `form[action="`+base+`/note"] textarea[name="note_body"]`, note)
		if st := submitForm(t, staff, base+"/note"); st != http.StatusOK {
			t.Fatalf("add a note: status %d", st)
		}
		wantText(t, staff, "the request page after the note", note)
		if st := submitForm(t, staff, base+"/approve"); st != http.StatusOK {
			t.Fatalf("approve: status %d", st)
		}
		if got := strings.TrimSpace(text(t, staff, "main .desk-status")); !strings.Contains(got, en("request.status.completed")) {
			t.Errorf("after approving the rectification shows %q, want %q", got, en("request.status.completed"))
		}
		r := p.request(t, req.ID)
		if r.Status != models.StatusCompleted || r.ClosedAt == nil {
			t.Errorf("the approved rectification is %s (closed %v), want completed", r.Status, r.ClosedAt)
		}
		var change models.ProfileChange
		if err := p.srv.DB().WithContext(t.Context()).Where("user_id = ? AND field = ?", *req.UserID, "phone").
			Order("id DESC").Take(&change).Error; err != nil {
			t.Fatalf("no profile change for the phone: %v", err)
		}
		if change.RequestID == nil || *change.RequestID != req.ID || change.ActorKind != "staff" || change.NewValue != corr.ProposedValue {
			t.Errorf("the phone change: request %v, actor %s, new %q; want request %d, staff, %q",
				change.RequestID, change.ActorKind, change.NewValue, req.ID, corr.ProposedValue)
		}

		runJobs(t, p)
		var mails []models.OutboxMessage
		if err := p.srv.DB().WithContext(t.Context()).Where("to_address = ?", camilleEmail).Find(&mails).Error; err != nil {
			t.Fatal(err)
		}
		if len(mails) == 0 {
			t.Errorf("Camille was mailed nothing about her request")
		}
		for _, m := range mails {
			if strings.Contains(m.Subject+m.TextBody+m.HTMLBody, "landline") {
				t.Errorf("the mail %q to Camille carries the internal note", m.Subject)
			}
		}

		// Camille, in her own browser.
		customer := newTab(t)
		signIn(t, customer, p.URL, p.login(t, "customer"))
		switchLanguage(t, customer, "en")
		open(t, customer, p.URL, "/account/data/profile")
		const newPhoneShown = "+33 6 00 00 00 34" // corr.ProposedValue, grouped as France writes it
		if corr.ProposedValue != "+33600000034" {
			t.Fatalf("the demo correction proposes %q, the test expects +33600000034", corr.ProposedValue)
		}
		if got := profileFact(t, customer, factPhone); got != newPhoneShown {
			t.Errorf("the profile shows phone %q after the approval, want %q", got, newPhoneShown)
		}
		follow(t, customer, `main a[href="/account/data/profile/history"]`)
		rows := evalJS[[][]string](t, customer, `[...document.querySelectorAll('main table tbody tr')].map(r => [...r.children].map(c => c.textContent.trim()))`)
		by := en("history.actor.staff_request", "Number", number)
		found := false
		for _, c := range rows {
			if len(c) == 5 && c[2] == demoPhoneShown && c[3] == newPhoneShown && c[4] == by {
				found = true
			}
		}
		if !found {
			t.Errorf("the history does not list %s → %s %q; rows: %q", demoPhoneShown, newPhoneShown, by, rows)
		}
		open(t, customer, p.URL, "/account/requests/"+id)
		if got := strings.TrimSpace(text(t, customer, "main dl.request-facts dd")); got != en("request.status.completed") {
			t.Errorf("Camille's request page says %q, want %q", got, en("request.status.completed"))
		}
		if body := evalJS[string](t, customer, `document.documentElement.outerHTML`); strings.Contains(body, note) || strings.Contains(body, "landline") {
			t.Errorf("Camille's request page shows the internal note")
		}
		timeline := evalJS[[]string](t, customer, `[...document.querySelectorAll('main ol.timeline .timeline__what')].map(e => e.textContent.trim())`)
		for _, want := range []string{en("request.action.verify"), en("request.action.approve"), en("request.action.complete")} {
			if !strings.Contains(strings.Join(timeline, "|"), want) {
				t.Errorf("Camille's timeline %q lacks %q", timeline, want)
			}
		}
	})
}

// checkPage opens path, checks it is in lang and runs axe on it.
func checkPage(t *testing.T, ctx context.Context, p *portal, lang, path string) {
	t.Helper()
	open(t, ctx, p.URL, path)
	if got := htmlLang(t, ctx); got != lang {
		t.Errorf("%s is in %q, want %s", path, got, lang)
	}
	if h1 := strings.TrimSpace(text(t, ctx, "main h1")); h1 == "" {
		t.Errorf("%s %s has an empty <h1>", lang, path)
	}
	checkA11y(t, ctx, lang+" "+path)
}

var requestLangs = []string{"en", "fr", "zh-CN"}

// TestRequestPagesAccessible runs axe on every page of the requests
// feature, in each language, in one tab: the public pages (the form and
// its errors, the code, the knowledge check, the received page, the
// status page with and without a pass), the customer's (the list, the
// new request form, a request, the document upload of Li Na's erasure)
// and the staff desk's (dashboard, queue, a request with corrections, a
// public request with its evidence). The rectification form and the
// staff customer pages are TestFulfilPagesAccessible's. It also takes
// the README's screenshots.
func TestRequestPagesAccessible(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		ctx := newTab(t)
		open(t, ctx, p.URL, "/signin")
		switchLanguage(t, ctx, "en")
		id := filePublicRequest(t, ctx, p, "Camille Laurent", camilleEmail, models.RequestAccess, "A copy of my data, please.")
		ids := strconv.FormatInt(id, 10)
		verify := "/requests/verify/" + ids
		fill(t, ctx, verify, "code", requestCode(t, p, camilleEmail))
		if st := submitForm(t, ctx, verify); st != http.StatusOK {
			t.Fatalf("enter the code: status %d", st)
		}
		wantPath(t, ctx, "/requests/check/"+ids)
		other := strconv.FormatInt(p.requestOf(t, margauxEmail, models.RequestAccess).ID, 10)
		for _, lang := range requestLangs {
			switchLanguage(t, ctx, lang)
			for _, path := range []string{"/requests/new", verify, "/requests/check/" + ids, "/requests/status/" + other} {
				checkPage(t, ctx, p, lang, path)
			}
			// The form refused, with its errors beside the fields.
			open(t, ctx, p.URL, "/requests/new")
			if st := submitForm(t, ctx, "/requests/new"); st != http.StatusUnprocessableEntity {
				t.Errorf("%s: an empty public form answered %d, want 422", lang, st)
			}
			checkA11y(t, ctx, lang+" /requests/new with errors")
			// A wrong code, here and on the status page's code step.
			for _, action := range []string{verify, "/requests/status/" + other + "/code"} {
				open(t, ctx, p.URL, strings.TrimSuffix(action, "/code"))
				fill(t, ctx, action, "code", "12345x")
				if st := submitForm(t, ctx, action); st != http.StatusUnprocessableEntity {
					t.Errorf("%s: a malformed code at %s answered %d, want 422", lang, action, st)
				}
				checkA11y(t, ctx, lang+" "+action+" with an error")
				// The switcher on a page a POST re-rendered goes back to the
				// page's own address, not to the POST's (no GET there).
				switchLanguage(t, ctx, lang)
				wantPath(t, ctx, strings.TrimSuffix(action, "/code"))
			}
		}
		// One wrong answer to the knowledge check (three lock it).
		open(t, ctx, p.URL, "/requests/check/"+ids)
		if st := submitForm(t, ctx, "/requests/check/"+ids); st != http.StatusUnprocessableEntity {
			t.Errorf("an empty knowledge check answered %d, want 422", st)
		}
		checkA11y(t, ctx, "en /requests/check/"+ids+" with an error")
		open(t, ctx, p.URL, "/requests/check/"+ids)
		if st := answerCheck(t, ctx, id, p.knowledgeOf(t, camilleEmail)); st != http.StatusOK {
			t.Fatalf("the knowledge check: status %d", st)
		}
		wantPath(t, ctx, "/requests/received/"+ids)
		for _, lang := range requestLangs {
			switchLanguage(t, ctx, lang)
			for _, path := range []string{"/requests/received/" + ids, "/requests/status/" + ids} {
				checkPage(t, ctx, p, lang, path)
			}
		}

		// Camille: her requests, the form, her rectification's page.
		rect := strconv.FormatInt(p.requestOf(t, camilleEmail, models.RequestRectification).ID, 10)
		signIn(t, ctx, p.URL, p.login(t, "customer"))
		wantPath(t, ctx, "/account")
		for _, lang := range requestLangs {
			switchLanguage(t, ctx, lang)
			for _, path := range []string{"/account/requests", "/account/requests/new", "/account/requests/" + rect} {
				checkPage(t, ctx, p, lang, path)
				if lang == "en" && path == "/account/requests/"+rect {
					screenshotOnSQLite(t, ctx, p, "request.png")
				}
			}
			open(t, ctx, p.URL, "/account/requests/new")
			if st := submitForm(t, ctx, "/account/requests/new"); st != http.StatusUnprocessableEntity {
				t.Errorf("%s: an empty request form answered %d, want 422", lang, st)
			}
			checkA11y(t, ctx, lang+" /account/requests/new with errors")
		}
		signOut(t, ctx)

		// Li Na: the upload page of her erasure, which waits for an ID.
		erasure := p.requestOf(t, linaEmail, models.RequestErasure)
		if !erasure.DocumentRequired || erasure.Status != models.StatusAwaitingVerification {
			t.Fatalf("Li Na's demo erasure: document required %v, status %s", erasure.DocumentRequired, erasure.Status)
		}
		signIn(t, ctx, p.URL, p.loginOf(t, linaEmail))
		wantPath(t, ctx, "/account")
		for _, lang := range requestLangs {
			switchLanguage(t, ctx, lang)
			checkPage(t, ctx, p, lang, "/account/requests/"+strconv.FormatInt(erasure.ID, 10)+"/document")
		}
		signOut(t, ctx)

		// Staff: the dashboard, the queue, a rectification and the public
		// request verified above, with its evidence.
		signInWithTOTP(t, ctx, p, "staff", staffSecret)
		for _, lang := range requestLangs {
			switchLanguage(t, ctx, lang)
			for _, path := range []string{"/staff", "/staff/requests", "/staff/requests/" + rect, "/staff/requests/" + ids} {
				checkPage(t, ctx, p, lang, path)
				if path == "/staff/requests" {
					// At 1280 px the filters and "Assign to me" are in view.
					for _, o := range evalJS[[]string](t, ctx, queueOutOfView) {
						t.Errorf("%s /staff/requests: %s", lang, o)
					}
				}
				if lang == "en" {
					switch path {
					case "/staff":
						if n := countOf(t, ctx, "main svg"); n == 0 {
							t.Errorf("the dashboard has no chart")
						}
						screenshotOnSQLite(t, ctx, p, "desk-dashboard.png")
					case "/staff/requests":
						screenshotOnSQLite(t, ctx, p, "desk-queue.png")
					}
				}
			}
			// A refusal without its reason is sent back with the errors.
			open(t, ctx, p.URL, "/staff/requests/"+rect)
			if st := submitForm(t, ctx, "/staff/requests/"+rect+"/deny"); st != http.StatusUnprocessableEntity {
				t.Errorf("%s: an empty refusal answered %d, want 422", lang, st)
			}
			checkA11y(t, ctx, lang+" /staff/requests/"+rect+" with errors")
			switchLanguage(t, ctx, lang)
			wantPath(t, ctx, "/staff/requests/"+rect)
		}
	})
}

// queueOutOfView lists what the queue at desktop width leaves out of
// view: a filter control reaching past its fieldset, a row's button past
// the table's visible box (the table scrolls inside it).
const queueOutOfView = `(() => {
  const out = [];
  const fs = document.querySelector('main form.filters .fieldset').getBoundingClientRect();
  for (const c of document.querySelectorAll('main form.filters :is(select, input, button)')) {
    const r = c.getBoundingClientRect();
    if (r.left < fs.left || r.right > fs.right + 0.5) out.push('filter ' + (c.name || c.textContent.trim()) + ' at ' + Math.round(r.left) + '–' + Math.round(r.right) + ' outside ' + Math.round(fs.left) + '–' + Math.round(fs.right));
  }
  const wrap = document.querySelector('main .table-wrap');
  if (wrap) {
    const w = wrap.getBoundingClientRect();
    for (const b of wrap.querySelectorAll('tbody button')) {
      const r = b.getBoundingClientRect();
      if (r.right > w.right + 0.5) out.push('button ' + JSON.stringify(b.innerText.replace(/\s+/g, ' ')) + ' ends at ' + Math.round(r.right) + ', the table shows up to ' + Math.round(w.right));
    }
  }
  return out;
})()`
