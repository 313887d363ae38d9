//go:build e2e

package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/models"
)

var exportPath = regexp.MustCompile(`^/account/export/(\d+)$`)

// waitFor polls until poll is true, as a person waits for a page to
// change by itself.
func waitFor(t *testing.T, poll func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		if poll() {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: not within %s", what, stepTimeout)
}

// TestExportJourney goes from the click on "Download my data" to the
// downloaded ZIP, opened and checked: the form (axe-clean in every
// language, and with its error), the package's page while it waits, the
// page's script swapping in the ready state without a reload when the
// job has run, and the download, clicked and saved by the browser.
func TestExportJourney(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		ctx := newTab(t)
		signIn(t, ctx, p.URL, p.login(t, "customer"))
		wantPath(t, ctx, "/account")
		open(t, ctx, p.URL, "/account/data")
		submit(t, ctx, "follow Download my data", chromedp.Click(chromedp.CSS(`main a[href="/account/export"]`)))
		wantPath(t, ctx, "/account/export")
		for _, lang := range requestLangs {
			switchLanguage(t, ctx, lang)
			checkPage(t, ctx, p, lang, "/account/export")
		}
		if p.srv.Dialect() == models.SQLite {
			switchLanguage(t, ctx, "en")
			open(t, ctx, p.URL, "/account/export")
			saveScreenshot(t, ctx, "export-form.png")
		}
		// Everything unticked: refused beside the field.
		evalJS[bool](t, ctx, `(document.querySelectorAll('input[name="categories"]').forEach(c => c.checked = false), true)`)
		if st := submitForm(t, ctx, "/account/export"); st != http.StatusUnprocessableEntity {
			t.Fatalf("nothing ticked: status %d, want 422", st)
		}
		checkA11y(t, ctx, "/account/export with its error")

		open(t, ctx, p.URL, "/account/export")
		if st := submitForm(t, ctx, "/account/export"); st != http.StatusOK {
			t.Fatalf("ask: status %d", st)
		}
		id := pathID(t, ctx, exportPath)
		if e := p.export(t, id); e.Status != models.ExportQueued {
			t.Fatalf("asked: %s", e.Status)
		}
		checkA11y(t, ctx, "a queued package")
		// A mark on the page: still there after the swap, so the page was
		// updated in place, not reloaded.
		evalJS[bool](t, ctx, `(window.__notReloaded = true)`)
		runJobs(t, p)
		waitFor(t, func() bool {
			return evalJS[bool](t, ctx, `!!document.querySelector('#export-status[data-done="true"] a[href$="/download"]')`)
		}, "the ready state swapped in")
		if !evalJS[bool](t, ctx, `window.__notReloaded === true`) {
			t.Error("the page reloaded instead of updating in place")
		}
		checkA11y(t, ctx, "a ready package")
		if p.srv.Dialect() == models.SQLite {
			saveScreenshot(t, ctx, "export-ready.png")
		}

		raw := download(t, ctx, `#export-status a[href$="/download"]`)
		zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			t.Fatalf("the download is not a ZIP: %v", err)
		}
		names := map[string]bool{}
		for _, f := range zr.File {
			names[f.Name] = true
		}
		for _, want := range []string{"index.html", "data.json"} {
			if !names[want] {
				t.Errorf("the ZIP lacks %s: %v", want, names)
			}
		}
		if e := p.export(t, id); e.Downloads != 1 || int64(len(raw)) != e.SizeBytes {
			t.Errorf("after the download: %d downloads, %d bytes of %d", e.Downloads, len(raw), e.SizeBytes)
		}

		// The desk's packages panel and the notes' withhold control, on
		// the demo's access request answered by a package (built above).
		var r models.PrivacyRequest
		if err := p.srv.DB().Where("id IN (SELECT request_id FROM exports WHERE request_id IS NOT NULL)").Take(&r).Error; err != nil {
			t.Fatal(err)
		}
		var sam models.User
		if err := p.srv.DB().Where("role = ?", models.RoleStaff).Take(&sam).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := p.srv.Requests().AddNote(t.Context(), actor.Actor{Kind: actor.Staff, UserID: sam.ID}, r.ID, "Her sister called about this order."); err != nil {
			t.Fatal(err)
		}
		staff := newTab(t)
		signIn(t, staff, p.URL, p.login(t, "staff"))
		enrolTOTP(t, staff, nil)
		desk := "/staff/requests/" + strconv.FormatInt(r.ID, 10)
		for _, lang := range requestLangs {
			switchLanguage(t, staff, lang)
			checkPage(t, staff, p, lang, desk)
			if !evalJS[bool](t, staff, `!!document.querySelector('#desk-exports') && !!document.querySelector('form[action$="/resend"]') && !!document.querySelector('form[action$="/withhold"] select[name="reason"]')`) {
				t.Errorf("%s %s: no packages panel with its resend button, or no withhold control", lang, desk)
			}
		}
	})
}

// download clicks the link sel as a person would and returns the file
// the browser saved: the tab's browser context saves downloads into a
// folder of the test's, and the file is read once the browser has
// finished writing it (it renames the partial file at the end).
func download(t *testing.T, ctx context.Context, sel string) []byte {
	t.Helper()
	dir := t.TempDir()
	c := chromedp.FromContext(ctx)
	events := true
	if _, err := cdp.Call(ctx, c.Browser, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: c.BrowserContextID,
		DownloadPath: dir, EventsEnabled: &events}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	click(t, ctx, sel)
	var saved string
	waitFor(t, func() bool {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".zip") {
				saved = filepath.Join(dir, e.Name())
				return true
			}
		}
		return false
	}, "the browser saved the download")
	if !strings.HasPrefix(filepath.Base(saved), "my-data-") {
		t.Errorf("saved as %q, want the package's name", filepath.Base(saved))
	}
	raw, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func (p *portal) export(t *testing.T, id int64) models.Export {
	t.Helper()
	var e models.Export
	if err := p.srv.DB().WithContext(t.Context()).Take(&e, id).Error; err != nil {
		t.Fatal(err)
	}
	return e
}
