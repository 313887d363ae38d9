package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
)

// requestLocation is the id in a redirect to a customer's request page.
var requestLocation = regexp.MustCompile(`^/account/requests/(\d+)$`)

// staleReauth makes the session's last confirmation older than any
// re-authentication window, as if the customer signed in long ago.
func staleReauth(t *testing.T, p *portal, c *http.Client) {
	t.Helper()
	re := regexp.MustCompile(`"auth_at":\s*\d+`)
	var rows []models.Session
	if err := p.DB().Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range rows {
		if re.MatchString(s.Data) {
			p.DB().Model(&models.Session{}).Where("id = ?", s.ID).Update("data", re.ReplaceAllString(s.Data, `"auth_at":1`))
			n++
		}
	}
	if n == 0 {
		t.Fatal("no session holds auth_at")
	}
}

func TestRequestsCustomerFiling(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	customer := p.logins["customer"]
	c := p.signedInAs(t, customer)

	res, body := p.get(t, c, "/account/requests")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="/account/requests/new"`) {
		t.Fatalf("list: %d", res.StatusCode)
	}
	if _, home := p.get(t, c, "/account"); !strings.Contains(home, `href="/account/requests"`) {
		t.Error("the home card does not link to the requests")
	}
	res, body = p.get(t, c, "/account/requests/new")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="/account/requests/new/rectification"`) {
		t.Fatalf("new: %d", res.StatusCode)
	}
	// Invalid: the form comes back with the error and what was typed.
	res, body = p.postBody(t, c, "/account/requests/new", url.Values{"kind": {"objection"}, "details": {"Stop the newsletter"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Stop the newsletter") || !strings.Contains(body, `href="#field-objection_ground"`) {
		t.Fatalf("invalid filing: %d", res.StatusCode)
	}
	res = p.post(t, c, "/account/requests/new", url.Values{"kind": {"access"}, "details": {"All of it"}})
	m := requestLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("file: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	res, body = p.get(t, c, "/account/requests/"+m[1])
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "#"+m[1]) || !strings.Contains(body, "All of it") ||
		!strings.Contains(body, `action="/account/requests/`+m[1]+`/reply"`) {
		t.Fatalf("request page: %d", res.StatusCode)
	}
	var r models.PrivacyRequest
	p.DB().Take(&r, id)
	if r.Status != models.StatusInReview || r.VerificationMethod != "session" {
		t.Fatalf("filed request: %s by %q", r.Status, r.VerificationMethod)
	}
	// A second one of the same kind is a duplicate.
	res = p.post(t, c, "/account/requests/new", url.Values{"kind": {"access"}})
	m2 := requestLocation.FindStringSubmatch(res.Header.Get("Location"))
	if m2 == nil {
		t.Fatalf("second filing: %d", res.StatusCode)
	}
	var dup models.PrivacyRequest
	p.DB().Where("id = ?", m2[1]).Take(&dup)
	if dup.Status != models.StatusDuplicate || dup.DuplicateOfID == nil || *dup.DuplicateOfID != id {
		t.Fatalf("duplicate: %+v", dup)
	}
	// Reply, then withdraw with the confirmation step.
	if res := p.post(t, c, "/account/requests/"+m[1]+"/reply", url.Values{"body": {"One more thing"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d", res.StatusCode)
	}
	res = p.post(t, c, "/account/requests/"+m[1]+"/cancel", nil)
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "cancel=confirm") {
		t.Fatalf("cancel without confirmation: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := p.get(t, c, res.Header.Get("Location")); !strings.Contains(body, `name="confirm" value="yes"`) {
		t.Fatal("no confirmation step")
	}
	p.post(t, c, "/account/requests/"+m[1]+"/cancel", url.Values{"confirm": {"yes"}})
	p.DB().Take(&r, id)
	if r.Status != models.StatusCancelled {
		t.Fatalf("after cancel: %s", r.Status)
	}
	_, body = p.get(t, c, "/account/requests/"+m[1])
	if !strings.Contains(body, "One more thing") || strings.Contains(body, `/cancel"`) {
		t.Error("the closed request's page is wrong")
	}

	// Filing needs a recent re-authentication.
	staleReauth(t, p, c)
	res, _ = p.get(t, c, "/account/requests/new")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/security/confirm") {
		t.Fatalf("stale session: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	res = p.post(t, c, "/account/requests/new", url.Values{"kind": {"erasure"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/security/confirm") {
		t.Fatalf("stale session POST: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// TestRequestsOfAnotherCustomer: a customer cannot read, cancel or reply
// to another's request: every id around it is not found.
func TestRequestsOfAnotherCustomer(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		victim := otherCustomer(t, p)
		r, err := p.Requests().FileAsCustomer(t.Context(), actor.Actor{Kind: actor.Customer, UserID: victim.ID}, victim.ID,
			requests.Filing{Kind: models.RequestErasure, Details: "victim's secret details"})
		if err != nil {
			t.Fatal(err)
		}
		filed := r.Status
		c := p.signedIn(t, "customer")
		for _, id := range []int64{r.ID - 1, r.ID, r.ID + 1} {
			path := "/account/requests/" + strconv.FormatInt(id, 10)
			if res, body := p.get(t, c, path); res.StatusCode != http.StatusNotFound || strings.Contains(body, "victim's secret") {
				t.Errorf("GET %s: %d", path, res.StatusCode)
			}
			if res := p.post(t, c, path+"/cancel", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("cancel %s: %d", path, res.StatusCode)
			}
			if res := p.post(t, c, path+"/reply", url.Values{"body": {"hijack"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("reply %s: %d", path, res.StatusCode)
			}
		}
		var got models.PrivacyRequest
		p.DB().Take(&got, r.ID)
		var msgs int64
		p.DB().Model(&models.RequestMessage{}).Where("request_id = ?", r.ID).Count(&msgs)
		if got.Status != filed || msgs != 0 {
			t.Errorf("the victim's request changed: %s, %d messages", got.Status, msgs)
		}
		if _, body := p.get(t, c, "/account/requests"); strings.Contains(body, "/account/requests/"+strconv.FormatInt(r.ID, 10)) {
			t.Error("the victim's request is listed")
		}
		// The public status page of a portal request shows nothing either.
		if _, body := p.get(t, p.client(t), "/requests/status/"+strconv.FormatInt(r.ID, 10)); strings.Contains(body, "victim's secret") {
			t.Error("the status page shows a portal request")
		}
	})
}
