package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/models"
)

// TestServiceErrorsAnswerTheirStatus: a missing object behind a service
// answers the designed 404, never a 500, on every kind of route.
func TestServiceErrorsAnswerTheirStatus(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	admin := p.signedIn(t, "admin")
	customer := p.signedIn(t, "customer")
	cases := []struct {
		name   string
		c      *http.Client
		method string
		path   string
		want   int
	}{
		{"missing outbox message", admin, "GET", "/admin/outbox/999999", notFound},
		{"missing dead job", admin, "POST", "/admin/jobs/999999/retry", notFound},
		{"another customer's session", customer, "POST", "/security/sessions/999999/revoke", notFound},
		{"missing photo", customer, "GET", "/account/data/photos/999999/file", notFound},
	}
	for _, c := range cases {
		var res *http.Response
		var body string
		if c.method == "GET" {
			res, body = p.get(t, c.c, c.path)
		} else {
			res, body = p.postBody(t, c.c, c.path, url.Values{}, nil)
		}
		if res.StatusCode != c.want {
			t.Errorf("%s: %s %s = %d, want %d", c.name, c.method, c.path, res.StatusCode, c.want)
			continue
		}
		if !strings.Contains(body, `class="error-page"`) || !strings.Contains(body, "404") {
			t.Errorf("%s: not the designed 404 page", c.name)
		}
	}
}

// TestEmailChangeAnswerIsTheSameForATakenAddress: asking to move an
// account to an address that already has one answers exactly like a free
// address; only the owner of that address learns of it, by mail, and no
// code that could complete the change exists.
func TestEmailChangeAnswerIsTheSameForATakenAddress(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	var taken string
	for _, l := range p.all {
		if l.Role == "customer" && l.Email != p.logins["customer"].Email {
			taken = l.Email
			break
		}
	}
	free := "free.address@example.com"
	answer := func(addr string) (int, string, string) {
		c := p.signedIn(t, "customer")
		res := p.post(t, c, "/security/email", url.Values{"email": {addr}})
		_, page := p.get(t, c, "/security/email/confirm")
		// The page names the address typed; everything else must match.
		return res.StatusCode, res.Header.Get("Location"), strings.ReplaceAll(page, addr, "ADDRESS")
	}
	freeStatus, freeLoc, freePage := answer(free)
	takenStatus, takenLoc, takenPage := answer(taken)
	// The request only queues the work; what is mailed is decided by the job.
	var queued int64
	p.DB().Model(&models.Job{}).Where("kind = ?", "account.email_change").Count(&queued)
	if queued != 2 {
		t.Fatalf("%d email-change jobs queued, want one per request", queued)
	}
	runJobs(t, p)
	if freeStatus != see || takenStatus != freeStatus || takenLoc != freeLoc {
		t.Fatalf("free → %d %q, taken → %d %q: the answers differ", freeStatus, freeLoc, takenStatus, takenLoc)
	}
	if freePage != takenPage {
		t.Fatal("the confirmation page differs between a free and a taken address")
	}
	if lastMail(t, p, free, "email_change_code") == nil {
		t.Fatal("no code sent to the free address")
	}
	if lastMail(t, p, taken, "email_change_code") != nil {
		t.Fatal("a code was sent to an address that already has an account")
	}
	if lastMail(t, p, taken, "email_change_taken") == nil {
		t.Fatal("the owner of the taken address was not told")
	}
	var codes int64
	p.DB().Model(&models.EmailCode{}).Where("email = ?", taken).Count(&codes)
	if codes != 0 {
		t.Fatalf("%d codes issued for the taken address", codes)
	}
}
