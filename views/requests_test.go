package views_test

import (
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// requestPages are the intake's pages as their handlers call them.
func requestPages(locale string) map[string]templ.Component {
	dup := int64(3)
	r := models.PrivacyRequest{ID: 7, Kind: models.RequestErasure, Status: models.StatusWaitingRequester, Details: "Erase <b>all</b>",
		ReceivedAt: when, DueAt: when.AddDate(0, 1, 0), DuplicateOfID: &dup, DocumentRequired: false}
	v := views.RequestView{Request: r, Now: when, Base: "/account/requests/7", CanCancel: true, CanReply: true,
		Events:   []models.RequestEvent{{At: when, ActorKind: "requester", Action: "file"}},
		Messages: []models.RequestMessage{{At: when, AuthorKind: "staff", Body: "Which photos?"}}}
	fix := v
	fix.Request.Kind = models.RequestRectification
	fix.Corrections = []models.RequestCorrection{{Category: "profile", Field: "phone", CurrentValue: "+33600000012",
		ProposedValue: "+33600000034", Reason: "new <number>"}}
	fix.FieldLabels = map[string]string{"profile.phone": "Phone number"}
	confirm := v
	confirm.ConfirmCancel, confirm.ReplyError, confirm.Reply = true, i18n.Tl(locale, "request.error.message_required"), "typed"
	form := views.RequestForm{Kind: "objection", Details: "kept text", Choices: []views.CategoryChoice{{Key: "photos", Label: "Photos"}},
		Categories: []string{"photos"}, Errors: views.FieldErrors{"objection_ground": i18n.Tl(locale, "request.error.ground_required")},
		Name: "Zoé", Email: "zoe@example.com"}
	m := map[string]templ.Component{
		"list":        views.RequestsPage(page(locale, "myrequests.title", customer), views.RequestList{Items: []models.PrivacyRequest{r}, Now: when}),
		"list empty":  views.RequestsPage(page(locale, "myrequests.title", customer), views.RequestList{Now: when}),
		"new":         views.NewRequestPage(page(locale, "myrequests.new", customer), form),
		"request":     views.RequestPage(page(locale, "myrequests.title", customer), v),
		"confirm":     views.RequestPage(page(locale, "myrequests.title", customer), confirm),
		"correction":  views.RequestPage(page(locale, "myrequests.title", customer), fix),
		"public form": views.PublicRequestPage(page(locale, "publicrequest.title", nil), form),
		"code":        views.PublicCodePage(page(locale, "publicrequest.code.title", nil), 7, i18n.Tl(locale, "request.error.code_invalid")),
		"check":       views.PublicCheckPage(page(locale, "publicrequest.check.title", nil), views.PublicCheck{ID: 7}),
		"check strict": views.PublicCheckPage(page(locale, "publicrequest.check.title", nil), views.PublicCheck{ID: 7, Strict: true, Phone: "0612",
			Errors: views.FieldErrors{"declared": i18n.Tl(locale, "request.error.declaration_required")}}),
		"gate":   views.StatusGatePage(page(locale, "publicrequest.title", nil), 7, true, ""),
		"status": views.PublicStatusPage(page(locale, "publicrequest.title", nil), views.RequestView{Request: r, Now: when, Base: "/requests/status/7", NextStep: "/requests/check/7", PermissionURL: "/requests/status/7/permission"}),
	}
	for _, next := range []string{"verified", "document", "staff", "duplicate"} {
		m["received "+next] = views.PublicReceivedPage(page(locale, "publicrequest.received.title", nil), 7, next)
	}
	return m
}

// TestRequestPagesRender: every intake page renders in every language
// with no message id left untranslated, and escapes what people typed.
func TestRequestPagesRender(t *testing.T) {
	t.Parallel()
	for _, l := range i18n.Supported {
		for name, c := range requestPages(l.Code) {
			t.Run(l.Code+"/"+name, func(t *testing.T) {
				out := render(t, l.Code, c)
				for _, prefix := range []string{"myrequests.", "publicrequest.", "request.error.", "request.kind.", "request.status."} {
					if strings.Contains(out, prefix) {
						t.Errorf("untranslated %s… in %s", prefix, name)
					}
				}
				if strings.Contains(out, "<b>all</b>") {
					t.Error("details not escaped")
				}
			})
		}
	}
	out := render(t, "en", requestPages("en")["new"])
	assertContains(t, out, `href="/account/requests/new/rectification"`, "kept text", `value="photos" checked`, `href="#field-objection_ground"`)
	out = render(t, "en", requestPages("en")["confirm"])
	assertContains(t, out, `action="/account/requests/7/cancel"`, `name="confirm" value="yes"`, "typed", "Which photos?")
	// The requester sees what their rectification asks for, by the field's name.
	out = render(t, "en", requestPages("en")["correction"])
	assertContains(t, out, "Phone number", "+33600000012", "+33600000034", "new &lt;number&gt;")
	assertLacks(t, out, "profile.phone")
	assertLacks(t, render(t, "en", requestPages("en")["request"]), `id="request-corrections"`)
	out = render(t, "en", requestPages("en")["check strict"])
	assertContains(t, out, `name="declared"`, `value="0612"`)
	assertLacks(t, render(t, "en", requestPages("en")["check"]), `name="declared"`)
	assertLacks(t, render(t, "en", requestPages("en")["public form"]), "/account/requests/new/rectification")
}
