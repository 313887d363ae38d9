package views_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// A staff correction names its request in the customer's history.
func TestHistoryNamesTheCorrectingRequest(t *testing.T) {
	t.Parallel()
	id := int64(12)
	at := time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC)
	want := map[string]string{"en": "Corrected by our staff on request #12", "fr": "suite à la demande #12", "zh-CN": "根据请求 #12 更正"}
	for _, l := range i18n.Supported {
		out := render(t, l.Code, views.ChangeHistoryPage(page(l.Code, "data.history.title", customer), []views.ChangeView{
			{At: at, Field: "phone", Old: "+33612345678", New: "+33698765432", ActorKind: "staff", RequestID: &id},
			{At: at, Field: "first_name", Old: "A", New: "Ada", ActorKind: "staff"},
		}, views.Pagination{Page: 1, PerPage: 20, Total: 2}))
		if !strings.Contains(out, want[l.Code]) {
			t.Errorf("%s: the history does not name request #12", l.Code)
		}
		if strings.Count(out, "#12") != 1 {
			t.Errorf("%s: a change without a request names one", l.Code)
		}
	}
}

// The profile page's "something is wrong" links are the registry's
// correctable profile fields, and only those.
func TestWrongLinksFollowTheRegistry(t *testing.T) {
	t.Parallel()
	out := render(t, "en", views.ProfileDataPage(page("en", "data.profile.title", customer), views.CategoryView{Key: "profile", Name: "Profile"},
		views.ProfileView{FirstName: "Ada", LastName: "Lovelace", Phone: "+33612345678"}))
	e, _ := holdings.Lookup(holdings.KeyProfile)
	for _, c := range e.Correctable() {
		if strings.Contains(c.Field, ".") {
			continue // an address has one link, to the form's first step
		}
		if !strings.Contains(out, strings.ReplaceAll(views.RectifyURL("profile", c.Field, 0), "&", "&amp;")) {
			t.Errorf("no link for %s", c.Field)
		}
	}
	for _, f := range []string{"preferred_language", "time_zone"} {
		if slices.ContainsFunc(e.Correctable(), func(c holdings.Correctable) bool { return c.Field == f }) ||
			strings.Contains(out, "field="+f) {
			t.Errorf("%s is offered for correction", f)
		}
	}
	if !strings.Contains(out, "choose=profile%3Abilling.line1") {
		t.Error("no link for the billing address")
	}
}

func TestStaffCustomerPageRenders(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC)
	rid := int64(7)
	f := views.CustomerFile{ID: 3, Name: "Ada Lovelace", Email: "ada@example.com", CreatedAt: at,
		Requests:     []views.CustomerRequestView{{ID: 7, Kind: models.RequestRestriction, Status: models.StatusCompleted, ReceivedAt: at, DueAt: at}},
		Holds:        []views.HoldView{{ID: 5, Categories: []string{"Orders"}, Reason: "Debt", PlacedAt: at}, {ID: 4, Categories: []string{"Photos"}, Reason: "Claim", PlacedAt: at, ReleasedAt: &at}},
		Restrictions: []views.RestrictionView{{ID: 9, Ground: "request", RequestID: &rid, PlacedAt: at}, {ID: 8, Category: "Photos", Ground: "objection", PlacedAt: at, LiftsAt: &at}},
		Objections:   []views.ObjectionView{{RecordedAt: at, RequestID: &rid}},
		Categories:   []views.CategoryChoice{{Key: "orders", Label: "Orders"}, {Key: "photos", Label: "Photos"}},
		HoldForm:     views.HoldForm{Categories: []string{"photos"}, Reason: "kept", Errors: views.FieldErrors{"reason": "Give the reason"}}}
	for _, l := range i18n.Supported {
		out := render(t, l.Code, views.CustomerPage(page(l.Code, "customers.file_title", staff), f))
		for _, want := range []string{`href="/staff/requests/7"`, `action="/staff/customers/3/holds/5/release"`,
			`action="/staff/customers/3/restrictions/9/lift"`, `value="photos" checked`, "kept", "Give the reason"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %s missing", l.Code, want)
			}
		}
		// A released hold and an announced lifting offer no button.
		if strings.Contains(out, "/holds/4/release") || strings.Contains(out, "/restrictions/8/lift") {
			t.Errorf("%s: a closed hold or announced lifting has a button", l.Code)
		}
	}
}

func TestRectifyPageRenders(t *testing.T) {
	t.Parallel()
	for _, l := range i18n.Supported {
		first := render(t, l.Code, views.RectifyPage(page(l.Code, "rectify.title", customer), views.RectifyForm{
			Choices: []views.RectifyChoice{{Value: "profile:phone", Label: "Profile — Phone"}}, Category: "profile", Field: "phone"}))
		if !strings.Contains(first, `<option value="profile:phone" selected`) || !strings.Contains(first, `method="get"`) {
			t.Errorf("%s: the first step does not offer the chosen field", l.Code)
		}
		second := render(t, l.Code, views.RectifyPage(page(l.Code, "rectify.title", customer), views.RectifyForm{
			Chosen: true, Category: "profile", Field: "birth_date", CategoryName: "Profile", FieldLbl: "Date of birth",
			Current: "1990-05-17", Proposed: "2031-02-30", Reason: "typo <b>", Errors: views.FieldErrors{"proposed": "Enter a real date"}}))
		for _, want := range []string{`type="date"`, `value="2031-02-30"`, "typo &lt;b&gt;", `id="field-proposed-error"`,
			`href="#field-proposed"`, `name="category" value="profile"`, views.FormatDate(l.Code, "1990-05-17")} {
			if !strings.Contains(second, want) {
				t.Errorf("%s: %s missing from the second step", l.Code, want)
			}
		}
		row := render(t, l.Code, views.RectifyPage(page(l.Code, "rectify.title", customer), views.RectifyForm{
			Chosen: true, Category: "contact", Field: "body", RecordID: 31, Current: "Where is it?", Proposed: "Where is it?"}))
		if !strings.Contains(row, `name="record" value="31"`) {
			t.Errorf("%s: the record is not kept", l.Code)
		}
	}
}

func TestCustomerLookupPageRenders(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC)
	for _, l := range i18n.Supported {
		out := render(t, l.Code, views.CustomerLookupPage(page(l.Code, "customers.title", staff), views.CustomerLookup{
			Query: "ada", Searched: true, Results: []views.CustomerResult{{ID: 3, Name: "Ada", Email: "ada@example.com", CreatedAt: at}}}))
		if !strings.Contains(out, `href="/staff/customers/3"`) || !strings.Contains(out, `value="ada"`) {
			t.Errorf("%s: result link or kept query missing", l.Code)
		}
		none := render(t, l.Code, views.CustomerLookupPage(page(l.Code, "customers.title", staff), views.CustomerLookup{Query: "zz", Searched: true}))
		if !strings.Contains(none, i18n.Tl(l.Code, "customers.none.title")) {
			t.Errorf("%s: no empty state", l.Code)
		}
	}
}
