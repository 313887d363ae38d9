//go:build e2e

package e2e

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/models"
)

// unpack writes the package's files into a fresh folder, as a customer
// unzipping it would, and returns the folder.
func unpack(t *testing.T, zipped []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatalf("the package is not a ZIP: %v", err)
	}
	dir := t.TempDir()
	for _, f := range zr.File {
		if strings.Contains(f.Name, "..") || strings.HasPrefix(f.Name, "/") {
			t.Fatalf("unsafe name in the package: %q", f.Name)
		}
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestExportReportAccessible builds the demo customer's package in each
// language, unzips it and opens index.html from disk, as its owner would:
// axe finds nothing, the page is in that language, and it loads nothing
// from anywhere (no request leaves the folder).
func TestExportReportAccessible(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		customer := p.userOf(t, camilleEmail)
		ctx := newTab(t)
		for _, lang := range requestLangs {
			uid := customer.ID
			e := models.Export{UserID: &uid, Status: models.ExportQueued, Locale: lang, RequestedByKind: "customer",
				RequestedByID: &uid, CreatedAt: time.Now().UTC()}
			if err := p.srv.DB().Create(&e).Error; err != nil {
				t.Fatal(err)
			}
			if err := p.srv.Exports().Build(t.Context(), e.ID); err != nil {
				t.Fatalf("%s: build: %v", lang, err)
			}
			if err := p.srv.DB().Where("id = ?", e.ID).Take(&e).Error; err != nil || e.Status != models.ExportReady {
				t.Fatalf("%s: package %s (%v)", lang, e.Status, err)
			}
			zipped, err := p.srv.Vault().Get(e.FileKey)
			if err != nil {
				t.Fatal(err)
			}
			dir := unpack(t, zipped)
			var requested []string
			page := "file://" + filepath.ToSlash(filepath.Join(dir, "index.html"))
			if _, err := chromedp.Run(ctx, chromedp.Navigate(page)); err != nil {
				t.Fatalf("%s: open index.html: %v", lang, err)
			}
			if got := htmlLang(t, ctx); got != lang {
				t.Errorf("index.html is in %q, want %s", got, lang)
			}
			// Every resource the page loaded is a file of the package.
			res, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
				`performance.getEntriesByType("resource").map(e => e.name)`))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range res {
				if !strings.HasPrefix(r, "file://"+filepath.ToSlash(dir)) {
					requested = append(requested, r)
				}
			}
			if len(requested) > 0 {
				t.Errorf("%s: index.html loaded %q from outside the package", lang, requested)
			}
			checkA11y(t, ctx, lang+" index.html")
			if lang == "fr" {
				wantText(t, ctx, "index.html (fr)", "Camille")
			}
		}
	})
}
