package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
)

var verifyLocation = regexp.MustCompile(`^/requests/verify/(\d+)$`)

// requestCode is the newest request code mailed to to, read as the
// recipient would (the stored mail holds only the mask).
func requestCode(t *testing.T, p *portal, to string) string {
	t.Helper()
	m := lastMail(t, p, to, "request_code")
	if m == nil {
		t.Fatalf("no request code mailed to %s", to)
	}
	code := sixDigits.FindString(m.TextBody)
	if code == "" {
		t.Fatal("no code in the mail")
	}
	return code
}

// filePublic files a restriction on the public form and returns its id
// (a kind whose rule stays "knowledge" in the demo, where the studio asks
// an ID document for erasure).
func filePublic(t *testing.T, p *portal, c *http.Client, email, details string) string {
	t.Helper()
	res := p.post(t, c, "/requests/new", url.Values{"name": {"Someone"}, "email": {email}, "kind": {"restriction"}, "details": {details}})
	m := verifyLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("public filing: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	return m[1]
}

func TestPublicRequestFlow(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		customer := p.logins["customer"]
		u := userByEmail(t, p, customer.Email)
		var prof models.Profile
		if err := p.DB().Where("user_id = ?", u.ID).Take(&prof).Error; err != nil || prof.Phone == "" || prof.BirthDate == "" {
			t.Fatalf("the demo customer's profile: %v", err)
		}
		anon := p.client(t)
		if _, body := p.get(t, anon, "/signin"); !strings.Contains(body, `href="/requests/new"`) {
			t.Error("the sign-in page does not offer the public form")
		}
		if res, _ := p.get(t, anon, "/requests/new"); res.StatusCode != http.StatusOK {
			t.Fatalf("form: %d", res.StatusCode)
		}
		res, body := p.postBody(t, anon, "/requests/new", url.Values{"name": {"Someone"}, "email": {"nope"}, "kind": {"erasure"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="Someone"`) {
			t.Fatalf("invalid form: %d", res.StatusCode)
		}
		id := filePublic(t, p, anon, customer.Email, "Please erase my photos")
		code := requestCode(t, p, customer.Email)
		var stored models.OutboxMessage
		p.DB().Where("to_address = ? AND template = ?", customer.Email, "request_code").Order("id DESC").Take(&stored)
		if stored.SealedCode == "" || strings.Contains(stored.TextBody+stored.HTMLBody, code) {
			t.Fatal("the stored code mail holds the code in clear")
		}

		// Before the email is proven, the knowledge check sends to the status page.
		if res, _ := p.get(t, anon, "/requests/check/"+id); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requests/status/"+id {
			t.Fatalf("check without a pass: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		wrong := "000000"
		if code == wrong {
			wrong = "000001"
		}
		if res := p.post(t, anon, "/requests/verify/"+id, url.Values{"code": {wrong}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code: %d", res.StatusCode)
		}
		res = p.post(t, anon, "/requests/verify/"+id, url.Values{"code": {code}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requests/check/"+id {
			t.Fatalf("right code: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, body := p.get(t, anon, "/requests/check/"+id); res.StatusCode != http.StatusOK || !strings.Contains(body, `name="order_number"`) {
			t.Fatalf("check page: %d", res.StatusCode)
		}
		res, body = p.postBody(t, anon, "/requests/check/"+id, url.Values{"phone": {"0000000000"}, "birth_date": {"1900-01-01"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="0000000000"`) {
			t.Fatalf("wrong answers: %d", res.StatusCode)
		}
		res = p.post(t, anon, "/requests/check/"+id, url.Values{"phone": {prof.Phone}, "birth_date": {prof.BirthDate}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requests/received/"+id {
			t.Fatalf("right answers: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ := p.get(t, anon, "/requests/received/"+id); res.StatusCode != http.StatusOK {
			t.Fatalf("received: %d", res.StatusCode)
		}
		var r models.PrivacyRequest
		p.DB().Where("id = ?", id).Take(&r)
		if r.Status != models.StatusInReview || r.UserID == nil || *r.UserID != u.ID || r.VerificationMethod != "knowledge" ||
			r.VerificationNote != "phone, birth_date" {
			t.Fatalf("verified: %+v", r)
		}

		// The status page from another browser: nothing without a fresh code.
		other := p.client(t)
		res, body = p.get(t, other, "/requests/status/"+id)
		if res.StatusCode != http.StatusOK || strings.Contains(body, "Please erase my photos") || strings.Contains(body, customer.Email) {
			t.Fatalf("status without a pass: %d", res.StatusCode)
		}
		if res := p.post(t, other, "/requests/status/"+id+"/reply", url.Values{"body": {"sneaky"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply without a pass: %d", res.StatusCode)
		}
		// Sending a code answers the same for a number that does not exist.
		if res := p.post(t, other, "/requests/status/987654/send", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("send for an unknown number: %d", res.StatusCode)
		}
		if res := p.post(t, other, "/requests/status/"+id+"/send", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requests/status/"+id+"?sent=1" {
			t.Fatalf("send: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		status := requestCode(t, p, customer.Email)
		if res := p.post(t, other, "/requests/status/"+id+"/code", url.Values{"code": {status}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("status code: %d", res.StatusCode)
		}
		res, body = p.get(t, other, "/requests/status/"+id)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Please erase my photos") {
			t.Fatalf("status with a pass: %d", res.StatusCode)
		}
		if res := p.post(t, other, "/requests/status/"+id+"/reply", url.Values{"body": {"Any news?"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reply: %d", res.StatusCode)
		}
		p.post(t, other, "/requests/status/"+id+"/cancel", url.Values{"confirm": {"yes"}})
		r = models.PrivacyRequest{}
		p.DB().Where("id = ?", id).Take(&r)
		var msgs []models.RequestMessage
		p.DB().Where("request_id = ?", r.ID).Find(&msgs)
		if r.Status != models.StatusCancelled || len(msgs) != 1 || msgs[0].Body != "Any news?" {
			t.Fatalf("after reply and cancel: %s, %d messages", r.Status, len(msgs))
		}
		// The pass is for that request only.
		id2 := filePublic(t, p, p.client(t), "someone-else@example.com", "Another person's request")
		if _, body := p.get(t, other, "/requests/status/"+id2); strings.Contains(body, "Another person's request") {
			t.Error("a pass for one request opened another")
		}
	})
}

// TestPublicRequestClock: a code expires after its lifetime, and an
// unproven request expires after the expiry setting (injected clock).
func TestPublicRequestClock(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Now().UTC()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	p := startPortal(t, "", nil, WithClock(clock))
	c := p.client(t)
	id := filePublic(t, p, c, "late@example.com", "slow")
	code := requestCode(t, p, "late@example.com")
	advance(16 * time.Minute)
	if res := p.post(t, c, "/requests/verify/"+id, url.Values{"code": {code}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("expired code: %d", res.StatusCode)
	}
	// Proven, but its knowledge check never taken: abandoned as well. A
	// third, whose check is locked after its tries, waits for staff.
	proven := filePublic(t, p, c, "quick@example.com", "quick")
	if res := p.post(t, c, "/requests/verify/"+proven, url.Values{"code": {requestCode(t, p, "quick@example.com")}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("proof: %d", res.StatusCode)
	}
	locked := filePublic(t, p, c, "stuck@example.com", "stuck")
	if res := p.post(t, c, "/requests/verify/"+locked, url.Values{"code": {requestCode(t, p, "stuck@example.com")}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("proof: %d", res.StatusCode)
	}
	for range 3 {
		p.post(t, c, "/requests/check/"+locked, url.Values{"order_number": {"LG-0000-0000"}, "delivery_postal_code": {"00000"},
			"phone": {"0600000000"}, "declared": {"yes"}})
	}
	advance(14*24*time.Hour + time.Minute)
	n, err := p.Requests().ExpireUnverified(t.Context())
	if err != nil || n != 2 {
		t.Fatalf("expired %d: %v", n, err)
	}
	for rid, want := range map[string]models.RequestStatus{id: models.StatusExpired, proven: models.StatusExpired,
		locked: models.StatusAwaitingVerification} {
		var r models.PrivacyRequest
		p.DB().Where("id = ?", rid).Take(&r)
		if r.Status != want {
			t.Errorf("request %s: %s, want %s", rid, r.Status, want)
		}
	}
}

func userByEmail(t *testing.T, p *portal, email string) models.User {
	t.Helper()
	var u models.User
	if err := p.DB().Where("email = ?", email).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}
