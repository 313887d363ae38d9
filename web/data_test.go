package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/photolab/privacyportal/handlers"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// otherCustomer is a demo customer who is not the "customer" login.
func otherCustomer(t *testing.T, p *portal) models.User {
	t.Helper()
	var u models.User
	if err := p.DB().Where("role = ? AND email <> ?", "customer", p.logins["customer"].Email).Order("id").Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCustomersSeeOnlyTheirOwnData(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		other := otherCustomer(t, p)
		var theirOrder models.Order
		if err := p.DB().Where("user_id = ?", other.ID).Take(&theirOrder).Error; err != nil {
			t.Fatal(err)
		}
		var me models.User
		p.DB().Where("email = ?", p.logins["customer"].Email).Take(&me)
		var myPhoto models.Photo
		if err := p.DB().Where("user_id = ?", me.ID).Take(&myPhoto).Error; err != nil {
			t.Fatal(err)
		}
		c := p.signedIn(t, "customer")
		for page := 1; page <= 12; page++ {
			_, body := p.get(t, c, "/account/data/orders?page="+strconv.Itoa(page))
			if strings.Contains(body, theirOrder.Number) {
				t.Fatalf("another customer's order %s shown on page %d", theirOrder.Number, page)
			}
		}
		res, body := p.get(t, c, fmt.Sprintf("/account/data/photos/%d/thumb", myPhoto.ID))
		if res.StatusCode != ok || res.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(body, "\x89PNG") {
			t.Fatalf("own thumbnail: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("photo cacheable: %q", res.Header.Get("Cache-Control"))
		}
		_, overview := p.get(t, c, "/account/data")
		for _, path := range []string{"/account/data/orders", "/account/data/photos", "/account/data/contact", "/account/policy"} {
			if !strings.Contains(overview, `href="`+path+`"`) {
				t.Errorf("overview does not link %s", path)
			}
		}
	})
}

func TestOrdersArePaginated(t *testing.T) {
	p := startPortal(t, "", nil)
	c := p.signedIn(t, "customer")
	var me models.User
	p.DB().Where("email = ?", p.logins["customer"].Email).Take(&me)
	var total int64
	p.DB().Model(&models.Order{}).Where("user_id = ?", me.ID).Count(&total)
	if total <= 20 {
		t.Fatalf("demo customer has only %d orders", total)
	}
	numberRe := regexp.MustCompile(`LG\d{5}-\d{4}`)
	seen := map[string]bool{}
	pages := int((total + 19) / 20)
	for page := 1; page <= pages; page++ {
		_, body := p.get(t, c, "/account/data/orders?page="+strconv.Itoa(page))
		for _, n := range uniq(numberRe.FindAllString(body, -1)) {
			if seen[n] {
				t.Fatalf("order %s shown on two pages", n)
			}
			seen[n] = true
		}
	}
	if int64(len(seen)) != total {
		t.Fatalf("paging showed %d of %d orders", len(seen), total)
	}
}

// countQueries counts the SQL statements the portal runs while fn runs.
func countQueries(t *testing.T, db *gorm.DB, fn func()) int64 {
	t.Helper()
	var n atomic.Int64
	name := fmt.Sprintf("test:count:%d", time.Now().UnixNano())
	count := func(*gorm.DB) { n.Add(1) }
	db.Callback().Query().After("gorm:query").Register(name, count)
	db.Callback().Row().After("gorm:row").Register(name, count)
	db.Callback().Raw().After("gorm:raw").Register(name, count)
	defer func() {
		db.Callback().Query().Remove(name)
		db.Callback().Row().Remove(name)
		db.Callback().Raw().Remove(name)
	}()
	fn()
	return n.Load()
}

// maxQueriesPerPage is the budget of a customer page: the session and its
// user, then at most three reads of the customer's own rows. What is the
// same for everyone (categories, purposes, policy versions) is in memory.
const maxQueriesPerPage = 4

// TestQueriesPerPageDoNotGrowWithData compares a customer with a few rows
// with one holding many on every page a customer can open (every GET
// route for customers without a path parameter, plus a deep page of
// orders): each page runs the same number of queries for both, within
// the budget.
func TestQueriesPerPageDoNotGrowWithData(t *testing.T) {
	p := startPortal(t, "", nil)
	busy := p.signedIn(t, "customer") // the demo's busiest customer
	other := otherCustomer(t, p)
	var quiet *http.Client
	for _, l := range p.all {
		if l.Email == other.Email {
			quiet = p.signedInAs(t, l)
		}
	}
	var paths []string
	for _, rt := range p.Routes() {
		if rt.Method != http.MethodGet || strings.Contains(rt.Pattern, "{id}") || rt.Reauth ||
			!(rt.Access == handlers.Customer || rt.Access == handlers.SignedIn) {
			continue
		}
		paths = append(paths, strings.TrimSuffix(rt.Pattern, "{$}"))
	}
	paths = append(paths, "/account/data/orders?page=2")
	if len(paths) < 15 {
		t.Fatalf("only %d customer pages found: %q", len(paths), paths)
	}
	for _, path := range paths {
		// Warm up: first requests may touch the session row.
		p.get(t, busy, path)
		p.get(t, quiet, path)
		var codeBusy, codeQuiet int
		nBusy := countQueries(t, p.DB(), func() { res, _ := p.get(t, busy, path); codeBusy = res.StatusCode })
		nQuiet := countQueries(t, p.DB(), func() { res, _ := p.get(t, quiet, path); codeQuiet = res.StatusCode })
		if codeBusy != http.StatusOK || codeQuiet != http.StatusOK {
			t.Errorf("%s: status %d and %d", path, codeBusy, codeQuiet)
		}
		// The quiet customer has no second page of orders (nothing to read).
		if nBusy != nQuiet && !strings.Contains(path, "page=2") {
			t.Errorf("%s: %d queries for the busy customer, %d for the quiet one", path, nBusy, nQuiet)
		}
		t.Logf("%s: %d queries", path, nBusy)
		if nBusy > maxQueriesPerPage {
			t.Errorf("%s: %d queries per page, want at most %d", path, nBusy, maxQueriesPerPage)
		}
	}
}

func TestProfileEditValidationConflictAndHistory(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		c := p.signedIn(t, "customer")
		_, body := p.get(t, c, "/account/data/profile/edit")
		version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
		if version == nil {
			t.Fatal("edit form has no version")
		}
		base := url.Values{"version": {version[1]}, "first_name": {"Camille"}, "last_name": {"Laurent"},
			"phone": {"06 12 34 56 78"}, "birth_date": {"1990-04-12"}, "billing.line1": {"12 rue des Lilas"},
			"billing.postal_code": {"75011"}, "billing.city": {"Paris"}, "billing.country": {"FR"}}
		with := func(k, v string) url.Values {
			f := url.Values{}
			for key, vals := range base {
				f[key] = vals
			}
			f.Set(k, v)
			return f
		}

		// Bad input: the error sits next to the field and every typed value stays.
		res, body := p.postBody(t, c, "/account/data/profile/edit", with("billing.postal_code", "ABC"), nil)
		if res.StatusCode != invalid || !strings.Contains(body, `aria-invalid="true"`) ||
			!strings.Contains(body, `value="ABC"`) || !strings.Contains(body, `value="12 rue des Lilas"`) {
			t.Fatalf("invalid postal code: %d", res.StatusCode)
		}
		res, body = p.postBody(t, c, "/account/data/profile/edit", with("phone", "12"), nil)
		if res.StatusCode != invalid || !strings.Contains(body, `value="12"`) {
			t.Fatalf("invalid phone: %d", res.StatusCode)
		}

		// Tab one saves.
		if res := p.post(t, c, "/account/data/profile/edit", base); res.StatusCode != see {
			t.Fatalf("save: %d", res.StatusCode)
		}
		var prof models.Profile
		var me models.User
		p.DB().Where("email = ?", p.logins["customer"].Email).Take(&me)
		p.DB().Take(&prof, "user_id = ?", me.ID)
		if prof.Phone != "+33612345678" {
			t.Fatalf("phone stored as %q, want E.164", prof.Phone)
		}
		// Tab two, opened before that save, saves a different phone: told, not overwritten.
		res, body = p.postBody(t, c, "/account/data/profile/edit", with("phone", "+44 20 7946 0958"), nil)
		if res.StatusCode != invalid || !strings.Contains(body, `value="+44 20 7946 0958"`) || !strings.Contains(body, "+33 6 12 34 56 78") {
			t.Fatalf("conflicting save: %d", res.StatusCode)
		}
		p.DB().Take(&prof, "user_id = ?", me.ID)
		if prof.Phone != "+33612345678" {
			t.Fatal("the stale save overwrote the newer one")
		}
		// Saving again from the conflict page is a deliberate overwrite.
		newVersion := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)[1]
		again := with("phone", "+44 20 7946 0958")
		again.Set("version", newVersion)
		if res := p.post(t, c, "/account/data/profile/edit", again); res.StatusCode != see {
			t.Fatalf("deliberate save: %d", res.StatusCode)
		}
		_, hist := p.get(t, c, "/account/data/profile/history")
		// Shown in international format, as the country groups the digits.
		if !strings.Contains(hist, "+44 20 7946 0958") || !strings.Contains(hist, "+33 6 12 34 56 78") {
			t.Fatal("change history lacks the phone corrections")
		}
		var changes int64
		p.DB().Model(&models.ProfileChange{}).Where("user_id = ? AND field = ?", me.ID, "phone").Count(&changes)
		if changes < 2 {
			t.Fatalf("phone changes recorded: %d", changes)
		}
	})
}

func TestPolicyAcknowledgesOnlyTheVersionRead(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		c := p.signedIn(t, "customer")
		var me models.User
		p.DB().Where("email = ?", p.logins["customer"].Email).Take(&me)
		acks := func() int64 {
			var n int64
			p.DB().Model(&models.PolicyAck{}).Where("user_id = ?", me.ID).Count(&n)
			return n
		}
		notYet := []string{i18n.Tl("en", "policy.not_acknowledged"), i18n.Tl("fr", "policy.not_acknowledged")}
		_, overview := p.get(t, c, "/account/data")
		if !strings.Contains(overview, notYet[0]) && !strings.Contains(overview, notYet[1]) {
			t.Fatal("overview does not say the policy is not acknowledged yet")
		}
		_, page := p.get(t, c, "/account/policy")
		version := regexp.MustCompile(`name="version" value="([^"]+)"`).FindStringSubmatch(page)
		if version == nil {
			t.Fatal("policy page has no acknowledge form")
		}
		// A version other than the current one (a newer one was published
		// while the customer read the old one) is not acknowledged.
		if res := p.post(t, c, "/account/policy/ack", url.Values{"version": {"V.000000001"}}); res.StatusCode != see || acks() != 0 {
			t.Fatalf("stale version acknowledged: %d, %d acks", res.StatusCode, acks())
		}
		if res := p.post(t, c, "/account/policy/ack", url.Values{"version": {version[1]}}); res.StatusCode != see || acks() != 1 {
			t.Fatalf("current version not acknowledged: %d, %d acks", res.StatusCode, acks())
		}
		_, overview = p.get(t, c, "/account/data")
		if strings.Contains(overview, notYet[0]) || strings.Contains(overview, notYet[1]) {
			t.Error("overview still says the policy is not acknowledged")
		}
	})
}
