package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
)

// docJPEG is a small generated photo.
func docJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(0, 0, color.White)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// docJSPDF is a PDF that runs JavaScript on opening.
func docJSPDF() []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>", "<< /S /JavaScript /JS (app.alert\\(1\\)) >>"}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	var offs []int
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

// uploadDoc posts one file as the form's document field, with the name
// and declared type given (which the portal ignores).
func (p *portal) uploadDoc(t *testing.T, c *http.Client, path, name, declared string, data []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="document"; filename=%q`, name))
	h.Set("Content-Type", declared)
	part, _ := mw.CreatePart(h)
	part.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", p.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// docRequest files a request for user straight in the database, asking
// for an ID document.
func docRequest(t *testing.T, p *portal, userID int64) models.PrivacyRequest {
	t.Helper()
	now := time.Now().UTC()
	r := models.PrivacyRequest{UserID: &userID, Kind: models.RequestErasure, Status: models.StatusAwaitingVerification,
		Channel: models.ChannelPortal, Jurisdiction: models.JurisdictionGDPR, RequesterEmail: "req@example.com",
		ReceivedAt: now, FirstDueAt: now.AddDate(0, 1, 0), DueAt: now.AddDate(0, 1, 0), DocumentRequired: true}
	if err := p.DB().Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDocumentsHTTP(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		var me, other models.User
		if err := p.DB().Take(&me, "email = ?", p.logins["customer"].Email).Error; err != nil {
			t.Fatal(err)
		}
		if err := p.DB().Where("role = ? AND id <> ?", models.RoleCustomer, me.ID).Order("id").Take(&other).Error; err != nil {
			t.Fatal(err)
		}
		// The texts below are checked in English.
		p.DB().Model(&models.User{}).Where("id = ?", me.ID).Update("locale", "en")
		mine, theirs := docRequest(t, p, me.ID), docRequest(t, p, other.ID)
		customer, staff := p.signedIn(t, "customer"), p.signedIn(t, "staff")
		upload := "/account/requests/" + strconv.FormatInt(mine.ID, 10) + "/document"

		res, page := p.get(t, customer, upload)
		if res.StatusCode != http.StatusOK || !strings.Contains(page, `type="file"`) || !strings.Contains(page, `for="field-document"`) ||
			!strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, "10 MB") || !strings.Contains(page, "document number") {
			t.Fatalf("upload page: %d\n%s", res.StatusCode, page)
		}

		t.Run("refused files", func(t *testing.T) {
			cases := []struct {
				name, file, declared string
				data                 []byte
				status               int
				text                 string
			}{
				{"over the route's limit", "id.jpg", "image/jpeg", make([]byte, 11<<20), http.StatusRequestEntityTooLarge, ""},
				{"just over 10 MB", "id.jpg", "image/jpeg", make([]byte, requests.MaxDocumentBytes+1), http.StatusRequestEntityTooLarge, ""},
				{"text named png", "id.png", "image/png", []byte("hello, not an image"), http.StatusUnprocessableEntity, "not a JPEG, PNG or PDF"},
				{"pdf with javascript named png", "id.png", "image/png", docJSPDF(), http.StatusUnprocessableEntity, "scripts"},
				{"no file", "", "application/octet-stream", nil, http.StatusUnprocessableEntity, "Choose the file"},
			}
			for _, c := range cases {
				res, page := p.uploadDoc(t, customer, upload, c.file, c.declared, c.data)
				if res.StatusCode != c.status {
					t.Errorf("%s: status %d, want %d", c.name, res.StatusCode, c.status)
					continue
				}
				if c.text != "" && (!strings.Contains(page, c.text) || !strings.Contains(page, `aria-invalid="true"`)) {
					t.Errorf("%s: no error beside the field:\n%s", c.name, page)
				}
			}
			var n int64
			p.DB().Model(&models.RequestDocument{}).Count(&n)
			if n != 0 {
				t.Errorf("%d documents stored after refusals", n)
			}
		})

		t.Run("another customer's request", func(t *testing.T) {
			path := "/account/requests/" + strconv.FormatInt(theirs.ID, 10) + "/document"
			if res, _ := p.get(t, customer, path); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET: %d, want 404", res.StatusCode)
			}
			if res, _ := p.uploadDoc(t, customer, path, "id.jpg", "image/jpeg", docJPEG(t)); res.StatusCode != http.StatusNotFound {
				t.Errorf("POST: %d, want 404", res.StatusCode)
			}
		})

		res, _ = p.uploadDoc(t, customer, upload, "passport.png", "image/png", docJPEG(t))
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/requests/"+strconv.FormatInt(mine.ID, 10) {
			t.Fatalf("upload: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		var doc models.RequestDocument
		if err := p.DB().Take(&doc, "request_id = ?", mine.ID).Error; err != nil || doc.ContentType != requests.TypeJPEG {
			t.Fatalf("stored: %+v %v", doc, err)
		}
		viewer := "/staff/requests/" + strconv.FormatInt(mine.ID, 10) + "/documents/" + strconv.FormatInt(doc.ID, 10)

		if res, _ := p.get(t, customer, viewer); res.StatusCode != http.StatusForbidden {
			t.Errorf("customer on the viewer: %d, want 403", res.StatusCode)
		}
		wrong := "/staff/requests/" + strconv.FormatInt(theirs.ID, 10) + "/documents/" + strconv.FormatInt(doc.ID, 10)
		if res, _ := p.get(t, staff, wrong); res.StatusCode != http.StatusNotFound {
			t.Errorf("document under another request: %d, want 404", res.StatusCode)
		}
		res, body := p.get(t, staff, viewer)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(body, "\xff\xd8") {
			t.Fatalf("viewer: %d", res.StatusCode)
		}
		for k, want := range map[string]string{
			"Content-Type":            "image/jpeg",
			"Content-Disposition":     `attachment; filename="document-` + strconv.FormatInt(doc.ID, 10) + `.jpg"`,
			"Content-Security-Policy": "sandbox; default-src 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Cache-Control":           "no-store",
		} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("viewer %s = %q, want %q", k, got, want)
			}
		}
		var views int64
		p.DB().Model(&models.AuditEntry{}).Where("action = ?", "request.document_viewed").Count(&views)
		if views != 1 {
			t.Errorf("%d views audited, want 1", views)
		}

		// The decision itself (desk's verify) calls decideDocuments, tested
		// in internal/requests; here the request closes and the sweep, the
		// backstop, destroys the document: the viewer no longer finds it.
		p.DB().Model(&models.PrivacyRequest{}).Where("id = ?", mine.ID).
			Updates(map[string]any{"status": models.StatusCancelled, "closed_at": time.Now().UTC().Add(-time.Minute)})
		if n, err := p.Requests().SweepDocuments(context.Background()); err != nil || n != 1 {
			t.Fatalf("sweep: %d, %v", n, err)
		}
		if res, _ := p.get(t, staff, viewer); res.StatusCode != http.StatusNotFound {
			t.Errorf("viewer after destruction: %d, want 404", res.StatusCode)
		}
		if res, _ := p.get(t, customer, upload); res.StatusCode != http.StatusOK {
			t.Errorf("upload page of a closed request: %d", res.StatusCode)
		} else if res, _ := p.uploadDoc(t, customer, upload, "id.jpg", "image/jpeg", docJPEG(t)); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("upload to a closed request: %d, want 422", res.StatusCode)
		}
	})
}

func TestDocumentsPublicNeedsPass(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	now := time.Now().UTC()
	r := models.PrivacyRequest{Kind: models.RequestErasure, Status: models.StatusAwaitingVerification, Channel: models.ChannelPublic,
		Jurisdiction: models.JurisdictionGDPR, RequesterEmail: "visitor@example.com", ReceivedAt: now, FirstDueAt: now, DueAt: now,
		DocumentRequired: true}
	if err := p.DB().Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	path := "/requests/status/" + strconv.FormatInt(r.ID, 10)
	c := p.client(t)
	for _, page := range []string{"/document", "/permission"} {
		if res, _ := p.get(t, c, path+page); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
			t.Errorf("GET %s without a pass: %d to %q", page, res.StatusCode, res.Header.Get("Location"))
		}
		if res, _ := p.uploadDoc(t, c, path+page, "id.jpg", "image/jpeg", docJPEG(t)); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path {
			t.Errorf("POST %s without a pass: %d to %q", page, res.StatusCode, res.Header.Get("Location"))
		}
	}
	var n int64
	p.DB().Model(&models.RequestDocument{}).Count(&n)
	if n != 0 {
		t.Errorf("%d documents stored without a pass", n)
	}
}
