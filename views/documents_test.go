package views_test

import (
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

func TestDocumentUploadPage(t *testing.T) {
	for _, l := range i18n.Supported {
		t.Run(l.Code, func(t *testing.T) {
			f := views.DocumentUploadForm{RequestID: 7, Purpose: models.DocumentIdentity, Action: "/account/requests/7/document",
				Back: "/account/requests/7", Wanted: true, Error: i18n.Tl(l.Code, "request.document.error.type")}
			out := render(t, l.Code, views.DocumentUploadPage(page(l.Code, "request.document.title", nil), f))
			assertContains(t, out,
				`action="/account/requests/7/document" enctype="multipart/form-data"`,
				`<label for="field-document">`, `type="file"`, `accept="image/jpeg,image/png,application/pdf`,
				`aria-describedby="field-document-hint field-document-error"`, `aria-invalid="true"`,
				`<a href="#field-document">`,
				i18n.Tl(l.Code, "request.document.needed.name"), i18n.Tl(l.Code, "request.document.needed.photo"),
				i18n.Tl(l.Code, "request.document.blackout"), i18n.Tl(l.Code, "request.document.hint"),
				i18n.Tl(l.Code, "request.document.error.type"), `href="/account/requests/7"`,
			)
			f = views.DocumentUploadForm{RequestID: 7, Purpose: models.DocumentAgentPermission, Action: "/requests/status/7/permission",
				Back: "/requests/status/7", Wanted: true, Received: []time.Time{time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}}
			out = render(t, l.Code, views.DocumentUploadPage(page(l.Code, "request.permission.title", nil), f))
			assertContains(t, out, i18n.Tl(l.Code, "request.permission.needed.signature"), i18n.Tl(l.Code, "request.permission.submit"),
				i18n.Tl(l.Code, "request.document.received"), `<time`)
			assertLacks(t, out, `aria-invalid`, i18n.Tl(l.Code, "request.document.needed.photo"))
			f.Wanted = false
			out = render(t, l.Code, views.DocumentUploadPage(page(l.Code, "request.permission.title", nil), f))
			assertContains(t, out, i18n.Tl(l.Code, "request.permission.not_wanted"))
			assertLacks(t, out, `type="file"`)
		})
	}
}

func TestRequestDocumentsForStaff(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	docs := []models.RequestDocument{
		{ID: 3, RequestID: 9, Purpose: models.DocumentIdentity, FileKey: "k", ContentType: "image/jpeg", SizeBytes: 2048, UploadedAt: now},
		{ID: 4, RequestID: 9, Purpose: models.DocumentIdentity, ContentType: "application/pdf", SizeBytes: 10, UploadedAt: now, DestroyedAt: &now},
	}
	out := render(t, "en", views.RequestDocuments(9, docs))
	assertContains(t, out, `href="/staff/requests/9/documents/3"`, "JPEG", "2 KB", "PDF", i18n.Tl("en", "request.document.staff.destroyed"))
	assertLacks(t, out, `/documents/4"`)
}
