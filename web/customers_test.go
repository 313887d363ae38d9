package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
)

func demoUser(t *testing.T, p *portal, role string) models.User {
	t.Helper()
	var u models.User
	if err := p.DB().Where("email = ?", p.logins[role].Email).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func TestStaffCustomerPagesAreStaffOnly(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	me := demoUser(t, p, "customer")
	c := p.signedIn(t, "customer")
	id := strconv.FormatInt(me.ID, 10)
	var before int64
	p.DB().Model(&models.LegalHold{}).Count(&before) // the demo shop may hold some already
	for _, path := range []string{"/staff/customers", "/staff/customers?q=" + url.QueryEscape(me.Email), "/staff/customers/" + id} {
		if res, _ := p.get(t, c, path); res.StatusCode != http.StatusForbidden {
			t.Errorf("customer GET %s: %d, want 403", path, res.StatusCode)
		}
	}
	if res := p.post(t, c, "/staff/customers/"+id+"/holds", url.Values{"categories": {"orders"}, "reason": {"mine"}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("customer placed a hold: %d", res.StatusCode)
	}
	var n int64
	p.DB().Model(&models.LegalHold{}).Count(&n)
	if n != before {
		t.Errorf("%d holds after a customer's attempt, %d before", n, before)
	}
}

func TestCustomerLookupIsAudited(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	other := otherCustomer(t, p)
	staff := p.signedIn(t, "staff")
	res, body := p.get(t, staff, "/staff/customers?q="+url.QueryEscape(other.Email))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `href="/staff/customers/`+strconv.FormatInt(other.ID, 10)+`"`) {
		t.Fatalf("lookup by email: %d, link to the customer missing", res.StatusCode)
	}
	var order models.Order
	p.DB().Where("user_id = ?", other.ID).Take(&order)
	if _, body := p.get(t, staff, "/staff/customers?q="+url.QueryEscape(order.Number)); !strings.Contains(body, html.EscapeString(other.Email)) {
		t.Error("lookup by order number did not find its customer")
	}
	if res, body := p.get(t, staff, "/staff/customers?q=x"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "at least two characters") {
		t.Errorf("one-character lookup: %d", res.StatusCode)
	}
	if res, _ := p.get(t, staff, "/staff/customers"); res.StatusCode != http.StatusOK {
		t.Errorf("the empty form: %d", res.StatusCode)
	}
	var looks []models.AuditEntry
	p.DB().Where("action = ?", "customer.looked_up").Find(&looks)
	if len(looks) != 2 {
		t.Errorf("%d looks audited, want 2 (neither the empty form nor a refused query looks at anyone)", len(looks))
	}
	for _, l := range looks {
		if strings.Contains(l.Details, other.Email) || strings.Contains(l.Details, order.Number) || strings.Contains(l.Details, "@") {
			t.Errorf("the query is in the audit log: %s", l.Details)
		}
	}
	if res, _ := p.get(t, staff, "/staff/customers/"+strconv.FormatInt(other.ID, 10)); res.StatusCode != http.StatusOK {
		t.Errorf("customer page: %d", res.StatusCode)
	}
	var viewed int64
	p.DB().Model(&models.AuditEntry{}).Where("action = ? AND target_id = ?", "customer.viewed", strconv.FormatInt(other.ID, 10)).Count(&viewed)
	if viewed != 1 {
		t.Errorf("%d views audited", viewed)
	}
}

func TestCustomerPageOfNobodyIsNotFound(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	staffUser := demoUser(t, p, "staff")
	var last models.User
	p.DB().Order("id DESC").Take(&last)
	c := p.signedIn(t, "admin")
	for _, id := range []string{strconv.FormatInt(last.ID+1, 10), strconv.FormatInt(staffUser.ID, 10), "0", "-3", "abc"} {
		for _, path := range []string{"/staff/customers/" + id} {
			if res, _ := p.get(t, c, path); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
			}
		}
		res := p.post(t, c, "/staff/customers/"+id+"/holds", url.Values{"categories": {"orders"}, "reason": {"debt"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("hold on %s: %d, want 404", id, res.StatusCode)
		}
	}
}

func TestLegalHoldPlaceAndRelease(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		customer := otherCustomer(t, p)
		me := demoUser(t, p, "customer")
		base := "/staff/customers/" + strconv.FormatInt(customer.ID, 10)
		c := p.signedIn(t, "staff")
		// The demo shop may already hold some of this customer's data.
		var seeded models.LegalHold
		p.DB().Order("id DESC").Limit(1).Find(&seeded)
		p.DB().Model(&models.LegalHold{}).Where("user_id = ?", customer.ID).Update("released_at", time.Now())
		audited := func(action string) int64 {
			var n int64
			p.DB().Model(&models.AuditEntry{}).Where("action = ?", action).Count(&n)
			return n
		}
		placedBefore, releasedBefore := audited("hold.placed"), audited("hold.released")

		res, body := p.postBody(t, c, base+"/holds", url.Values{"reason": {"Unsettled debt"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose at least one category") ||
			!strings.Contains(body, "Unsettled debt") {
			t.Errorf("no category: %d, error or input missing", res.StatusCode)
		}
		res, body = p.postBody(t, c, base+"/holds", url.Values{"categories": {"orders", "payments"}, "reason": {" "}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Give the reason") ||
			!strings.Contains(body, `value="orders" checked`) {
			t.Errorf("no reason: %d, error or kept choice missing", res.StatusCode)
		}
		res = p.post(t, c, base+"/holds", url.Values{"categories": {"orders", "payments"}, "reason": {"Unsettled debt"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("place: %d", res.StatusCode)
		}
		var hold models.LegalHold
		if err := p.DB().Where("user_id = ? AND id > ?", customer.ID, seeded.ID).Take(&hold).Error; err != nil || hold.Categories != "orders,payments" {
			t.Fatalf("hold = %+v, %v", hold, err)
		}
		erase, keep, _ := p.Requests().ErasurePlan(t.Context(), customer.ID)
		if strings.Join(keep, ",") != "orders,payments" || strings.Contains(strings.Join(erase, ","), "orders") {
			t.Errorf("plan: erase %v keep %v", erase, keep)
		}
		if _, body := p.get(t, c, base); !strings.Contains(body, "Unsettled debt") {
			t.Error("the hold is not on the customer page")
		}
		release := base + "/holds/" + strconv.FormatInt(hold.ID, 10) + "/release"
		if res := p.post(t, c, release, url.Values{"reason": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("release without a reason: %d", res.StatusCode)
		}
		// The same hold under another customer's address is not found.
		swapped := "/staff/customers/" + strconv.FormatInt(me.ID, 10) + "/holds/" + strconv.FormatInt(hold.ID, 10) + "/release"
		if res := p.post(t, c, swapped, url.Values{"reason": {"paid"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("release through another customer: %d", res.StatusCode)
		}
		if res := p.post(t, c, release, url.Values{"reason": {"Debt paid"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("release: %d", res.StatusCode)
		}
		p.DB().Take(&hold, hold.ID)
		if hold.ReleasedAt == nil || hold.ReleaseReason != "Debt paid" {
			t.Errorf("after release: %+v", hold)
		}
		if audited("hold.placed") != placedBefore+1 || audited("hold.released") != releasedBefore+1 {
			t.Error("placing and releasing are not audited once each")
		}
	})
}

func TestRectificationForm(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	me := demoUser(t, p, "customer")
	other := otherCustomer(t, p)
	c := p.signedIn(t, "customer")
	var profile models.Profile
	p.DB().Where("user_id = ?", me.ID).Take(&profile)

	_, body := p.get(t, c, "/account/data/profile")
	if !strings.Contains(body, `href="/account/requests/new/rectification?category=profile&amp;field=phone"`) {
		t.Error("the profile page has no \"something is wrong\" link for the phone")
	}
	res, body := p.get(t, c, "/account/requests/new/rectification?category=profile&field=phone")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `name="proposed"`) || !strings.Contains(body, `value="`+profile.Phone+`"`) {
		t.Errorf("prefilled form: %d, current value or input missing", res.StatusCode)
	}
	if res, body := p.get(t, c, "/account/requests/new/rectification"); res.StatusCode != http.StatusOK || !strings.Contains(body, `value="profile:last_name"`) {
		t.Errorf("the first step: %d", res.StatusCode)
	}
	var theirs models.ContactMessage
	if err := p.DB().Where("user_id = ?", other.ID).Take(&theirs).Error; err == nil {
		path := "/account/requests/new/rectification?category=contact&field=body&record=" + strconv.FormatInt(theirs.ID, 10)
		if res, _ := p.get(t, c, path); res.StatusCode != http.StatusNotFound {
			t.Errorf("another customer's message: %d, want 404", res.StatusCode)
		}
		res := p.post(t, c, "/account/requests/new/rectification", url.Values{"category": {"contact"}, "field": {"body"},
			"record": {strconv.FormatInt(theirs.ID, 10)}, "proposed": {"mine now"}})
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("filing on another customer's message: %d, want 404", res.StatusCode)
		}
	}
	res, body = p.postBody(t, c, "/account/requests/new/rectification", url.Values{"category": {"profile"}, "field": {"birth_date"},
		"proposed": {"2031-02-30"}, "reason": {"typo <b>"}}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="2031-02-30"`) ||
		!strings.Contains(body, "typo &lt;b&gt;") || !strings.Contains(body, `id="field-proposed-error"`) {
		t.Errorf("invalid date: %d, error or input missing", res.StatusCode)
	}

	res = p.post(t, c, "/account/requests/new/rectification", url.Values{"category": {"profile"}, "field": {"phone"},
		"proposed": {"06 98 76 54 32"}, "reason": {"new number"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/account/requests/") {
		t.Fatalf("filing: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	filed, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/account/requests/"), 10, 64)
	if err != nil {
		t.Fatalf("filing led to %q", res.Header.Get("Location"))
	}
	var cs []models.RequestCorrection
	p.DB().Where("request_id = ?", filed).Find(&cs)
	if len(cs) != 1 || cs[0].ProposedValue != "+33698765432" || cs[0].CurrentValue != profile.Phone || cs[0].Reason != "new number" {
		t.Errorf("stored corrections = %+v", cs)
	}
}
