package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/models"
)

// TestLanguageSwitcherAfterRefusedPost: a page re-rendered with errors
// by a POST to an address without a GET of its own offers the language
// switcher back to the page's own address, which opens, not the POST's.
func TestLanguageSwitcherAfterRefusedPost(t *testing.T) {
	p := startPortal(t, "", nil)
	var r models.PrivacyRequest
	if err := p.DB().Where("kind = ?", models.RequestRectification).Order("id").Take(&r).Error; err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(r.ID, 10)
	for _, tc := range []struct {
		name, role, post, page string
		form                   url.Values
	}{
		{"status code step", "", "/requests/status/" + id + "/code", "/requests/status/" + id, url.Values{"code": {"12"}}},
		{"customer reply", "customer", "/account/requests/" + id + "/reply", "/account/requests/" + id, url.Values{"body": {" "}}},
		{"desk refusal", "staff", "/staff/requests/" + id + "/deny", "/staff/requests/" + id, url.Values{}},
		{"hold", "staff", "/staff/customers/" + strconv.FormatInt(*r.UserID, 10) + "/holds", "/staff/customers/" + strconv.FormatInt(*r.UserID, 10), url.Values{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := p.signedIn(t, tc.role)
			res, body := p.postBody(t, c, tc.post, tc.form, nil)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("POST %s: status %d, want 422", tc.post, res.StatusCode)
			}
			want := `name="next" value="` + tc.page + `"`
			if !strings.Contains(body, want) {
				t.Fatalf("the page POST %s renders does not send the language switcher back to %s", tc.post, tc.page)
			}
			res = p.post(t, c, "/language", url.Values{"lang": {"fr"}, "next": {tc.page}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != tc.page {
				t.Fatalf("switching language: %d to %q, want 303 to %s", res.StatusCode, res.Header.Get("Location"), tc.page)
			}
			if res, _ := p.get(t, c, tc.page); res.StatusCode != http.StatusOK {
				t.Fatalf("GET %s after switching: %d", tc.page, res.StatusCode)
			}
		})
	}
}
