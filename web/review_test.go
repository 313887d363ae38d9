package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
)

// The second reviewer's checks at the seams between the request areas:
// objects reached by ids that are not the visitor's, and notes that
// must stay with staff on the public side too.

// TestReviewPublicPassOpensOneRequestOnly: the session's pass for one
// public request does nothing for another, on every page and form of the
// public side (reply, cancel, knowledge check, upload).
func TestReviewPublicPassOpensOneRequestOnly(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		mine := p.client(t)
		a := filePublic(t, p, mine, "pass-holder@example.com", "My own request")
		if res := p.post(t, mine, "/requests/verify/"+a, url.Values{"code": {requestCode(t, p, "pass-holder@example.com")}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.StatusCode)
		}
		if _, body := p.get(t, mine, "/requests/status/"+a); !strings.Contains(body, "My own request") {
			t.Fatal("the pass does not open its own request: the checks below would prove nothing")
		}
		b := filePublic(t, p, p.client(t), "someone-else@example.com", "Their private details")
		// The other request's email is proven too, so a knowledge check
		// would be taken if the pass let it through.
		p.post(t, p.client(t), "/requests/verify/"+b, url.Values{"code": {requestCode(t, p, "someone-else@example.com")}})
		bID, _ := strconv.ParseInt(b, 10, 64)
		gate := "/requests/status/" + b
		for _, c := range []struct {
			method, path string
			form         url.Values
		}{
			{"GET", "/requests/check/" + b, nil},
			{"POST", "/requests/check/" + b, url.Values{"phone": {"0612345678"}, "birth_date": {"1990-01-01"}}},
			{"GET", "/requests/received/" + b, nil},
			{"POST", gate + "/reply", url.Values{"body": {"hijack"}}},
			{"POST", gate + "/cancel", url.Values{"confirm": {"yes"}}},
			{"GET", gate + "/document", nil},
			{"GET", gate + "/permission", nil},
		} {
			var res *http.Response
			var body string
			if c.method == "GET" {
				res, body = p.get(t, mine, c.path)
			} else {
				res = p.post(t, mine, c.path, c.form)
			}
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != gate || strings.Contains(body, "Their private details") {
				t.Errorf("%s %s with another request's pass: %d to %q", c.method, c.path, res.StatusCode, res.Header.Get("Location"))
			}
		}
		if res, _ := p.uploadDoc(t, mine, gate+"/document", "id.jpg", "image/jpeg", docJPEG(t)); res.StatusCode != http.StatusSeeOther ||
			res.Header.Get("Location") != gate {
			t.Errorf("upload with another request's pass: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if _, body := p.get(t, mine, gate); strings.Contains(body, "Their private details") {
			t.Error("the status page opened with another request's pass")
		}
		var r models.PrivacyRequest
		p.DB().Take(&r, bID)
		var msgs, docs, checks int64
		p.DB().Model(&models.RequestMessage{}).Where("request_id = ?", bID).Count(&msgs)
		p.DB().Model(&models.RequestDocument{}).Where("request_id = ?", bID).Count(&docs)
		p.DB().Model(&models.AuditEntry{}).Where("action = ? AND target_id = ?", "request.knowledge_checked", b).Count(&checks)
		if r.Status != models.StatusAwaitingVerification || msgs != 0 || docs != 0 || checks != 0 {
			t.Errorf("the other request changed: %s, %d messages, %d documents, %d checks", r.Status, msgs, docs, checks)
		}
	})
}

// TestReviewRestrictionLiftThroughAnotherCustomer: a restriction's id
// under another customer's address is not found and nothing is
// announced; under its own customer it is.
func TestReviewRestrictionLiftThroughAnotherCustomer(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		victim := otherCustomer(t, p)
		me := demoUser(t, p, "customer")
		rs := models.Restriction{UserID: victim.ID, Category: "photos", Ground: "request", PlacedAt: time.Now().UTC()}
		if err := p.DB().Create(&rs).Error; err != nil {
			t.Fatal(err)
		}
		c := p.signedIn(t, "staff")
		tail := "/restrictions/" + strconv.FormatInt(rs.ID, 10) + "/lift"
		swapped := "/staff/customers/" + strconv.FormatInt(me.ID, 10) + tail
		if res := p.post(t, c, swapped, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("lift through another customer: %d", res.StatusCode)
		}
		p.DB().Take(&rs, rs.ID)
		if rs.LiftNoticeAt != nil {
			t.Fatal("announced through another customer's address")
		}
		if res := p.post(t, c, "/staff/customers/"+strconv.FormatInt(victim.ID, 10)+tail, nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("lift: %d", res.StatusCode)
		}
		p.DB().Take(&rs, rs.ID)
		if rs.LiftNoticeAt == nil {
			t.Error("the lifting was not announced")
		}
	})
}

// TestReviewNotesStayOffThePublicSide: a note on a public request shows
// on neither the status page nor any mail, while the staff message does.
func TestReviewNotesStayOffThePublicSide(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	anon := p.client(t)
	const email = "public-notes@example.com"
	id := filePublic(t, p, anon, email, "Restrict my photos")
	if res := p.post(t, anon, "/requests/verify/"+id, url.Values{"code": {requestCode(t, p, email)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	rid, _ := strconv.ParseInt(id, 10, 64)
	staff := p.signedIn(t, "staff")
	const secret = "INTERNAL-NOTE-looks-like-a-test-account"
	if res := p.post(t, staff, deskPath(rid, "note"), url.Values{"note_body": {secret}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("note: %d", res.StatusCode)
	}
	if res := p.post(t, staff, deskPath(rid, "message"), url.Values{"message_body": {"We have your request."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("message: %d", res.StatusCode)
	}
	if res := p.post(t, staff, deskPath(rid, "deny"), url.Values{"deny_code": {"no_match"}, "deny_text": {"We hold no data for this address."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("deny: %d", res.StatusCode)
	}
	if _, body := p.get(t, staff, deskPath(rid, "")); !strings.Contains(body, secret) {
		t.Fatal("the note is not on the staff page: the checks below would prove nothing")
	}
	res, body := p.get(t, anon, "/requests/status/"+id)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "We have your request.") {
		t.Fatalf("the status page with the pass: %d, or the staff message missing", res.StatusCode)
	}
	if strings.Contains(body, secret) {
		t.Error("the public status page shows the internal note")
	}
	var mails []models.OutboxMessage
	p.DB().Find(&mails)
	for _, m := range mails {
		if strings.Contains(m.Subject+m.TextBody+m.HTMLBody, secret) {
			t.Errorf("mail %q to %s carries the note", m.Template, m.ToAddress)
		}
	}
}

// TestReviewApprovalRefusedByAChangedValue: approving a rectification
// whose value changed since filing is refused on the request's page,
// saying why, and nothing is applied.
func TestReviewApprovalRefusedByAChangedValue(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	u := demoUser(t, p, "customer")
	// The demo's own open rectification would make this one a duplicate.
	p.DB().Model(&models.PrivacyRequest{}).Where("user_id = ? AND kind = ?", u.ID, models.RequestRectification).
		Update("status", models.StatusCompleted)
	r, err := p.Requests().FileAsCustomer(t.Context(), actor.Actor{Kind: actor.Customer, UserID: u.ID}, u.ID,
		requests.Filing{Kind: models.RequestRectification, Corrections: []models.RequestCorrection{
			{Category: "profile", Field: "birth_date", ProposedValue: "1991-02-03", Reason: "typo"}}})
	if err != nil {
		t.Fatal(err)
	}
	// The customer changes it themselves meanwhile.
	p.DB().Model(&models.Profile{}).Where("user_id = ?", u.ID).Update("birth_date", "1980-01-01")
	staff := p.signedIn(t, "staff")
	res, body := p.postBody(t, staff, deskPath(r.ID, "approve"), url.Values{}, nil)
	if res.StatusCode != http.StatusConflict || !strings.Contains(body, "This value has changed since the request was filed") ||
		!strings.Contains(body, `action="/staff/requests/`+strconv.FormatInt(r.ID, 10)+`/approve"`) {
		t.Errorf("approval of a changed value: %d, reason or page missing", res.StatusCode)
	}
	if st := requestStatus(t, p, r.ID); st != models.StatusInReview {
		t.Errorf("status %s after the refusal", st)
	}
	var prof models.Profile
	p.DB().Where("user_id = ?", u.ID).Take(&prof)
	if prof.BirthDate != "1980-01-01" {
		t.Errorf("birth date %q: something was applied", prof.BirthDate)
	}
}

// TestReviewAgentRequestWaitsForStaff: an agent's request whose person
// passes the knowledge check waits for staff to judge the permission,
// and the page says so (not "we could not confirm your identity").
func TestReviewAgentRequestWaitsForStaff(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	customer := p.logins["customer"]
	u := userByEmail(t, p, customer.Email)
	var prof models.Profile
	if err := p.DB().Where("user_id = ?", u.ID).Take(&prof).Error; err != nil {
		t.Fatal(err)
	}
	// The demo's own open restriction would make this one a duplicate.
	p.DB().Model(&models.PrivacyRequest{}).Where("user_id = ? AND kind = ?", u.ID, models.RequestRestriction).
		Update("status", models.StatusCompleted)
	anon := p.client(t)
	res := p.post(t, anon, "/requests/new", url.Values{"name": {"Someone"}, "email": {customer.Email}, "kind": {"restriction"},
		"details": {"On behalf of my client"}, "agent_name": {"Agent Smith"}, "agent_email": {"agent@example.com"}})
	m := verifyLocation.FindStringSubmatch(res.Header.Get("Location"))
	if m == nil {
		t.Fatalf("agent filing: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	id := m[1]
	if res := p.post(t, anon, "/requests/verify/"+id, url.Values{"code": {requestCode(t, p, customer.Email)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	res = p.post(t, anon, "/requests/check/"+id, url.Values{"phone": {prof.Phone}, "birth_date": {prof.BirthDate}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requests/received/"+id {
		t.Fatalf("check: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body := p.get(t, anon, "/requests/received/"+id)
	if !strings.Contains(body, "signed permission") || strings.Contains(body, "could not confirm your identity") {
		t.Error("the received page does not say the permission is checked")
	}
	var r models.PrivacyRequest
	p.DB().Where("id = ?", id).Take(&r)
	if r.Status != models.StatusAwaitingVerification || r.UserID == nil || *r.UserID != u.ID {
		t.Errorf("agent's request after the check: %s, user %v", r.Status, r.UserID)
	}
	if _, body := p.get(t, anon, "/requests/status/"+id); !strings.Contains(body, `href="/requests/status/`+id+`/permission"`) {
		t.Error("the status page does not offer the permission upload")
	}
}

// TestReviewLookupKeepsTheQueryOutOfTheURL: the lookup form posts, so an
// email typed to find a customer is in neither the URL nor the page's
// links, and the look is audited as by the link.
func TestReviewLookupKeepsTheQueryOutOfTheURL(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	other := otherCustomer(t, p)
	staff := p.signedIn(t, "staff")
	_, form := p.get(t, staff, "/staff/customers")
	if !strings.Contains(form, `method="post" action="/staff/customers"`) {
		t.Fatal("the lookup form does not post")
	}
	res, body := p.postBody(t, staff, "/staff/customers", url.Values{"q": {other.Email}}, nil)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="/staff/customers/`+strconv.FormatInt(other.ID, 10)+`"`) {
		t.Fatalf("posted lookup: %d, link to the customer missing", res.StatusCode)
	}
	if strings.Contains(res.Request.URL.String(), "@") || strings.Contains(body, "q="+url.QueryEscape(other.Email)) {
		t.Error("the query is in a URL")
	}
	if res, _ := p.postBody(t, staff, "/staff/customers", url.Values{"q": {"x"}}, nil); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("one-character lookup: %d", res.StatusCode)
	}
	var looks int64
	p.DB().Model(&models.AuditEntry{}).Where("action = ?", "customer.looked_up").Count(&looks)
	if looks != 1 {
		t.Errorf("%d looks audited, want 1", looks)
	}
}
