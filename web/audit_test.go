package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// TestAuditLogFiltersAndPages: the admin log shows people by name in a
// sentence, filters by actor, action and dates through the query string,
// keeps the filter across pages, and says what is wrong with a bad filter.
func TestAuditLogFiltersAndPages(t *testing.T) {
	p := startPortal(t, "", nil)
	admin := p.signedIn(t, "admin")
	p.signedIn(t, "customer") // an auth.signin by the customer
	var adminUser, customer models.User
	if err := p.DB().Where("email = ?", p.logins["admin"].Email).Take(&adminUser).Error; err != nil {
		t.Fatal(err)
	}
	if err := p.DB().Where("email = ?", p.logins["customer"].Email).Take(&customer).Error; err != nil {
		t.Fatal(err)
	}
	// 60 sign-outs of the customer: more than a page.
	log := audit.New(p.DB(), p.Dialect())
	for range 60 {
		e := audit.Entry{ActorID: &customer.ID, ActorRole: "customer", Action: "auth.signout", TargetType: "user", TargetID: strconv.FormatInt(customer.ID, 10)}
		if err := log.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	signedIn := func(name string) string { return `<div class="cell">` + name + " signed in</div>" }
	signedOut := `<div class="cell">` + customer.Name + " signed out</div>"
	cases := []struct {
		name, query string
		want, lacks []string
	}{
		{"names in sentences", "?action=auth.signin",
			[]string{signedIn(adminUser.Name), signedIn(customer.Name), `<option value="auth.signin" selected>`},
			[]string{signedOut, "<code>auth.signin</code>", "user #"}},
		{"by actor", "?actor_id=" + strconv.FormatInt(customer.ID, 10) + "&action=auth.",
			[]string{signedOut, `href="/admin/audit?action=auth.&amp;actor_id=` + strconv.FormatInt(customer.ID, 10) + `&amp;page=2"`},
			[]string{signedIn(adminUser.Name), signedIn(customer.Name)}}, // the sign-in is older than 50 sign-outs
		{"second page keeps the filter", "?actor_id=" + strconv.FormatInt(customer.ID, 10) + "&action=auth.&page=2",
			[]string{signedOut, signedIn(customer.Name), `rel="prev"`, i18n.Tl("en", "pagination.page_of", "Page", 2, "Total", 2),
				`href="/admin/audit?action=auth.&amp;actor_id=` + strconv.FormatInt(customer.ID, 10) + `&amp;page=1"`},
			[]string{signedIn(adminUser.Name)}},
		{"a staff member from the select", "?actor=" + strconv.FormatInt(adminUser.ID, 10),
			[]string{signedIn(adminUser.Name), fmt.Sprintf(`<option value="%d" selected>`, adminUser.ID)},
			[]string{signedOut}},
		{"dates", "?from=2000-01-01&to=2000-12-31",
			[]string{i18n.Tl("en", "audit.filter.empty.title")}, []string{signedOut}},
		{"bad filters are explained beside the field", "?from=2026-02-30&to=2020-01-01&actor_id=abc&action=nope",
			[]string{`id="field-from-error"`, i18n.Tl("en", "audit.filter.error.from"), i18n.Tl("en", "audit.filter.error.actor_id"),
				i18n.Tl("en", "audit.filter.error.action"), `<a href="#field-actor_id">`, `value="2026-02-30"`},
			[]string{signedOut}}, // the valid part (to 2020) still applies
		{"end before start", "?from=2026-02-10&to=2026-02-01",
			[]string{`id="field-to-error"`, i18n.Tl("en", "audit.filter.error.order")}, nil},
	}
	for _, c := range cases {
		res, body := p.get(t, admin, "/admin/audit"+c.query)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", c.name, res.StatusCode)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: page lacks %s", c.name, w)
			}
		}
		for _, l := range c.lacks {
			if strings.Contains(body, l) {
				t.Errorf("%s: page shows %s", c.name, l)
			}
		}
	}

	// The chain check keeps the filter it was asked from.
	_, body := p.get(t, admin, "/admin/audit?action=auth.signout")
	if !strings.Contains(body, `<input type="hidden" name="action" value="auth.signout">`) {
		t.Error("the chain check form drops the filter")
	}

	// In French, a sentence per action.
	if res := p.post(t, admin, "/language", url.Values{"lang": {"fr"}, "next": {"/admin/audit"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("language: status %d", res.StatusCode)
	}
	_, body = p.get(t, admin, "/admin/audit?action=auth.signout")
	if want := "Déconnexion de " + customer.Name; !strings.Contains(strings.ReplaceAll(body, "d’", "de "), want) {
		t.Errorf("French log lacks %q", want)
	}
	if !strings.Contains(body, i18n.Tl("fr", "audit.filter.legend")) {
		t.Error("the French filter form is not translated")
	}

	// Still for admins only.
	for _, role := range []string{"", "customer", "staff"} {
		res, _ := p.get(t, p.signedIn(t, role), "/admin/audit?action=auth.")
		if res.StatusCode == http.StatusOK {
			t.Errorf("%q sees the audit log", role)
		}
	}
}

// TestEveryInstalledJobKindHasALabel: the kinds the server really installs
// (every service's Jobs()) are shown on /admin/jobs through their label.
func TestEveryInstalledJobKindHasALabel(t *testing.T) {
	p := startPortal(t, "", nil)
	kinds := p.Queue().Kinds()
	if len(kinds) < 3 {
		t.Fatalf("only %v installed", kinds)
	}
	for _, l := range i18n.Supported {
		ids, err := i18n.IDs(l.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range kinds {
			if !slices.Contains(ids, views.LabelID(views.FamilyJobKind, k)) {
				t.Errorf("%s: job kind %q has no label", l.Code, k)
			}
		}
	}
}
