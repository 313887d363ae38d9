package views_test

import (
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

var deskNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func deskDashboard() views.DeskDashboard {
	d := views.DeskDashboard{Open: 7, Overdue: 2, DueThisWeek: 3, MedianDays: 12.5, Closed: 40,
		OpenByStatus: []views.DeskCount{{Status: models.StatusInReview, Count: 5}, {Status: models.StatusAwaitingVerification, Count: 2}}}
	for i := range 12 {
		d.Weeks = append(d.Weeks, views.DeskWeek{Start: deskNow.AddDate(0, 0, -7*(11-i)), Count: int64(i)})
	}
	return d
}

func TestStaffDashboard(t *testing.T) {
	t.Parallel()
	for _, l := range i18n.Supported {
		out := render(t, l.Code, views.StaffHomePage(page(l.Code, "staff.title", staff), deskDashboard()))
		assertContains(t, out, `role="img"`, `aria-labelledby="weekly-title weekly-desc"`, `<title id="weekly-title">`,
			`<desc id="weekly-desc">`, `class="stat stat--danger"`, `href="/staff/requests?due=overdue"`,
			`href="/staff/requests?status=in_review"`, "<caption id=\"weekly-table-caption\">", `<th scope="row"`,
			html.EscapeString(i18n.Tl(l.Code, "desk.dashboard.median")))
		if n := strings.Count(out, `class="chart__bar"`); n != 12 {
			t.Errorf("%s: %d bars, want 12", l.Code, n)
		}
		if n := strings.Count(out, "<tr>"); n < 13 {
			t.Errorf("%s: the table alternative has %d rows", l.Code, n)
		}
		assertLacks(t, out, "style=", "<script")
	}
	quiet := render(t, "en", views.StaffHomePage(page("en", "staff.title", staff), views.DeskDashboard{}))
	assertContains(t, quiet, i18n.Tl("en", "staff.queue.empty.title"), i18n.Tl("en", "desk.dashboard.median_none"))
	assertLacks(t, quiet, "stat--danger")
}

func TestDeskQueuePage(t *testing.T) {
	t.Parallel()
	q := views.DeskQueue{Now: deskNow, Return: "/staff/requests?kind=access",
		Filter:     views.DeskFilter{Kind: "access", Errors: views.FieldErrors{"due": "Choose one of the listed values."}},
		Pagination: views.Pagination{Page: 1, PerPage: 1, Total: 2, BaseURL: "/staff/requests?kind=access"},
		Rows: []views.DeskQueueRow{
			{ID: 41, Kind: models.RequestAccess, Status: models.StatusInReview, RequesterName: "Ada Lovelace", RequesterEmail: "ada@example.com",
				ReceivedAt: deskNow.AddDate(0, -1, 0), DueAt: deskNow.Add(-50 * time.Hour), Repeat: true},
			{ID: 42, Kind: models.RequestErasure, Status: models.StatusAwaitingVerification, RequesterEmail: "x@example.com",
				ReceivedAt: deskNow, DueAt: deskNow.AddDate(0, 1, 0), AssigneeName: "Sam", AssignedToMe: true},
		}}
	out := render(t, "en", views.DeskQueuePage(page("en", "desk.queue.title", staff), q))
	assertContains(t, out, `href="/staff/requests/41"`, "#41", "Ada Lovelace", "ada@example.com", "3 days overdue", "badge badge--danger",
		i18n.Tl("en", "desk.flag.repeat"), `action="/staff/requests/41/assign"`, `name="next" value="/staff/requests?kind=access"`,
		`<option value="access" selected`, `href="/staff/requests?kind=access&amp;page=2"`, "Choose one of the listed values.")
	// Already mine: no button.
	assertLacks(t, out, `action="/staff/requests/42/assign"`)
	for _, l := range i18n.Supported {
		out := render(t, l.Code, views.DeskQueuePage(page(l.Code, "desk.queue.title", staff), views.DeskQueue{Now: deskNow}))
		assertContains(t, out, html.EscapeString(i18n.Tl(l.Code, "desk.queue.empty.title")))
	}
}

func deskRequest(status models.RequestStatus) views.DeskRequest {
	uid, staffID, of := int64(7), int64(3), int64(40)
	verified := deskNow.Add(-time.Hour)
	return views.DeskRequest{
		Request: models.PrivacyRequest{ID: 41, UserID: &uid, Kind: models.RequestRectification, Status: status, Channel: models.ChannelPortal,
			RequesterName: "Ada Lovelace", RequesterEmail: "ada@example.com", ReceivedAt: deskNow, DueAt: deskNow.AddDate(0, 1, 0),
			VerificationMethod: "session", VerifiedAt: &verified, VerifiedByID: &staffID, RepeatOfID: &of, DocumentRequired: true,
			DoubtReason: "the address differs"},
		Corrections: []models.RequestCorrection{{Category: "profile", Field: "last_name", CurrentValue: "Byron", ProposedValue: "Lovelace", Reason: "married"}},
		Documents:   []models.RequestDocument{{ID: 5, Purpose: models.DocumentIdentity, UploadedAt: deskNow}, {ID: 6, Purpose: models.DocumentIdentity, DestroyedAt: &deskNow}},
		Messages:    []models.RequestMessage{{AuthorKind: "requester", Body: "Please hurry", At: deskNow}},
		Notes:       []models.RequestNote{{AuthorID: 3, Body: "Checked with accounting", At: deskNow}},
		Events:      []models.RequestEvent{{Action: "file", ActorKind: "requester", At: deskNow}},
		Staff:       []views.DeskPerson{{ID: 3, Name: "Sam Staff"}, {ID: 4, Name: "Alex Admin"}},
		DenyCodes:   []string{"no_match", "other"},
		Now:         deskNow,
	}
}

var formActions = regexp.MustCompile(`action="/staff/requests/41/([a-z_]+)"`)

func TestDeskRequestPageOffersTheAllowedActions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status  models.RequestStatus
		actions []string
	}{
		{models.StatusAwaitingVerification, []string{"verify", "require_document", "reject_identity", "ask", "extend", "assign", "mark_duplicate", "deny"}},
		{models.StatusInReview, []string{"require_document", "ask", "approve", "extend", "assign", "mark_duplicate", "deny"}},
		{models.StatusApproved, []string{"complete", "extend", "assign"}},
		{models.StatusCompleted, nil},
	}
	for _, c := range cases {
		d := deskRequest(c.status)
		d.Actions = c.actions
		out := render(t, "en", views.DeskRequestPage(page("en", "desk.request.title", staff), d))
		var got []string
		for _, m := range formActions.FindAllStringSubmatch(out, -1) {
			if m[1] != "message" && m[1] != "note" {
				got = append(got, m[1])
			}
		}
		if strings.Join(got, ",") != strings.Join(c.actions, ",") {
			t.Errorf("%s: forms %v, want %v", c.status, got, c.actions)
		}
	}
}

func TestDeskRequestPage(t *testing.T) {
	t.Parallel()
	d := deskRequest(models.StatusInReview)
	d.Actions = []string{"deny", "extend", "assign"}
	d.Form = views.DeskForm{Values: map[string]string{"deny_code": "other", "deny_text": "kept <text>"},
		Errors: views.FieldErrors{"deny_text": "Write the text the requester will receive."}}
	for _, l := range i18n.Supported {
		out := render(t, l.Code, views.DeskRequestPage(page(l.Code, "desk.request.title", staff), d))
		assertContains(t, out, "Ada Lovelace", "ada@example.com", `href="/staff/customers/7"`,
			`href="/staff/requests/41/documents/5"`, "Byron", "Lovelace", "married", "Please hurry", "Checked with accounting",
			html.EscapeString(i18n.Tl(l.Code, "desk.notes.staff_only")), "the address differs", "Sam Staff",
			`<option value="other" selected`, "kept &lt;text&gt;", `aria-invalid="true"`, `href="#field-deny_text"`,
			`<option value="0" selected`, `href="/staff/requests/40"`)
		assertLacks(t, out, `href="/staff/requests/41/documents/6"`, "style=", "<script")
		seen := map[string]bool{}
		for _, m := range idAttr.FindAllStringSubmatch(out, -1) {
			if seen[m[1]] {
				t.Errorf("%s: the id %q is used twice", l.Code, m[1])
			}
			seen[m[1]] = true
		}
		for _, m := range labelFor.FindAllStringSubmatch(out, -1) {
			if !seen[m[1]] {
				t.Errorf("%s: a label for %q, which is no element", l.Code, m[1])
			}
		}
	}
}

var (
	idAttr   = regexp.MustCompile(` id="([^"]+)"`)
	labelFor = regexp.MustCompile(`<label for="([^"]+)"`)
)
