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

// TestErasureStrategiesPage: admins only; a choice the category does not
// allow, a retain without its legal basis or years out of range come
// back beside their fields with what was typed; a good one is stored and
// audited.
func TestErasureStrategiesPage(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		for _, role := range []string{"customer", "staff"} {
			c := p.signedIn(t, role)
			if res, _ := p.get(t, c, "/admin/erasure"); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s GET /admin/erasure: %d", role, res.StatusCode)
			}
			if res := p.post(t, c, "/admin/erasure/orders", url.Values{"strategy": {"delete"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("%s POST /admin/erasure/orders: %d", role, res.StatusCode)
			}
		}
		admin := p.signedIn(t, "admin")
		res, body := p.get(t, admin, "/admin/erasure")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `action="/admin/erasure/orders"`) ||
			!strings.Contains(body, `<option value="retain" selected`) {
			t.Fatalf("GET /admin/erasure: %d", res.StatusCode)
		}
		res, body = p.postBody(t, admin, "/admin/erasure/photos", url.Values{"strategy": {"retain"}, "legal_basis": {"typed basis"},
			"retain_years": {"40"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose one of the strategies") ||
			!strings.Contains(body, "from 1 to 30") || !strings.Contains(body, "typed basis") || !strings.Contains(body, `value="40"`) {
			t.Errorf("bad strategy for photos: %d", res.StatusCode)
		}
		res, body = p.postBody(t, admin, "/admin/erasure/orders", url.Values{"strategy": {"retain"}, "legal_basis": {" "},
			"retain_years": {"six"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Give the legal basis") ||
			!strings.Contains(body, `id="orders-legal_basis-error"`) || !strings.Contains(body, `value="six"`) {
			t.Errorf("retain without basis: %d", res.StatusCode)
		}
		if res := p.post(t, admin, "/admin/erasure/nonsense", url.Values{"strategy": {"delete"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown category: %d", res.StatusCode)
		}
		var n int64
		p.DB().Model(&models.AuditEntry{}).Where("action = ?", "erasure.strategy_changed").Count(&n)
		if n != 0 {
			t.Fatalf("%d changes audited before any was saved", n)
		}
		res = p.post(t, admin, "/admin/erasure/orders", url.Values{"strategy": {"retain"}, "legal_basis": {"HGB §257"}, "retain_years": {"8"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("good strategy: %d", res.StatusCode)
		}
		var st models.ErasureStrategy
		if err := p.DB().Take(&st, "category = ?", "orders").Error; err != nil || st.RetainYears != 8 || st.LegalBasis != "HGB §257" {
			t.Errorf("stored %+v %v", st, err)
		}
		var a models.AuditEntry
		if err := p.DB().Where("action = ?", "erasure.strategy_changed").Take(&a).Error; err != nil || a.TargetID != "orders" ||
			!strings.Contains(a.Details, `"to_years":"8"`) {
			t.Errorf("audit %+v %v", a, err)
		}
		if _, body := p.get(t, admin, "/admin/erasure"); !strings.Contains(body, html.EscapeString("HGB §257")) {
			t.Error("the page does not show the saved basis")
		}
	})
}

// TestRetainedInvoicesPages: staff only; nothing listed until a number
// is searched, the list holds no buyer, each opened invoice is audited,
// an unknown id is 404.
func TestRetainedInvoicesPages(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		inv := models.RetainedInvoice{Number: "RT-2026-0042", IssuedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			BuyerName: "Quentin Retainedbuyer", BillingAddress: "9 Ledger Row\nZZ1 1ZZ Leeds", Country: "GB", Currency: "GBP",
			TotalCents: 2400, TaxCents: 400, Items: `[{"description":"Print","quantity":2,"unit_price_cents":1200}]`,
			PaymentReference: "stripe •••• 4242", LegalBasis: "Companies Act", RetainUntil: time.Date(2033, 1, 1, 0, 0, 0, 0, time.UTC),
			CreatedAt: time.Now().UTC()}
		if err := p.DB().Create(&inv).Error; err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(inv.ID, 10)
		cust := p.signedIn(t, "customer")
		for _, path := range []string{"/staff/retained-invoices", "/staff/retained-invoices?number=RT-", "/staff/retained-invoices/" + id} {
			if res, _ := p.get(t, cust, path); res.StatusCode != http.StatusForbidden {
				t.Errorf("customer GET %s: %d", path, res.StatusCode)
			}
		}
		staff := p.signedIn(t, "staff")
		res, body := p.get(t, staff, "/staff/retained-invoices")
		if res.StatusCode != http.StatusOK || strings.Contains(body, inv.Number) {
			t.Errorf("the bare page: %d, lists the invoice: %v", res.StatusCode, strings.Contains(body, inv.Number))
		}
		_, body = p.get(t, staff, "/staff/retained-invoices?number=RT-2026")
		if !strings.Contains(body, inv.Number) || !strings.Contains(body, `href="/staff/retained-invoices/`+id+`"`) ||
			strings.Contains(body, "Retainedbuyer") {
			t.Error("the search does not list the invoice, or shows its buyer")
		}
		if _, body := p.get(t, staff, "/staff/retained-invoices?number=XX-9"); strings.Contains(body, inv.Number) {
			t.Error("a search for another number lists it")
		}
		var before int64
		p.DB().Model(&models.AuditEntry{}).Where("action = ?", "retained.viewed").Count(&before)
		if before != 0 {
			t.Fatalf("searching was audited as reading: %d", before)
		}
		res, body = p.get(t, staff, "/staff/retained-invoices/"+id)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "Quentin Retainedbuyer") || !strings.Contains(body, "9 Ledger Row") ||
			!strings.Contains(body, "Companies Act") || !strings.Contains(body, "Print") {
			t.Errorf("the invoice page: %d", res.StatusCode)
		}
		if got := res.Header.Get("Cache-Control"); !strings.Contains(got, "no-store") {
			t.Errorf("Cache-Control %q on a page with personal data", got)
		}
		var a models.AuditEntry
		if err := p.DB().Where("action = ?", "retained.viewed").Take(&a).Error; err != nil || a.TargetID != id ||
			strings.Contains(a.Details, "Quentin") {
			t.Errorf("reading audited as %+v %v", a, err)
		}
		for _, path := range []string{"/staff/retained-invoices/999999", "/staff/retained-invoices/x"} {
			if res, _ := p.get(t, staff, path); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", path, res.StatusCode)
			}
		}
	})
}
