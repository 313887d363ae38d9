package web

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The export's rows of the authorization matrix. Package and note ids
// nobody has: a customer's own routes answer 404, the public download
// sends a visitor without the request's pass to its status page, and the
// desk's actions are staff's (404 once let in). TestExportDesk and
// TestExportCustomerJourney do the same on real packages.
func init() {
	const none = "987654321"
	matrix["GET /account/export"] = matrixRow("/account/export", nil, expect{see, ok, forbid, forbid})
	// Nothing ticked: refused beside the field.
	matrix["POST /account/export"] = matrixRow("/account/export", url.Values{"x": {"1"}}, expect{see, invalid, forbid, forbid})
	matrix["GET /account/export/{id}"] = matrixRow("/account/export/"+none, nil, expect{see, notFound, forbid, forbid})
	matrix["GET /account/export/{id}/progress"] = matrixRow("/account/export/"+none+"/progress", nil, expect{see, notFound, forbid, forbid})
	matrix["GET /account/export/{id}/download"] = matrixRow("/account/export/"+none+"/download", nil, expect{see, notFound, forbid, forbid})
	matrix["GET /requests/status/{id}/export/{eid}"] = matrixRow("/requests/status/"+none+"/export/1", nil, expect{see, see, see, see})
	matrix["POST /staff/requests/{id}/exports"] = matrixRow("/staff/requests/"+none+"/exports", nil, expect{see, forbid, notFound, notFound})
	matrix["POST /staff/requests/{id}/exports/{eid}/rebuild"] = matrixRow("/staff/requests/"+none+"/exports/1/rebuild", nil, expect{see, forbid, notFound, notFound})
	matrix["POST /staff/requests/{id}/exports/{eid}/resend"] = matrixRow("/staff/requests/"+none+"/exports/1/resend", nil, expect{see, forbid, notFound, notFound})
	matrix["POST /staff/requests/{id}/notes/{note}/withhold"] = matrixRow("/staff/requests/"+none+"/notes/1/withhold",
		url.Values{"reason": {models.WithholdThirdParty}}, expect{see, forbid, notFound, notFound})
}

var exportLocation = regexp.MustCompile(`^/account/export/(\d+)$`)

func loadExport(t *testing.T, p *portal, id int64) models.Export {
	t.Helper()
	var e models.Export
	if err := p.DB().Take(&e, id).Error; err != nil {
		t.Fatal(err)
	}
	return e
}

// checkZip reads a downloaded package: a valid ZIP holding data.json and
// the report.
func checkZip(t *testing.T, res *http.Response, body string) {
	t.Helper()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("download: %d", res.StatusCode)
	}
	h := res.Header
	if h.Get("Content-Type") != "application/zip" || !strings.HasPrefix(h.Get("Content-Disposition"), `attachment; filename="my-data-`) ||
		h.Get("Cache-Control") != "no-store" || h.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Errorf("download headers: %v (body %d bytes)", h, len(body))
	}
	zr, err := zip.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("not a ZIP: %v", err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	if !names["data.json"] || !names["index.html"] {
		t.Errorf("the package holds %v", names)
	}
}

func getBody(t *testing.T, p *portal, c *http.Client, path string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(p.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func TestExportCustomerJourney(t *testing.T) {
	t.Parallel()
	eachDB(t, testExportCustomerJourney)
}

func testExportCustomerJourney(t *testing.T, p *portal) {
	c := p.signedIn(t, "customer")
	me := userByEmail(t, p, p.logins["customer"].Email)
	// The pages speak the customer's language (the demo's is French).
	tr := func(id string) string { return i18n.Tl(me.Locale, id) }

	for _, path := range []string{"/account", "/account/data"} {
		if _, body := p.get(t, c, path); !strings.Contains(body, `href="/account/export"`) {
			t.Errorf("%s does not link to the export", path)
		}
	}
	res, body := p.get(t, c, "/account/export")
	if res.StatusCode != http.StatusOK || strings.Count(body, `name="categories"`) != len(holdings.Entries()) ||
		strings.Count(body, " checked") < len(holdings.Entries()) {
		t.Fatalf("form: %d, %d boxes, %d ticked", res.StatusCode, strings.Count(body, `name="categories"`), strings.Count(body, " checked"))
	}
	// Nothing ticked: the error beside the field, nothing ticked kept.
	res, body = p.postBody(t, c, "/account/export", url.Values{}, nil)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tr("export.error.no_category")) ||
		strings.Contains(body, " checked") {
		t.Fatalf("nothing ticked: %d", res.StatusCode)
	}

	// Ask for two categories: queued, then built by the job.
	res = p.post(t, c, "/account/export", url.Values{"categories": {holdings.KeyProfile, holdings.KeyOrders}})
	m := exportLocation.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("ask: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	if e := loadExport(t, p, id); e.Status != models.ExportQueued || e.UserID == nil || *e.UserID != me.ID ||
		e.Categories != holdings.KeyProfile+","+holdings.KeyOrders {
		t.Fatalf("asked: %+v", e)
	}
	res, body = p.get(t, c, m[0])
	if res.StatusCode != http.StatusOK || !strings.Contains(body, tr("export.status.queued")) || !strings.Contains(body, `http-equiv="refresh"`) ||
		!strings.Contains(body, "/assets/js/export.") || !strings.Contains(body, `data-done="false"`) {
		t.Fatalf("queued page: %d", res.StatusCode)
	}
	if res, frag := p.get(t, c, m[0]+"/progress"); res.StatusCode != http.StatusOK || !strings.Contains(frag, `data-export-progress=`) ||
		strings.Contains(frag, "<html") {
		t.Fatalf("progress fragment: %d", res.StatusCode)
	}
	if res, _ := p.get(t, c, m[0]+"/download"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != m[0] {
		t.Fatalf("download before ready: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	runJobs(t, p)
	e := loadExport(t, p, id)
	if e.Status != models.ExportReady || e.NotifiedAt == nil {
		t.Fatalf("built: %s, notified %v", e.Status, e.NotifiedAt)
	}
	res, body = p.get(t, c, m[0])
	if res.StatusCode != http.StatusOK || !strings.Contains(body, tr("export.status.ready")) || strings.Contains(body, `http-equiv="refresh"`) ||
		!strings.Contains(body, `href="`+m[0]+`/download"`) || !strings.Contains(body, `data-done="true"`) {
		t.Fatalf("ready page: %d", res.StatusCode)
	}
	if mail := lastMail(t, p, me.Email, export.MailReady); mail == nil || !strings.Contains(mail.TextBody, m[0]) {
		t.Error("no “your data is ready” mail with the package's link")
	}
	res, body = getBody(t, p, c, m[0]+"/download")
	checkZip(t, res, body)
	if e := loadExport(t, p, id); e.Downloads != 1 {
		t.Errorf("downloads = %d", e.Downloads)
	}

	// A second ask the same day: when they can ask again.
	res, body = p.postBody(t, c, "/account/export", url.Values{"categories": {holdings.KeyProfile}}, nil)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, `class="banner banner--error"`) {
		t.Fatalf("second ask: %d", res.StatusCode)
	}

	// Another customer's package (the demo's, ready) is not found.
	other := otherCustomer(t, p)
	var theirs models.Export
	if err := p.DB().Where("user_id = ?", other.ID).Take(&theirs).Error; err != nil {
		t.Fatalf("the other demo customer has no package: %v", err)
	}
	for _, suffix := range []string{"", "/progress", "/download"} {
		if res, _ := p.get(t, c, export.PageURL(theirs.ID)+suffix); res.StatusCode != http.StatusNotFound {
			t.Errorf("another's package%s: %d", suffix, res.StatusCode)
		}
	}

	// Past its expiry: 410, and the file is gone from the vault.
	if err := p.DB().Model(&models.Export{}).Where("id = ?", id).Update("expires_at", time.Now().Add(-time.Minute)).Error; err != nil {
		t.Fatal(err)
	}
	if !p.Vault().Exists(e.FileKey) {
		t.Fatal("the ready file is not in the vault")
	}
	if res, _ := p.get(t, c, m[0]+"/download"); res.StatusCode != http.StatusGone {
		t.Fatalf("expired download: %d", res.StatusCode)
	}
	if p.Vault().Exists(e.FileKey) {
		t.Error("the expired file is still in the vault")
	}
	if _, body := p.get(t, c, m[0]); !strings.Contains(body, tr("export.expired.body")) {
		t.Error("the expired package's page does not say so")
	}

	// Asking needs a recent re-authentication.
	staleReauth(t, p, c)
	if res, _ := p.get(t, c, "/account/export"); res.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(res.Header.Get("Location"), "/security/confirm") {
		t.Fatalf("stale session, the form: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// The package's page and its download stay open to the signed-in owner.
	if res, _ := p.get(t, c, m[0]); res.StatusCode != http.StatusOK {
		t.Fatalf("stale session, the package's page: %d", res.StatusCode)
	}
	res = p.post(t, c, "/account/export", url.Values{"categories": {holdings.KeyProfile}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/security/confirm") {
		t.Fatalf("stale session: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// requestWithExport stores an access request waiting for its package and
// hands it to the export service, as an approval does.
func requestWithExport(t *testing.T, p *portal, r models.PrivacyRequest) (models.PrivacyRequest, models.Export) {
	t.Helper()
	now := time.Now().UTC()
	r.Kind, r.Status, r.Jurisdiction, r.Locale = models.RequestAccess, models.StatusWaitingFulfilment, models.JurisdictionGDPR, "en"
	r.ReceivedAt, r.FirstDueAt, r.DueAt = now, now.AddDate(0, 1, 0), now.AddDate(0, 1, 0)
	err := p.DB().Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		return p.Exports().StartForRequest(tx, &r)
	})
	if err != nil {
		t.Fatal(err)
	}
	var e models.Export
	if err := p.DB().Where("request_id = ?", r.ID).Take(&e).Error; err != nil {
		t.Fatal(err)
	}
	return r, e
}

func TestExportDesk(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	me := userByEmail(t, p, p.logins["customer"].Email)
	r, e := requestWithExport(t, p, models.PrivacyRequest{UserID: &me.ID, Channel: models.ChannelPortal,
		RequesterEmail: me.Email, RequesterName: me.Name})
	runJobs(t, p)
	if e = loadExport(t, p, e.ID); e.Status != models.ExportReady {
		t.Fatalf("built: %s", e.Status)
	}
	// The customer's request page leads to the package answering it.
	customer := p.signedIn(t, "customer")
	if res, body := p.get(t, customer, "/account/requests/"+strconv.FormatInt(r.ID, 10)); res.StatusCode != http.StatusOK ||
		!strings.Contains(body, `href="`+export.PageURL(e.ID)+`"`) {
		t.Errorf("the request's page does not link to its package: %d", res.StatusCode)
	}
	if res, _ := p.get(t, customer, export.PageURL(e.ID)); res.StatusCode != http.StatusOK {
		t.Errorf("the request's package page: %d", res.StatusCode)
	}
	staff := p.signedIn(t, "staff")
	res := p.post(t, staff, deskPath(r.ID, "note"), url.Values{"note_body": {"Her neighbour called about this order."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("note: %d", res.StatusCode)
	}
	var note models.RequestNote
	p.DB().Where("request_id = ?", r.ID).Take(&note)
	res, body := p.get(t, staff, deskPath(r.ID, ""))
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Download packages") ||
		!strings.Contains(body, deskPath(r.ID, "exports/"+strconv.FormatInt(e.ID, 10)+"/resend")) ||
		!strings.Contains(body, deskPath(r.ID, "notes/"+strconv.FormatInt(note.ID, 10)+"/withhold")) {
		t.Fatalf("desk page: %d", res.StatusCode)
	}
	exportPath := func(id int64, action string) string {
		return deskPath(r.ID, "exports/"+strconv.FormatInt(id, 10)+"/"+action)
	}
	withholdPath := deskPath(r.ID, "notes/"+strconv.FormatInt(note.ID, 10)+"/withhold")

	// Customers are refused every desk action, on a real package and note.
	for _, path := range []string{exportPath(e.ID, "rebuild"), exportPath(e.ID, "resend"), withholdPath} {
		if res := p.post(t, customer, path, url.Values{"reason": {models.WithholdThirdParty}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("customer POST %s: %d", path, res.StatusCode)
		}
	}
	if got := loadExport(t, p, e.ID); got.Status != models.ExportReady {
		t.Errorf("a customer's POSTs left the package %s", got.Status)
	}
	// Another request's package, through this request's path: not found.
	var demoPkg models.Export
	if err := p.DB().Where("request_id IS NULL").Take(&demoPkg).Error; err != nil {
		t.Fatal(err)
	}
	if res := p.post(t, staff, exportPath(demoPkg.ID, "resend"), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("another request's package: %d", res.StatusCode)
	}

	// Resend: a second mail, audited.
	var before int64
	p.DB().Model(&models.OutboxMessage{}).Where("template = ?", export.MailReady).Count(&before)
	if res := p.post(t, staff, exportPath(e.ID, "resend"), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resend: %d", res.StatusCode)
	}
	var after, audited int64
	p.DB().Model(&models.OutboxMessage{}).Where("template = ?", export.MailReady).Count(&after)
	p.DB().Model(&models.AuditEntry{}).Where("action = ?", "export.resent").Count(&audited)
	if after != before+1 || audited != 1 {
		t.Errorf("resend: %d → %d mails, %d audit entries", before, after, audited)
	}

	// Withhold the note, with a reason; a reason not listed is refused.
	if res := p.post(t, staff, withholdPath, url.Values{"reason": {"because"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bad reason: %d", res.StatusCode)
	}
	if p.DB().Take(&note, note.ID); note.Withheld != "" {
		t.Fatalf("a bad reason withheld the note: %q", note.Withheld)
	}
	if res := p.post(t, staff, withholdPath, url.Values{"reason": {models.WithholdThirdParty}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withhold: %d", res.StatusCode)
	}
	if p.DB().Take(&note, note.ID); note.Withheld != models.WithholdThirdParty || note.WithheldAt == nil {
		t.Fatalf("withheld: %+v", note)
	}
	if _, body := p.get(t, staff, deskPath(r.ID, "")); !strings.Contains(body, "Withheld from the export") {
		t.Error("no badge on the withheld note")
	}

	// Rebuild: the old package retired (file deleted), a new one queued.
	if res := p.post(t, staff, exportPath(e.ID, "rebuild"), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rebuild: %d", res.StatusCode)
	}
	if old := loadExport(t, p, e.ID); old.Status != models.ExportExpired {
		t.Errorf("rebuilt package: %s", old.Status)
	}
	if p.Vault().Exists(e.FileKey) {
		t.Error("the rebuilt package's old file is still in the vault")
	}
	var fresh models.Export
	p.DB().Where("request_id = ? AND id <> ?", r.ID, e.ID).Take(&fresh)
	if fresh.Status != models.ExportQueued {
		t.Fatalf("the new package: %+v", fresh)
	}
	// Resending a package not ready is said, not done.
	if res := p.post(t, staff, exportPath(fresh.ID, "resend"), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("resend of a queued package: %d", res.StatusCode)
	}
	if _, err := p.Exports().Rebuild(t.Context(), actor.Actor{Kind: actor.Customer, UserID: me.ID}, e.ID); err == nil {
		t.Error("the service let a customer rebuild")
	}
}

func TestExportPublicRequester(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	const email = "pat.doe@example.com"
	r, e := requestWithExport(t, p, models.PrivacyRequest{Channel: models.ChannelPublic, RequesterEmail: email, RequesterName: "Pat Doe"})
	runJobs(t, p)
	if e = loadExport(t, p, e.ID); e.Status != models.ExportReady {
		t.Fatalf("built: %s", e.Status)
	}
	id := strconv.FormatInt(r.ID, 10)
	status := "/requests/status/" + id
	download := status + "/export/" + strconv.FormatInt(e.ID, 10)
	if mail := lastMail(t, p, email, export.MailReady); mail == nil || !strings.Contains(mail.TextBody, status) {
		t.Fatal("no “your data is ready” mail with the status link")
	}

	// Without the request's pass: sent to the code step, nothing served.
	anon := p.client(t)
	if res, _ := p.get(t, anon, download); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != status {
		t.Fatalf("without a pass: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// A signed-in customer has no pass either.
	if res, _ := p.get(t, p.signedIn(t, "customer"), download); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a customer without the pass: %d", res.StatusCode)
	}
	if res := p.post(t, anon, status+"/send", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", res.StatusCode)
	}
	if res := p.post(t, anon, status+"/code", url.Values{"code": {requestCode(t, p, email)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("code: %d", res.StatusCode)
	}
	if res, body := p.get(t, anon, status); res.StatusCode != http.StatusOK || !strings.Contains(body, `href="`+download+`"`) {
		t.Fatalf("status page with the pass: %d, no download link", res.StatusCode)
	}
	// A HEAD is refused, and counts no download.
	head, _ := http.NewRequest(http.MethodHead, p.URL+download, nil)
	if res, err := anon.Do(head); err != nil || res.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("HEAD on the download: %v %v", res, err)
	}
	if got := loadExport(t, p, e.ID); got.Downloads != 0 {
		t.Errorf("a HEAD counted %d downloads", got.Downloads)
	}
	res, body := getBody(t, p, anon, download)
	checkZip(t, res, body)
	// The pass opens this request's packages only.
	var demoPkg models.Export
	if err := p.DB().Where("request_id IS NULL").Take(&demoPkg).Error; err != nil {
		t.Fatal(err)
	}
	if res, _ := p.get(t, anon, status+"/export/"+strconv.FormatInt(demoPkg.ID, 10)); res.StatusCode != http.StatusNotFound {
		t.Errorf("another package with this pass: %d", res.StatusCode)
	}
}

// TestExportPublicRequestOfAnAccount: a public request matched to an
// account is answered in the account. The package holds the whole
// account, so the mailed code that opens the request's status page does
// not download it: its mail points to the account's page, the status
// page says to sign in, and the public download is not found.
func TestExportPublicRequestOfAnAccount(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	me := userByEmail(t, p, p.logins["customer"].Email)
	r, e := requestWithExport(t, p, models.PrivacyRequest{UserID: &me.ID, Channel: models.ChannelPublic,
		RequesterEmail: me.Email, RequesterName: me.Name})
	runJobs(t, p)
	if e = loadExport(t, p, e.ID); e.Status != models.ExportReady {
		t.Fatalf("built: %s", e.Status)
	}
	if mail := lastMail(t, p, me.Email, export.MailReady); mail == nil || !strings.Contains(mail.TextBody, export.PageURL(e.ID)) {
		t.Fatal("the ready mail does not lead to the account's package page")
	}
	status := "/requests/status/" + strconv.FormatInt(r.ID, 10)
	anon := p.client(t)
	if res := p.post(t, anon, status+"/send", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", res.StatusCode)
	}
	if res := p.post(t, anon, status+"/code", url.Values{"code": {requestCode(t, p, me.Email)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("code: %d", res.StatusCode)
	}
	download := status + "/export/" + strconv.FormatInt(e.ID, 10)
	if res, body := p.get(t, anon, status); res.StatusCode != http.StatusOK || strings.Contains(body, `href="`+download+`"`) {
		t.Errorf("status page with the pass: %d, or it offers the account's package", res.StatusCode)
	}
	if res, _ := p.get(t, anon, download); res.StatusCode != http.StatusNotFound {
		t.Errorf("the account's package with the mailed code alone: %d, want 404", res.StatusCode)
	}
	if got := loadExport(t, p, e.ID); got.Downloads != 0 {
		t.Errorf("%d downloads", got.Downloads)
	}
	res, body := getBody(t, p, p.signedIn(t, "customer"), export.PageURL(e.ID)+"/download")
	checkZip(t, res, body)
}

// TestExportDeskStart: staff start the package of an approved access
// request that has none (approved before packages existed); a second
// start while it is on its way is refused; customers are refused.
func TestExportDeskStart(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	me := userByEmail(t, p, p.logins["customer"].Email)
	now := time.Now().UTC()
	r := models.PrivacyRequest{UserID: &me.ID, Channel: models.ChannelPortal, RequesterEmail: me.Email, Kind: models.RequestAccess,
		Status: models.StatusWaitingFulfilment, Jurisdiction: models.JurisdictionGDPR, Locale: "en",
		ReceivedAt: now, FirstDueAt: now.AddDate(0, 1, 0), DueAt: now.AddDate(0, 1, 0)}
	if err := p.DB().Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	start := deskPath(r.ID, "exports")
	staff := p.signedIn(t, "staff")
	if res, body := p.get(t, staff, deskPath(r.ID, "")); res.StatusCode != http.StatusOK || !strings.Contains(body, `action="`+start+`"`) {
		t.Fatalf("desk page: %d, no button to build the package", res.StatusCode)
	}
	if res := p.post(t, p.signedIn(t, "customer"), start, nil); res.StatusCode != http.StatusForbidden {
		t.Errorf("a customer starting a package: %d", res.StatusCode)
	}
	for range 2 {
		if res := p.post(t, staff, start, nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("start: %d", res.StatusCode)
		}
	}
	var n int64
	p.DB().Model(&models.Export{}).Where("request_id = ?", r.ID).Count(&n)
	if n != 1 {
		t.Fatalf("%d packages after two starts, want 1", n)
	}
	runJobs(t, p)
	var done models.PrivacyRequest
	p.DB().Take(&done, r.ID)
	if done.Status != models.StatusCompleted {
		t.Errorf("the request is %s once its package is built", done.Status)
	}
}
