package web

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/i18n"
)

// multipartBody is a multipart form with the sign-in fields and a file
// part of size bytes.
func multipartBody(t testing.TB, email, password string, size int) (body []byte, contentType string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("email", email)
	mw.WriteField("password", password)
	if size > 0 {
		fw, err := mw.CreateFormFile("upload", "big.bin")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(bytes.Repeat([]byte{'x'}, size))
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// onlyReader hides bytes.Reader's Len, so the client cannot know the
// length and sends the body chunked, as an attacker may.
type onlyReader struct{ io.Reader }

func TestBodyLimitOnSignin(t *testing.T) {
	p := startPortal(t, "", nil)
	l := p.logins["customer"]
	big, bigType := multipartBody(t, l.Email, l.Password, 20<<20)
	small, smallType := multipartBody(t, l.Email, l.Password, 0)
	longForm := url.Values{"email": {l.Email}, "password": {l.Password}, "pad": {strings.Repeat("x", 100<<10)}}.Encode()
	cases := []struct {
		name        string
		body        io.Reader
		contentType string
		want        int
	}{
		{"20 MB multipart with its length", bytes.NewReader(big), bigType, http.StatusRequestEntityTooLarge},
		{"20 MB multipart, chunked", onlyReader{bytes.NewReader(big)}, bigType, http.StatusRequestEntityTooLarge},
		{"100 KB form", strings.NewReader(longForm), "application/x-www-form-urlencoded", http.StatusRequestEntityTooLarge},
		{"small multipart sign-in", bytes.NewReader(small), smallType, see},
		{"normal sign-in", strings.NewReader(url.Values{"email": {l.Email}, "password": {l.Password}}.Encode()), "application/x-www-form-urlencoded", see},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", p.URL+"/signin", c.body)
			req.Header.Set("Content-Type", c.contentType)
			res, err := p.client(t).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			page, _ := io.ReadAll(res.Body)
			if res.StatusCode != c.want {
				t.Fatalf("status %d, want %d", res.StatusCode, c.want)
			}
			switch c.want {
			case http.StatusRequestEntityTooLarge:
				title := html.EscapeString(i18n.Tl("en", "error.title.413"))
				if !strings.Contains(string(page), "<main") || !strings.Contains(string(page), title) {
					t.Errorf("413 is not the designed page:\n%s", page)
				}
			case see:
				if loc := res.Header.Get("Location"); loc != "/account" {
					t.Errorf("signed in to %q, want /account", loc)
				}
			}
		})
	}
}

// TestBodyLimitPerRoute: a route that takes uploads sets its own limit;
// within it the multipart form parses with its file spilled to disk (the
// memory share is small), and the temporary file is removed afterwards.
func TestBodyLimitPerRoute(t *testing.T) {
	p := startPortal(t, "", nil)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where multipart spills its files
	for _, c := range []struct {
		name   string
		limit  int64
		size   int
		wantOK bool
	}{
		{"upload within its route's limit", 2 << 20, 1 << 20, true},
		{"upload over it", 2 << 20, 3 << 20, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			body, ct := multipartBody(t, "a@example.com", "x", c.size)
			req := httptest.NewRequest("POST", "/upload", bytes.NewReader(body))
			req.Header.Set("Content-Type", ct)
			w := httptest.NewRecorder()
			ok, cleanup := p.Server.parseBody(w, req, c.limit)
			if ok != c.wantOK {
				t.Fatalf("parseBody ok = %v, want %v (status %d)", ok, c.wantOK, w.Code)
			}
			if !ok {
				if w.Code != http.StatusRequestEntityTooLarge {
					t.Fatalf("status %d, want 413", w.Code)
				}
				return
			}
			files := req.MultipartForm.File["upload"]
			if len(files) != 1 || files[0].Size != int64(c.size) || req.PostFormValue("email") != "a@example.com" {
				t.Fatalf("form not parsed: %+v", req.MultipartForm)
			}
			if spilled, _ := os.ReadDir(tmp); len(spilled) == 0 {
				t.Error("a 1 MB file was kept in memory, not spilled to disk")
			}
			cleanup()
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("temporary files left after the request: %d", len(left))
			}
		})
	}
}

// TestBodyLimitReadsNoMoreThanTheCap: a declared 20 MB body is refused
// before a byte is read; an undeclared one after at most the cap.
func TestBodyLimitReadsNoMoreThanTheCap(t *testing.T) {
	p := startPortal(t, "", nil)
	for _, c := range []struct {
		name     string
		chunked  bool
		maxBytes int64
	}{{"declared length", false, 0}, {"chunked", true, 64<<10 + 1}} {
		body := newEndlessPart(20 << 20)
		req := httptest.NewRequest("POST", "/signin", body)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
		req.ContentLength = body.size()
		if c.chunked {
			req.ContentLength = -1
		}
		w := httptest.NewRecorder()
		p.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d, want 413", c.name, w.Code)
		}
		if body.read > c.maxBytes {
			t.Errorf("%s: %d bytes read, want at most %d", c.name, body.read, c.maxBytes)
		}
	}
}
