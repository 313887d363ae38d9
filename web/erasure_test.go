package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// The cool-off's rows of the authorization matrix: on a request nobody
// has, the customer's buttons answer 404; they are nobody else's.
func init() {
	const none = "987654321"
	for _, act := range []string{"cancel", "waive"} {
		path := "/account/requests/" + none + "/erasure/" + act
		matrix["POST /account/requests/{id}/erasure/"+act] = matrixRow(path, url.Values{"confirm": {"yes"}}, expect{see, notFound, forbid, forbid})
	}
	matrix["POST /staff/requests/{id}/erasure/cancel"] = matrixRow("/staff/requests/"+none+"/erasure/cancel", nil, expect{see, forbid, notFound, notFound})
}

// fileErasure files an erasure as the client's customer and has staff
// approve it, returning the request's id.
func fileErasure(t *testing.T, p *portal, c, staff *http.Client) int64 {
	t.Helper()
	res := p.post(t, c, "/account/requests/new", url.Values{"kind": {"erasure"}})
	m := requestLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("file: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	var r models.PrivacyRequest
	p.DB().Take(&r, id)
	if r.Status == models.StatusAwaitingVerification {
		if res := p.post(t, staff, deskPath(id, "verify"), nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("verify: %d", res.StatusCode)
		}
	}
	if res := p.post(t, staff, deskPath(id, "approve"), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	return id
}

// TestErasureCoolOffPages: "Close my account" on Your data and Security
// leads to the erasure form; once approved, the request's page gives the
// date with cancel and "erase now" behind a confirmation, the desk shows
// the erasure, and another customer can touch none of it.
func TestErasureCoolOffPages(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	c := p.signedIn(t, "customer")
	staff := p.signedIn(t, "staff")
	me := demoUser(t, p, "customer")
	tr := func(id string) string { return i18n.Tl(me.Locale, id) }
	for _, path := range []string{"/account/data", "/security"} {
		if _, body := p.get(t, c, path); !strings.Contains(body, `href="`+strings.ReplaceAll(views.CloseAccountURL, "&", "&amp;")+`"`) {
			t.Errorf("%s does not offer closing the account", path)
		}
	}
	if _, body := p.get(t, staff, "/security"); strings.Contains(body, views.CloseAccountURL) {
		t.Error("staff are offered closing their account")
	}

	id := fileErasure(t, p, c, staff)
	page := "/account/requests/" + strconv.FormatInt(id, 10)
	res, body := p.get(t, c, page)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, tr("erasure.panel.scheduled")) ||
		!strings.Contains(body, `href="`+page+`?stop=confirm#erasure"`) || !strings.Contains(body, `href="`+page+`?waive=confirm#erasure"`) {
		t.Fatalf("request page after approval: %d\n%s", res.StatusCode, body)
	}
	if _, body := p.get(t, staff, "/staff/requests/"+strconv.FormatInt(id, 10)); !strings.Contains(body, `id="desk-erasure"`) ||
		!strings.Contains(body, i18n.Tl("en", "erasure.status.cooling_off")) {
		t.Error("the desk does not show the erasure in its cool-off")
	}

	// Another customer: not found, and nothing changes.
	other := otherCustomer(t, p)
	oc := p.client(t)
	signInByCode(t, p, oc, other.Email)
	for _, act := range []string{"cancel", "waive"} {
		if res := p.post(t, oc, page+"/erasure/"+act, url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s by another customer: %d", act, res.StatusCode)
		}
	}

	// Without the confirmation, a button only shows the confirmation.
	if res := p.post(t, c, page+"/erasure/cancel", nil); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != page+"?stop=confirm#erasure" {
		t.Errorf("unconfirmed cancel: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := p.get(t, c, page+"?stop=confirm"); !strings.Contains(body, `action="`+page+`/erasure/cancel"`) ||
		!strings.Contains(body, tr("erasure.panel.cancel_confirm")) {
		t.Error("no cancel confirmation")
	}
	var e models.Erasure
	p.DB().Where("request_id = ?", id).Take(&e)
	if e.Status != models.ErasureCoolingOff {
		t.Fatalf("an unconfirmed click changed the erasure: %s", e.Status)
	}
	if res := p.post(t, c, page+"/erasure/cancel", url.Values{"confirm": {"yes"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page {
		t.Fatalf("cancel: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	p.DB().Where("request_id = ?", id).Take(&e)
	var r models.PrivacyRequest
	p.DB().Take(&r, id)
	if e.Status != models.ErasureCancelled || r.Status != models.StatusCancelled {
		t.Errorf("after cancel: erasure %s, request %s", e.Status, r.Status)
	}
	if _, body := p.get(t, c, page); strings.Contains(body, `/erasure/cancel"`) || !strings.Contains(body, tr("erasure.flash.cancelled")) {
		t.Error("a cancelled erasure still offers its buttons, or no flash")
	}
	// Once over, the buttons are refused with a message, not an error page.
	res = p.post(t, c, page+"/erasure/waive", url.Values{"confirm": {"yes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("waive after cancel: %d", res.StatusCode)
	}
	if _, body := p.get(t, c, page); !strings.Contains(body, tr("erasure.error.started")) {
		t.Error("no message for a refused waive")
	}
}

// TestDeskStopsAnErasure: staff stop an erasure in its cool-off on the
// requester's word; they cannot complete one the engine carries out; a
// customer cannot reach the staff's button.
func TestDeskStopsAnErasure(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	c := p.signedIn(t, "customer")
	staff := p.signedIn(t, "staff")
	id := fileErasure(t, p, c, staff)
	desk := "/staff/requests/" + strconv.FormatInt(id, 10)
	_, body := p.get(t, staff, desk)
	if !strings.Contains(body, `action="`+desk+`/erasure/cancel"`) || strings.Contains(body, `action="`+desk+`/complete"`) {
		t.Fatal("the desk offers no stop, or offers completing an erasure the engine carries out")
	}
	if res := p.post(t, staff, desk+"/complete", nil); res.StatusCode == http.StatusSeeOther {
		var r models.PrivacyRequest
		p.DB().Take(&r, id)
		if r.Status == models.StatusCompleted {
			t.Fatal("staff completed an erasure in its cool-off")
		}
	}
	if res := p.post(t, c, desk+"/erasure/cancel", nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a customer on the staff's stop: %d", res.StatusCode)
	}
	if res := p.post(t, staff, desk+"/erasure/cancel", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != desk {
		t.Fatalf("stop: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	var e models.Erasure
	var r models.PrivacyRequest
	p.DB().Where("request_id = ?", id).Take(&e)
	p.DB().Take(&r, id)
	if e.Status != models.ErasureCancelled || r.Status != models.StatusCancelled {
		t.Errorf("after the stop: erasure %s, request %s", e.Status, r.Status)
	}
	if res := p.post(t, staff, "/staff/requests/987654321/erasure/cancel", nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("stop on a request nobody has: %d", res.StatusCode)
	}
}

// TestDemoShowsErasure: the demo holds an erasure in its cool-off near
// its deadline (with a hold) and one already run by the engine: the
// account gone, its invoices retained, its report in the outbox, the
// print system's task open for staff.
func TestDemoShowsErasure(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	var es []models.Erasure
	p.DB().Order("id").Find(&es)
	if len(es) != 2 {
		t.Fatalf("%d demo erasures, want 2", len(es))
	}
	cooling, done := es[0], es[1]
	var r models.PrivacyRequest
	p.DB().Take(&r, *cooling.RequestID)
	if cooling.Status != models.ErasureCoolingOff || !cooling.CoolOffUntil.Equal(r.DueAt.Add(-24*time.Hour)) ||
		models.DaysLeft(r.DueAt, time.Now()) > 7 {
		t.Errorf("the cooling erasure: %s until %s, due %s", cooling.Status, cooling.CoolOffUntil, r.DueAt)
	}
	var holds int64
	p.DB().Model(&models.LegalHold{}).Where("user_id = ? AND released_at IS NULL", *cooling.UserID).Count(&holds)
	if holds != 1 {
		t.Errorf("the cooling erasure's customer has %d holds, want 1", holds)
	}
	var users, invoices, reports, tasks int64
	p.DB().Model(&models.User{}).Where("email = ?", "hanna.berg@example.com").Count(&users)
	p.DB().Model(&models.RetainedInvoice{}).Where("erasure_id = ?", done.ID).Count(&invoices)
	p.DB().Model(&models.OutboxMessage{}).Where("id = ? AND template = ?", done.ReportMailID, "erasure_report").Count(&reports)
	p.DB().Model(&models.SystemTask{}).Where("erasure_id = ? AND status = ?", done.ID, models.TaskPending).Count(&tasks)
	if done.Status != models.ErasureWaiting || users != 0 || invoices != 4 || reports != 1 || tasks != 1 {
		t.Errorf("the run erasure: %s, %d accounts, %d invoices, %d reports, %d open tasks", done.Status, users, invoices, reports, tasks)
	}
}
