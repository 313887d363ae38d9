package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/models"
)

// expect is the status each kind of visitor must get from a route.
type expect struct{ anon, customer, staff, admin int }

const (
	ok       = http.StatusOK
	see      = http.StatusSeeOther
	forbid   = http.StatusForbidden
	notFound = http.StatusNotFound
	invalid  = http.StatusUnprocessableEntity
)

// matrix lists every route the portal registers. Adding a route without a
// row here fails TestAuthorizationMatrix. Paths use {id} placeholders that
// the test fills with real ids.
var matrix = map[string]struct {
	path string
	form url.Values
	want expect
}{
	"GET /{$}":               {"/", nil, expect{see, see, see, see}},
	"GET /signin":            {"/signin", nil, expect{ok, see, see, see}},
	"POST /signin":           {"/signin", url.Values{"email": {"x@example.com"}}, expect{invalid, invalid, invalid, invalid}},
	"POST /signout":          {"/signout", nil, expect{see, see, see, see}},
	"POST /language":         {"/language", url.Values{"lang": {"fr"}, "next": {"/"}}, expect{see, see, see, see}},
	"GET /account":           {"/account", nil, expect{see, ok, forbid, forbid}},
	"GET /staff":             {"/staff", nil, expect{see, forbid, ok, ok}},
	"GET /admin":             {"/admin", nil, expect{see, forbid, forbid, ok}},
	"GET /admin/outbox":      {"/admin/outbox", nil, expect{see, forbid, forbid, ok}},
	"GET /admin/outbox/{id}": {"/admin/outbox/{outbox}", nil, expect{see, forbid, forbid, ok}},
	"POST /admin/outbox/test": {"/admin/outbox/test", url.Values{"to": {"check@example.com"}},
		expect{see, forbid, forbid, see}},
	"GET /admin/audit": {"/admin/audit", nil, expect{see, forbid, forbid, ok}},
}

func TestAuthorizationMatrix(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		outbox := models.OutboxMessage{ToAddress: "someone@example.com", Template: "test", Locale: "en",
			Subject: "s", TextBody: "t", HTMLBody: "h", Status: models.OutboxHeld}
		if err := p.DB().Create(&outbox).Error; err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{"{outbox}": strconv.FormatInt(outbox.ID, 10)}

		seen := map[string]bool{}
		for _, rt := range p.Routes() {
			key := rt.Method + " " + rt.Pattern
			seen[key] = true
			row, ok := matrix[key]
			if !ok {
				t.Errorf("route %s is not in the authorization matrix", key)
				continue
			}
			path := row.path
			for k, v := range ids {
				path = strings.ReplaceAll(path, k, v)
			}
			for _, who := range []struct {
				role string
				want int
			}{{"", row.want.anon}, {"customer", row.want.customer}, {"staff", row.want.staff}, {"admin", row.want.admin}} {
				c := p.signedIn(t, who.role)
				var res *http.Response
				if rt.Method == "GET" {
					res, _ = p.get(t, c, path)
				} else {
					res = p.post(t, c, path, row.form)
				}
				if res.StatusCode != who.want {
					t.Errorf("%s as %q: status %d, want %d", key, who.role, res.StatusCode, who.want)
				}
				if who.role == "" && who.want == see && row.want.customer != see && !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
					t.Errorf("%s anonymous: redirected to %q, want /signin", key, res.Header.Get("Location"))
				}
			}
		}
		for key := range matrix {
			if !seen[key] {
				t.Errorf("matrix row %s names no registered route", key)
			}
		}
	})
}
