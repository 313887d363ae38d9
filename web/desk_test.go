package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
)

// The desk's rows of the authorization matrix, on a request that does not
// exist: staff get 404 once the route let them in, customers 403 before.
// The forms are valid, so nothing is refused before the request is looked
// up. TestDeskRefusesCustomers does the same on a real request.
func init() {
	const missing = "/staff/requests/987654321"
	matrix["GET /staff/requests"] = matrixRow("/staff/requests?status=in_review", nil, expect{see, forbid, ok, ok})
	matrix["GET /staff/requests/{id}"] = matrixRow(missing, nil, expect{see, forbid, notFound, notFound})
	for action, form := range deskForms {
		matrix["POST /staff/requests/{id}/"+action] = matrixRow(missing+"/"+action, form, expect{see, forbid, notFound, notFound})
	}
}

func matrixRow(path string, form url.Values, want expect) struct {
	path string
	form url.Values
	want expect
} {
	return struct {
		path string
		form url.Values
		want expect
	}{path, form, want}
}

// deskForms are a valid form for each of the desk's actions.
var deskForms = map[string]url.Values{
	"verify":           {"verify_note": {"order number and postcode match"}},
	"require_document": {"doubt_reason": {"the address differs from every order"}},
	"reject_identity":  {"reject_text": {"nothing matched"}},
	"ask":              {"question": {"Which order do you mean?"}},
	"approve":          nil,
	"deny":             {"deny_code": {"other"}, "deny_text": {"we hold nothing of the kind"}},
	"extend":           {"extend_due": {time.Now().AddDate(0, 0, 50).Format(time.DateOnly)}, "extend_reason": {"many records"}},
	"mark_duplicate":   {"duplicate_of": {"1"}},
	"complete":         {"complete_note": {"done"}},
	"assign":           {"assignee": {"me"}},
	"jurisdiction":     {"jurisdiction": {"ccpa"}},
	"message":          {"message_body": {"We are on it."}},
	"note":             {"note_body": {"internal"}},
}

// deskRequest files a request of the demo customer straight into the
// database (intake is another page's business), received now.
func deskRequest(t *testing.T, p *portal, kind models.RequestKind, status models.RequestStatus, edit ...func(*models.PrivacyRequest)) models.PrivacyRequest {
	t.Helper()
	var u models.User
	if err := p.DB().Where("email = ?", p.logins["customer"].Email).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	r := models.PrivacyRequest{UserID: &u.ID, Kind: kind, Status: status, Channel: models.ChannelPortal, Jurisdiction: models.JurisdictionGDPR,
		RequesterEmail: u.Email, RequesterName: u.Name, Locale: "en", ReceivedAt: now, FirstDueAt: now.AddDate(0, 1, 0), DueAt: now.AddDate(0, 1, 0)}
	for _, e := range edit {
		e(&r)
	}
	if err := p.DB().Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	return r
}

func deskPath(id int64, action string) string {
	p := "/staff/requests/" + strconv.FormatInt(id, 10)
	if action != "" {
		p += "/" + action
	}
	return p
}

func requestStatus(t *testing.T, p *portal, id int64) models.RequestStatus {
	t.Helper()
	var r models.PrivacyRequest
	if err := p.DB().Take(&r, id).Error; err != nil {
		t.Fatal(err)
	}
	return r.Status
}

func TestDeskRefusesCustomers(t *testing.T) {
	p := startPortal(t, "", nil)
	r := deskRequest(t, p, models.RequestAccess, models.StatusAwaitingVerification)
	c := p.signedIn(t, "customer")
	for _, path := range []string{"/staff", "/staff/requests", deskPath(r.ID, "")} {
		if res, _ := p.get(t, c, path); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s as a customer: %d", path, res.StatusCode)
		}
	}
	for action, form := range deskForms {
		if res := p.post(t, c, deskPath(r.ID, action), form); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST %s as a customer: %d", action, res.StatusCode)
		}
	}
	if got := requestStatus(t, p, r.ID); got != models.StatusAwaitingVerification {
		t.Errorf("a customer's POSTs moved the request to %s", got)
	}
	var n int64
	p.DB().Model(&models.RequestNote{}).Where("request_id = ?", r.ID).Count(&n)
	if n != 0 {
		t.Errorf("a customer wrote %d notes", n)
	}
}

func TestDeskJourneyVerifyThenApprove(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		r := deskRequest(t, p, models.RequestAccess, models.StatusAwaitingVerification)
		c := p.signedIn(t, "staff")
		res, body := p.get(t, c, "/staff")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `role="img"`) {
			t.Fatalf("dashboard: %d", res.StatusCode)
		}
		res, body = p.get(t, c, "/staff/requests")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+deskPath(r.ID, "")+`"`) {
			t.Fatalf("queue: %d, the request is not listed", res.StatusCode)
		}
		res = p.post(t, c, deskPath(r.ID, "assign"), url.Values{"assignee": {"me"}, "next": {"/staff/requests"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/staff/requests" {
			t.Fatalf("assign to me: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		_, body = p.get(t, c, "/staff/requests?assignee=me")
		if !strings.Contains(body, `href="`+deskPath(r.ID, "")+`"`) || !strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.flash.assign"))) {
			t.Errorf("assigned to me: not in my queue, or no flash")
		}
		res, body = p.get(t, c, deskPath(r.ID, ""))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `action="`+deskPath(r.ID, "verify")+`"`) ||
			strings.Contains(body, `action="`+deskPath(r.ID, "approve")+`"`) {
			t.Fatalf("request page: %d, or the wrong actions offered", res.StatusCode)
		}
		res = p.post(t, c, deskPath(r.ID, "verify"), deskForms["verify"])
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != deskPath(r.ID, "") {
			t.Fatalf("verify: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		if got := requestStatus(t, p, r.ID); got != models.StatusInReview {
			t.Fatalf("after verify: %s", got)
		}
		_, body = p.get(t, c, deskPath(r.ID, ""))
		if !strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.flash.verify"))) || !strings.Contains(body, "order number and postcode match") {
			t.Error("no flash or no evidence after verifying")
		}
		if res = p.post(t, c, deskPath(r.ID, "approve"), nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.StatusCode)
		}
		if got := requestStatus(t, p, r.ID); got != models.StatusWaitingFulfilment {
			t.Errorf("an approved access request: %s", got)
		}
		// Approving again: someone acted first, said in a flash.
		res = p.post(t, c, deskPath(r.ID, "approve"), nil)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("a second approval: %d", res.StatusCode)
		}
		_, body = p.get(t, c, deskPath(r.ID, ""))
		if !strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.flash.conflict"))) {
			t.Error("the second approval was not told of the conflict")
		}
		var viewed int64
		p.DB().Model(&models.AuditEntry{}).Where("action = ? AND target_id = ?", "request.viewed", strconv.FormatInt(r.ID, 10)).Count(&viewed)
		if viewed < 3 {
			t.Errorf("%d views audited", viewed)
		}
	})
}

func TestDeskFormErrorsBesideTheFields(t *testing.T) {
	p := startPortal(t, "", nil)
	c := p.signedIn(t, "staff")
	r := deskRequest(t, p, models.RequestErasure, models.StatusInReview)
	res, body := p.postBody(t, c, deskPath(r.ID, "deny"), url.Values{"deny_code": {""}, "deny_text": {""}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("deny without code or text: %d", res.StatusCode)
	}
	for _, id := range []string{"desk.error.code_required", "desk.error.text_required"} {
		if !strings.Contains(body, html.EscapeString(i18n.Tl("en", id))) {
			t.Errorf("missing the message %s", id)
		}
	}
	res, body = p.postBody(t, c, deskPath(r.ID, "deny"), url.Values{"deny_code": {"no_match"}, "deny_text": {" "}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `<option value="no_match" selected`) ||
		strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.error.code_required"))) {
		t.Errorf("deny with a code only: %d, the code not kept or refused", res.StatusCode)
	}
	if got := requestStatus(t, p, r.ID); got != models.StatusInReview {
		t.Fatalf("a refused denial moved the request to %s", got)
	}

	late := deskRequest(t, p, models.RequestAccess, models.StatusInReview, func(r *models.PrivacyRequest) {
		r.ReceivedAt = time.Now().AddDate(0, -2, 0)
		r.FirstDueAt, r.DueAt = r.ReceivedAt.AddDate(0, 1, 0), r.ReceivedAt.AddDate(0, 1, 0)
	})
	res, body = p.postBody(t, c, deskPath(late.ID, "extend"), deskForms["extend"], nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.Tl("en", "request.error.extend_too_late"))) ||
		!strings.Contains(body, "many records") {
		t.Errorf("an extension after the due date: %d", res.StatusCode)
	}
	res, body = p.postBody(t, c, deskPath(r.ID, "extend"), url.Values{"extend_due": {"soon"}, "extend_reason": {"x"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.error.date"))) {
		t.Errorf("an extension to no date: %d", res.StatusCode)
	}
	if res = p.post(t, c, deskPath(r.ID, "extend"), deskForms["extend"]); res.StatusCode != http.StatusSeeOther {
		t.Errorf("an extension in time: %d", res.StatusCode)
	}
	res, body = p.postBody(t, c, deskPath(r.ID, "mark_duplicate"), url.Values{"duplicate_of": {"#" + strconv.FormatInt(late.ID+1000, 10)}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.error.duplicate_of"))) {
		t.Errorf("a duplicate of nothing: %d", res.StatusCode)
	}

	for action, field := range map[string]string{"message": "message_body", "note": "note_body"} {
		res, body = p.postBody(t, c, deskPath(r.ID, action), url.Values{field: {"  "}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.error.body_required"))) ||
			!strings.Contains(body, `href="#field-`+field+`"`) {
			t.Errorf("an empty %s: %d", action, res.StatusCode)
		}
	}

	for _, path := range []string{"/staff/requests/987654321", "/staff/requests/abc", "/staff/requests/0", "/staff/requests/-3"} {
		if res, _ := p.get(t, c, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, res.StatusCode)
		}
	}
	if res := p.post(t, c, "/staff/requests/987654321/verify", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("verify an unknown request: %d", res.StatusCode)
	}
	if res, _ := p.get(t, c, "/staff/requests?status=bogus&due=forever"); res.StatusCode != http.StatusOK {
		t.Errorf("a junk filter: %d", res.StatusCode)
	}
}

// TestDeskJurisdiction: staff override a request's jurisdiction from its
// page and the deadline is counted again; a bad value is said beside the
// field (422), an extended request offers no form and refuses the POST,
// a customer gets 403.
func TestDeskJurisdiction(t *testing.T) {
	p := startPortal(t, "", nil)
	staff := p.signedIn(t, "staff")
	r := deskRequest(t, p, models.RequestAccess, models.StatusInReview)
	form := `action="` + deskPath(r.ID, "jurisdiction") + `"`
	res, body := p.get(t, staff, deskPath(r.ID, ""))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, form) || !strings.Contains(body, `<option value="gdpr" selected`) ||
		!strings.Contains(body, html.EscapeString(i18n.Tl("en", "request.jurisdiction.gdpr"))) {
		t.Fatalf("request page: %d, no jurisdiction form with GDPR chosen", res.StatusCode)
	}

	if res := p.post(t, p.signedIn(t, "customer"), deskPath(r.ID, "jurisdiction"), deskForms["jurisdiction"]); res.StatusCode != http.StatusForbidden {
		t.Errorf("a customer: %d, want 403", res.StatusCode)
	}
	res, body = p.postBody(t, staff, deskPath(r.ID, "jurisdiction"), url.Values{"jurisdiction": {"lgpd"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.error.jurisdiction"))) ||
		!strings.Contains(body, `href="#field-jurisdiction"`) {
		t.Errorf("an unknown jurisdiction: %d, or the error is not beside the field", res.StatusCode)
	}

	res = p.post(t, staff, deskPath(r.ID, "jurisdiction"), deskForms["jurisdiction"])
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != deskPath(r.ID, "") {
		t.Fatalf("set CCPA: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	var got models.PrivacyRequest
	if err := p.DB().Take(&got, r.ID).Error; err != nil {
		t.Fatal(err)
	}
	if want := requests.FirstDue(models.JurisdictionCCPA, r.ReceivedAt); got.Jurisdiction != models.JurisdictionCCPA ||
		!got.FirstDueAt.Equal(want) || !got.DueAt.Equal(want) {
		t.Errorf("after the change: %s due %v, want ccpa %v", got.Jurisdiction, got.DueAt, want)
	}
	_, body = p.get(t, staff, deskPath(r.ID, ""))
	if !strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.flash.jurisdiction"))) || !strings.Contains(body, `<option value="ccpa" selected`) {
		t.Error("no flash, or CCPA not chosen after the change")
	}

	ext := deskRequest(t, p, models.RequestAccess, models.StatusInReview, func(r *models.PrivacyRequest) {
		at := time.Now().UTC()
		r.ExtendedAt, r.ExtensionReason = &at, "many records"
	})
	if _, body := p.get(t, staff, deskPath(ext.ID, "")); strings.Contains(body, `action="`+deskPath(ext.ID, "jurisdiction")+`"`) {
		t.Error("an extended request offers the jurisdiction form")
	}
	res, body = p.postBody(t, staff, deskPath(ext.ID, "jurisdiction"), deskForms["jurisdiction"], nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.Tl("en", "desk.error.jurisdiction_extended"))) {
		t.Errorf("an extended request: %d", res.StatusCode)
	}
}

// TestDeskNotesNeverReachTheCustomer: an internal note is on the staff
// page only: not on the customer's pages about the request, not in mail.
func TestDeskNotesNeverReachTheCustomer(t *testing.T) {
	p := startPortal(t, "", nil)
	staff := p.signedIn(t, "staff")
	r := deskRequest(t, p, models.RequestErasure, models.StatusInReview)
	const secret = "INTERNAL-NOTE-owes-us-money"
	if res := p.post(t, staff, deskPath(r.ID, "note"), url.Values{"note_body": {secret}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("note: %d", res.StatusCode)
	}
	if res := p.post(t, staff, deskPath(r.ID, "message"), url.Values{"message_body": {"We are on it."}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("message: %d", res.StatusCode)
	}
	for _, action := range []string{"extend", "approve"} {
		if res := p.post(t, staff, deskPath(r.ID, action), deskForms[action]); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d", action, res.StatusCode)
		}
	}
	if _, body := p.get(t, staff, deskPath(r.ID, "")); !strings.Contains(body, secret) {
		t.Fatal("the note is not on the staff page: the checks below would prove nothing")
	}
	var mails []models.OutboxMessage
	p.DB().Find(&mails)
	if len(mails) == 0 {
		t.Fatal("no mail was queued")
	}
	for _, m := range mails {
		if strings.Contains(m.Subject+m.TextBody+m.HTMLBody, secret) {
			t.Errorf("mail %q carries the note", m.Template)
		}
	}
	c := p.signedIn(t, "customer")
	res, body := p.get(t, c, "/account/requests/"+strconv.FormatInt(r.ID, 10))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the customer's request page: %d", res.StatusCode)
	}
	if strings.Contains(body, secret) {
		t.Error("the customer's request page shows the internal note")
	}
	if !strings.Contains(body, "We are on it.") {
		t.Error("the customer's page lacks the staff message: is it the request's page?")
	}
	if _, list := p.get(t, c, "/account/requests"); strings.Contains(list, secret) {
		t.Error("the customer's request list shows the internal note")
	}
}
