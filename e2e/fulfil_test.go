//go:build e2e

package e2e

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/photolab/privacyportal/models"
)

// TestFulfilPagesAccessible checks with axe, in every language, the
// customer's rectification form and the staff customer pages (look-up,
// results, one customer's file with holds and restrictions), and that
// each is in the language chosen.
func TestFulfilPagesAccessible(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		customer := p.login(t, "customer")
		var u models.User
		if err := p.srv.DB().Where("email = ?", customer.Email).Take(&u).Error; err != nil {
			t.Fatal(err)
		}
		ctx := newTab(t)
		signIn(t, ctx, p.URL, customer)
		wantPath(t, ctx, "/account")
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			switchLanguage(t, ctx, lang)
			for _, path := range []string{"/account/requests/new/rectification", "/account/requests/new/rectification?category=profile&field=phone"} {
				checkPage(t, ctx, p, lang, path)
			}
		}

		staff := newTab(t)
		signIn(t, staff, p.URL, p.login(t, "staff"))
		enrolTOTP(t, staff, nil)
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			switchLanguage(t, staff, lang)
			for _, path := range []string{"/staff/customers", "/staff/customers?q=example.com", "/staff/customers/" + strconv.FormatInt(u.ID, 10)} {
				checkPage(t, staff, p, lang, path)
			}
			// A hold without its reason and categories comes back with errors.
			holds := "/staff/customers/" + strconv.FormatInt(u.ID, 10) + "/holds"
			if st := submitForm(t, staff, holds); st != http.StatusUnprocessableEntity {
				t.Errorf("%s: an empty hold answered %d, want 422", lang, st)
			}
			checkA11y(t, staff, lang+" "+holds+" with errors")
		}
	})
}
