//go:build e2e

package e2e

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
)

// TestErasureEnginePagesAccessible checks with axe, in every language,
// the staff search of retained invoices (empty, with results), one
// retained invoice, and the admins' strategies page with and without a
// refused choice.
func TestErasureEnginePagesAccessible(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		inv := models.RetainedInvoice{Number: "RT-E2E-0001", IssuedAt: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
			BuyerName: "Fictional Buyer", BillingAddress: "1 Test Street\n00000 Nowhere", Country: "FR", Currency: "EUR",
			TotalCents: 2400, TaxCents: 400, Items: `[{"description":"Print","quantity":2,"unit_price_cents":1200}]`,
			PaymentReference: "stripe •••• 4242", LegalBasis: "Code de commerce L123-22", RetainUntil: time.Date(2037, 1, 1, 0, 0, 0, 0, time.UTC),
			CreatedAt: time.Now().UTC()}
		if err := p.srv.DB().Create(&inv).Error; err != nil {
			t.Fatal(err)
		}
		staff := newTab(t)
		signIn(t, staff, p.URL, p.login(t, "staff"))
		enrolTOTP(t, staff, nil)
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			switchLanguage(t, staff, lang)
			for _, path := range []string{"/staff/retained-invoices", "/staff/retained-invoices?number=RT-E2E",
				"/staff/retained-invoices?number=NONE", "/staff/retained-invoices/" + strconv.FormatInt(inv.ID, 10)} {
				checkPage(t, staff, p, lang, path)
			}
		}

		admin := newTab(t)
		signIn(t, admin, p.URL, p.login(t, "admin"))
		enrolTOTP(t, admin, nil)
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			switchLanguage(t, admin, lang)
			checkPage(t, admin, p, lang, "/admin/erasure")
			// The orders' legal basis emptied: retain needs one.
			evaluate[bool](t, admin, `(document.getElementById('orders-legal_basis').value = '', true)`)
			if st := submitForm(t, admin, "/admin/erasure/orders"); st != http.StatusUnprocessableEntity {
				t.Errorf("%s: retain without a basis answered %d, want 422", lang, st)
			}
			checkA11y(t, admin, lang+" /admin/erasure with errors")
		}
	})
}
