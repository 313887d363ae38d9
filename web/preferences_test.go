package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

func init() {
	matrix["GET /account/preferences"] = matrixRow("/account/preferences", nil, expect{see, ok, forbid, forbid})
	// Nothing ticked: saved as is, back to the page.
	matrix["POST /account/preferences"] = matrixRow("/account/preferences", url.Values{"x": {"1"}}, expect{see, see, forbid, forbid})
	matrix["POST /account/preferences/unsubscribe-all"] = matrixRow("/account/preferences/unsubscribe-all", nil, expect{see, see, forbid, forbid})
	matrix["GET /account/preferences/history"] = matrixRow("/account/preferences/history", nil, expect{see, ok, forbid, forbid})
	matrix["GET /privacy/opt-out"] = matrixRow("/privacy/opt-out", nil, expect{ok, ok, ok, ok})
	matrix["POST /privacy/opt-out"] = matrixRow("/privacy/opt-out", url.Values{"email": {"x@example.com"}}, expect{ok, ok, ok, ok})
	matrix["GET /staff/customers/{id}/consent-proof"] = matrixRow("/staff/customers/{victim}/consent-proof", nil, expect{see, forbid, ok, ok})
}

// prefsCustomer is the demo customer's account, with birth as the
// profile's birth date ("" leaves it unknown).
func prefsCustomer(t *testing.T, p *portal, birth string) models.User {
	t.Helper()
	var u models.User
	if err := p.DB().Where("email = ?", p.logins["customer"].Email).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	// The demo customer reads French and may have objected or be
	// restricted; these tests start from an English page and a clean slate.
	now := time.Now()
	if err := p.DB().Model(&u).Update("locale", "en").Error; err != nil {
		t.Fatal(err)
	}
	p.DB().Model(&models.Restriction{}).Where("user_id = ? AND lifted_at IS NULL", u.ID).Update("lifted_at", &now)
	p.DB().Where("user_id = ? OR email = ?", u.ID, u.Email).Delete(&models.MarketingObjection{})
	var n int64
	p.DB().Model(&models.Profile{}).Where("user_id = ?", u.ID).Count(&n)
	if n == 0 {
		if err := p.DB().Create(&models.Profile{UserID: u.ID, BirthDate: birth}).Error; err != nil {
			t.Fatal(err)
		}
	} else if err := p.DB().Model(&models.Profile{}).Where("user_id = ?", u.ID).Update("birth_date", birth).Error; err != nil {
		t.Fatal(err)
	}
	return u
}

func consentEvents(t *testing.T, p *portal, where string, args ...any) int64 {
	t.Helper()
	var n int64
	// The test's own events: the demo's consent history is dated days
	// before the portal started.
	q := p.DB().Model(&models.ConsentEvent{}).Where("at > ?", time.Now().Add(-time.Hour))
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// getWith is a GET carrying extra headers (Sec-GPC).
func getWith(t *testing.T, p *portal, c *http.Client, path string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", p.URL+path, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res, readAll(res)
}

var gpcHeader = http.Header{"Sec-Gpc": {"1"}}

func yearsAgo(n int) string { return time.Now().AddDate(-n, 0, -1).Format(time.DateOnly) }

// TestPreferencesSaveAndPending: the page starts unticked; saving one
// form records an email opt-in as pending (shown so) and a post one as
// given, with the label shown as the wording and the request's evidence.
func TestPreferencesSaveAndPending(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		prefsCustomer(t, p, yearsAgo(30))
		c := p.signedIn(t, "customer")
		res, body := p.get(t, c, "/account/preferences")
		if res.StatusCode != http.StatusOK || strings.Contains(body, "checked") || !strings.Contains(body, `name="m.newsletter.email"`) {
			t.Fatalf("preferences page: %d, ticked boxes or no newsletter box", res.StatusCode)
		}
		form := url.Values{"m.newsletter.email": {"1"}, "m.catalogues.post": {"1"}}
		res = p.post(t, c, "/account/preferences", form)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/preferences" {
			t.Fatalf("save: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		_, body = p.get(t, c, "/account/preferences")
		if !strings.Contains(body, i18n.Tl("en", "prefs.pending")) || strings.Count(body, "checked") != 2 {
			t.Errorf("after saving: pending not shown or not two boxes ticked")
		}
		var st []models.ConsentState
		p.DB().Where("purpose = ? AND updated_at > ?", models.PurposeMarketing, time.Now().Add(-time.Hour)).Order("topic").Find(&st)
		if len(st) != 2 || st[0].Status != models.ConsentGranted || st[1].Status != models.ConsentPending || st[1].PendingUntil == nil {
			t.Errorf("states %+v: want catalogues granted, newsletter pending", st)
		}
		ctx := i18n.WithLocale(t.Context(), "en")
		wording := views.PrefsWording(ctx, "Catalogues", "Our seasonal catalogue of prints, albums and gifts.", models.ChannelPost)
		if n := consentEvents(t, p, "wording_hash = ? AND method = ? AND locale = ?", consent.WordingHash(wording), models.MethodPortal, "en"); n != 1 {
			t.Errorf("%d events with the catalogue's label as wording", n)
		}
		var evidence int64
		p.DB().Model(&models.ConsentEvidence{}).Joins("JOIN consent_events e ON e.id = consent_evidences.event_id").
			Where("consent_evidences.ip <> '' AND e.at > ?", time.Now().Add(-time.Hour)).Count(&evidence)
		if evidence != 2 {
			t.Errorf("%d evidence rows, want 2", evidence)
		}
		// Withdrawing takes the same one step: one POST, everything off.
		if res := p.post(t, c, "/account/preferences/unsubscribe-all", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unsubscribe all: %d", res.StatusCode)
		}
		if n := consentEvents(t, p, "action = ?", models.ConsentWithdrawn); n != 2 {
			t.Errorf("%d withdrawals after unsubscribing from all, want 2", n)
		}
		_, body = p.get(t, c, "/account/preferences/history")
		if !strings.Contains(body, i18n.Tl("en", "label.consent_action.withdrawn")) || !strings.Contains(body, consent.WordingHash(wording)[:12]) {
			t.Error("the history page lacks the withdrawal or the wording fingerprint")
		}
	})
}

// TestPreferencesGPC: the signal opts out of sale even after an explicit
// allow, is recorded once, and a visit without it does not opt back in.
func TestPreferencesGPC(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		prefsCustomer(t, p, yearsAgo(30))
		c := p.signedIn(t, "customer")
		// An explicit allow: opt out, then allow again.
		p.post(t, c, "/account/preferences", url.Values{"no_sale_share": {"1"}})
		p.post(t, c, "/account/preferences", url.Values{})
		var st models.ConsentState
		if p.DB().Where("purpose = ?", models.PurposeSaleShare).Take(&st); st.Status != models.ConsentGranted {
			t.Fatalf("sale after the explicit allow: %q", st.Status)
		}
		honoured := i18n.Tl("en", "prefs.gpc.honoured")
		for range 2 {
			res, body := getWith(t, p, c, "/account/preferences", gpcHeader)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, honoured) {
				t.Fatalf("with Sec-GPC: %d, banner shown %v", res.StatusCode, strings.Contains(body, honoured))
			}
		}
		if n := consentEvents(t, p, "method = ? AND purpose = ? AND action = ?", models.MethodGPC, models.PurposeSaleShare, models.ConsentWithdrawn); n != 1 {
			t.Errorf("%d GPC events, want 1", n)
		}
		// A save with the signal records nothing more.
		if res, _ := p.postBody(t, c, "/account/preferences", url.Values{"no_sale_share": {"1"}}, gpcHeader); res.StatusCode != http.StatusSeeOther {
			t.Errorf("save with the signal: %d", res.StatusCode)
		}
		_, body := p.get(t, c, "/account/preferences")
		if strings.Contains(body, honoured) || !strings.Contains(body, `id="field-no_sale_share" value="1" checked`) {
			t.Error("a visit without the signal: banner shown, or sharing back on")
		}
		p.DB().Where("purpose = ?", models.PurposeSaleShare).Take(&st)
		if st.Status != models.ConsentWithdrawn || consentEvents(t, p, "purpose = ?", models.PurposeSaleShare) != 3 {
			t.Errorf("sale %q after the signal's absence; want withdrawn, 3 events", st.Status)
		}
		// Under the signal, a form whose box was never shown ticked allows
		// nothing; unticking the box the page showed ticked allows again.
		p.postBody(t, c, "/account/preferences", url.Values{}, gpcHeader)
		if consentEvents(t, p, "purpose = ?", models.PurposeSaleShare) != 3 {
			t.Error("a stale form under the signal changed the sale choice")
		}
		if !strings.Contains(body, `name="no_sale_share_shown" value="1"`) {
			t.Error("the page does not say it showed the box ticked")
		}
		p.postBody(t, c, "/account/preferences", url.Values{"no_sale_share_shown": {"1"}}, gpcHeader)
		if p.DB().Where("purpose = ?", models.PurposeSaleShare).Take(&st); st.Status != models.ConsentGranted {
			t.Errorf("the explicit allow after the signal: %q", st.Status)
		}
		// The allow was given under the signal: the next page with the
		// signal does not take it back, and records nothing (§7025(c)(3)).
		before := consentEvents(t, p, "purpose = ?", models.PurposeSaleShare)
		for range 2 {
			req, _ := http.NewRequest("GET", p.URL+"/account/preferences", nil)
			req.Header = gpcHeader.Clone()
			if res, err := c.Do(req); err != nil {
				t.Fatal(err)
			} else {
				res.Body.Close()
			}
		}
		if p.DB().Where("purpose = ?", models.PurposeSaleShare).Take(&st); st.Status != models.ConsentGranted ||
			consentEvents(t, p, "purpose = ?", models.PurposeSaleShare) != before {
			t.Errorf("after pages with the signal: %q, %d events (were %d)", st.Status, consentEvents(t, p, "purpose = ?", models.PurposeSaleShare), before)
		}
	})
}

// TestPreferencesUnderAgeRefused: a 14-year-old cannot opt in: 422 with
// the reason beside the box, and nothing saved.
func TestPreferencesUnderAgeRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		prefsCustomer(t, p, yearsAgo(14))
		c := p.signedIn(t, "customer")
		res, body := p.postBody(t, c, "/account/preferences", url.Values{"m.offers.sms": {"1"}, "no_sale_share": {"1"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, i18n.Tl("en", "prefs.blocked.under_age")) ||
			!strings.Contains(body, `id="field-m.offers.sms-error"`) {
			t.Errorf("an under-age opt-in: %d, reason beside the field %v", res.StatusCode, strings.Contains(body, "field-m.offers.sms-error"))
		}
		if n := consentEvents(t, p, ""); n != 0 {
			t.Errorf("%d events after a refused save", n)
		}
	})
}

// TestPreferencesRestrictedRefused: a restricted customer sees why
// marketing is off and cannot opt in.
func TestPreferencesRestrictedRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		u := prefsCustomer(t, p, "")
		if err := p.DB().Create(&models.Restriction{UserID: u.ID, Ground: "request", PlacedAt: time.Now()}).Error; err != nil {
			t.Fatal(err)
		}
		c := p.signedIn(t, "customer")
		why := i18n.Tl("en", "prefs.blocked.restricted")
		if _, body := p.get(t, c, "/account/preferences"); !strings.Contains(body, why) {
			t.Error("the page does not say marketing is off because of the restriction")
		}
		if res := p.post(t, c, "/account/preferences", url.Values{"m.newsletter.email": {"1"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a restricted opt-in: %d", res.StatusCode)
		}
		if n := consentEvents(t, p, "purpose = ?", models.PurposeMarketing); n != 0 {
			t.Errorf("%d marketing events for a restricted customer", n)
		}
	})
}

// TestPublicOptOut: signed out, an address alone opts out of sale; the
// answer is the same for an account's address and an unknown one.
func TestPublicOptOut(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		c := p.client(t)
		if res, _ := p.get(t, c, "/privacy/opt-out"); res.StatusCode != http.StatusOK {
			t.Fatalf("form: %d", res.StatusCode)
		}
		known, unknown := p.logins["customer"].Email, "nobody-here@example.net"
		r1, b1 := p.postBody(t, c, "/privacy/opt-out", url.Values{"email": {known}}, nil)
		r2, b2 := p.postBody(t, c, "/privacy/opt-out", url.Values{"email": {unknown}}, nil)
		if r1.StatusCode != http.StatusOK || r2.StatusCode != http.StatusOK || b1 != b2 || !strings.Contains(b1, i18n.Tl("en", "optout.done")) {
			t.Errorf("opt-out answers differ or fail: %d, %d", r1.StatusCode, r2.StatusCode)
		}
		if n := consentEvents(t, p, "method = ? AND purpose = ? AND action = ?", models.MethodPublic, models.PurposeSaleShare, models.ConsentWithdrawn); n != 2 {
			t.Errorf("%d public opt-outs, want 2", n)
		}
		if res := p.post(t, c, "/privacy/opt-out", url.Values{"email": {"nope"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a bad address: %d", res.StatusCode)
		}
		// The account's page shows the opt-out made signed out.
		prefsCustomer(t, p, yearsAgo(30))
		_, body := p.get(t, p.signedIn(t, "customer"), "/account/preferences")
		if !strings.Contains(body, `id="field-no_sale_share" value="1" checked`) {
			t.Error("the customer's page does not show the public opt-out")
		}
	})
}

// TestConsentProofDownload: staff see the panel and download the proof
// (audited); a customer is refused.
func TestConsentProofDownload(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		u := prefsCustomer(t, p, yearsAgo(30))
		cust := p.signedIn(t, "customer")
		p.post(t, cust, "/account/preferences", url.Values{"m.offers.post": {"1"}})
		staff := p.signedIn(t, "staff")
		id := views.ConsentProofURL(u.ID)
		if _, body := p.get(t, staff, strings.TrimSuffix(id, "/consent-proof")); !strings.Contains(body, i18n.Tl("en", "prefs.staff.proof")) {
			t.Error("the customer page has no consent panel")
		}
		res, body := p.get(t, staff, id)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(body, strings.Join(consent.ProofColumns, ",")) || !strings.Contains(body, ",offers,post,granted,portal,") {
			t.Errorf("proof: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		var n int64
		p.DB().Model(&models.AuditEntry{}).Where("action = ? AND target_id = ?", "consent.proof_downloaded", strconv.FormatInt(u.ID, 10)).Count(&n)
		if n != 1 {
			t.Errorf("%d audit entries for the download", n)
		}
		if res, _ := p.get(t, cust, id); res.StatusCode != http.StatusForbidden {
			t.Errorf("a customer downloading a proof: %d", res.StatusCode)
		}
	})
}

// TestPublicOptOutRateLimited: the signed-out form is behind the same
// per-IP budget as the public request form, so it cannot be used to
// probe or flood: past the burst, 429 with Retry-After.
func TestPublicOptOutRateLimited(t *testing.T) {
	p := startPortal(t, "", map[string]string{"PORTAL_RATE_LIMIT": "1", "PORTAL_RATE_BURST": "3"})
	c := p.client(t)
	var last *http.Response
	for i := range 5 {
		last = p.post(t, c, "/privacy/opt-out", url.Values{"email": {"flood" + strconv.Itoa(i) + "@example.net"}})
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("opt-out flood: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
	if n := consentEvents(t, p, "method = ?", models.MethodPublic); n > 3 {
		t.Errorf("%d opt-outs recorded past the burst of 3", n)
	}
}

// TestConsentHistoryPaginated: the consents category pages through a
// long ledger like the other category pages.
func TestConsentHistoryPaginated(t *testing.T) {
	p := startPortal(t, "", nil)
	prefsCustomer(t, p, yearsAgo(30))
	c := p.signedIn(t, "customer")
	for i := range 25 {
		form := url.Values{}
		if i%2 == 0 {
			form.Set("no_profiling", "1")
		}
		p.post(t, c, "/account/preferences", form)
	}
	if n := consentEvents(t, p, "purpose = ?", models.PurposeProfiling); n != 25 {
		t.Fatalf("%d profiling events, want 25", n)
	}
	what := i18n.Tl("en", "prefs.history.profiling")
	_, first := p.get(t, c, "/account/preferences/history")
	res, second := p.get(t, c, "/account/preferences/history?page=2")
	if res.StatusCode != http.StatusOK || strings.Count(first, what) != 20 || strings.Count(second, what) != 5 {
		t.Errorf("pages of %d and %d rows, want 20 and 5", strings.Count(first, what), strings.Count(second, what))
	}
}

// TestGPCAtSignIn: a customer signing in with the signal is opted out of
// sale and sharing at once, recorded once, without opening the
// preferences page.
func TestGPCAtSignIn(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	u := prefsCustomer(t, p, yearsAgo(30))
	l := p.logins["customer"]
	for range 2 {
		c := p.client(t)
		req, _ := http.NewRequest("POST", p.URL+"/signin", strings.NewReader(url.Values{"email": {l.Email}, "password": {l.Password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-GPC", "1")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in with the signal: %d", res.StatusCode)
		}
	}
	var st models.ConsentState
	err := p.DB().Joins("JOIN consent_subjects s ON s.id = consent_states.subject_id").
		Where("s.user_id = ? AND purpose = ?", u.ID, models.PurposeSaleShare).Take(&st).Error
	if err != nil || st.Status != models.ConsentWithdrawn {
		t.Fatalf("after signing in with GPC: %+v, %v", st, err)
	}
	if n := consentEvents(t, p, "method = ? AND purpose = ?", models.MethodGPC, models.PurposeSaleShare); n != 1 {
		t.Errorf("%d GPC events after two sign-ins with the signal, want 1", n)
	}
}
