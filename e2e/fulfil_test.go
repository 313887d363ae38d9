//go:build e2e

package e2e

import (
	"strconv"
	"testing"

	"github.com/photolab/privacyportal/models"
)

// TestFulfilPagesAccessible checks with axe, in every language, the
// customer's rectification form and the staff customer pages (look-up,
// results, one customer's file with holds and restrictions).
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
				open(t, ctx, p.URL, path)
				checkA11y(t, ctx, lang+" "+path)
			}
		}

		staff := newTab(t)
		signIn(t, staff, p.URL, p.login(t, "staff"))
		enrolTOTP(t, staff, nil)
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			switchLanguage(t, staff, lang)
			for _, path := range []string{"/staff/customers", "/staff/customers?q=example.com", "/staff/customers/" + strconv.FormatInt(u.ID, 10)} {
				open(t, staff, p.URL, path)
				checkA11y(t, staff, lang+" "+path)
			}
		}
	})
}
