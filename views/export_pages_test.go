package views_test

import (
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// TestExportProgressStates: the part of a package's page its script
// swaps in says where the package is, in the reader's language; only a
// ready package offers the download, and one past its expiry reads
// expired before the sweep has run.
func TestExportProgressStates(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	later, earlier := now.Add(48*time.Hour), now.Add(-time.Minute)
	cases := []struct {
		name       string
		e          models.Export
		lang       string
		want, lack []string
	}{
		{"queued", models.Export{ID: 7, Status: models.ExportQueued}, "en",
			[]string{`data-done="false"`, i18n.Tl("en", "export.status.queued"), i18n.Tl("en", "export.step.waiting"), `<progress`},
			[]string{"/download"}},
		{"building", models.Export{ID: 7, Status: models.ExportBuilding, Step: "photos", Progress: 42}, "fr",
			[]string{`data-done="false"`, i18n.Tl("fr", "export.step.photos"), `value="42"`, "42 %"},
			[]string{"/download"}},
		{"ready", models.Export{ID: 7, Status: models.ExportReady, SizeBytes: 1_234_567, ExpiresAt: &later}, "en",
			[]string{`data-done="true"`, `href="/account/export/7/download"`, "1.2\u00a0MB", `datetime="2026-03-06T10:00:00Z"`},
			[]string{`<progress`}},
		{"ready past its expiry", models.Export{ID: 7, Status: models.ExportReady, ExpiresAt: &earlier}, "zh-CN",
			[]string{`data-done="true"`, i18n.Tl("zh-CN", "export.status.expired"), i18n.Tl("zh-CN", "export.expired.body")},
			[]string{"/download"}},
		{"failed", models.Export{ID: 7, Status: models.ExportFailed}, "en",
			[]string{`data-done="true"`, i18n.Tl("en", "export.failed.body")},
			[]string{"/download", `<progress`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, c.lang, views.ExportProgress(views.ExportView{Export: c.e, Now: now}))
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in %s", w, out)
				}
			}
			for _, l := range c.lack {
				if strings.Contains(out, l) {
					t.Errorf("unexpected %q in %s", l, out)
				}
			}
		})
	}
}

// TestExportPageRefreshesOnlyWhileBuilding: the <noscript> refresh and
// the script are on the page only when the handler asks for them.
func TestExportPageRefreshesOnlyWhileBuilding(t *testing.T) {
	t.Parallel()
	e := models.Export{ID: 3, Status: models.ExportBuilding}
	p := views.Page{Locale: "en", Title: "x", Refresh: views.ExportRefresh, Script: views.ExportScript}
	out := render(t, "en", views.ExportPackagePage(p, views.ExportView{Export: e}))
	if !strings.Contains(out, `<noscript><meta http-equiv="refresh" content="4"></noscript>`) || !strings.Contains(out, `<script src="/assets/js/export.`) {
		t.Errorf("a building package's page neither refreshes nor polls:\n%s", out)
	}
	out = render(t, "en", views.ExportPackagePage(views.Page{Locale: "en", Title: "x"}, views.ExportView{Export: e}))
	if strings.Contains(out, "http-equiv") || strings.Contains(out, "<script") {
		t.Error("a page that did not ask for it refreshes or has a script")
	}
}
