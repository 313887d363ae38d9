package assets

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestPath(t *testing.T) {
	hashed := regexp.MustCompile(`^/assets/css/portal\.[0-9a-f]{8}\.css$`)
	if got := Path("css/portal.css"); !hashed.MatchString(got) {
		t.Errorf("Path(css/portal.css) = %q, want a hashed URL", got)
	}
	if got := Path("img/logo.svg"); !regexp.MustCompile(`^/assets/img/logo\.[0-9a-f]{8}\.svg$`).MatchString(got) {
		t.Errorf("Path(img/logo.svg) = %q", got)
	}
	if got := Path("css/nope.css"); got != "/assets/css/nope.css" {
		t.Errorf("unknown name = %q, want the unhashed URL", got)
	}
}

func TestHashedName(t *testing.T) {
	cases := []struct{ name, want string }{
		{"css/portal.css", "css/portal.abcd1234.css"},
		{"js/htmx.min.js", "js/htmx.min.abcd1234.js"},
		{"LICENSE", "LICENSE.abcd1234"},
	}
	for _, c := range cases {
		if got := hashedName(c.name, "abcd1234"); got != c.want {
			t.Errorf("hashedName(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestHandler(t *testing.T) {
	h := Handler()
	css := Path("css/portal.css")
	stale := regexp.MustCompile(`\.[0-9a-f]{8}\.`).ReplaceAllString(css, ".00000000.")
	cases := []struct {
		name, method, target string
		status               int
		ctype                string
	}{
		{"css", http.MethodGet, css, http.StatusOK, "text/css; charset=utf-8"},
		{"svg", http.MethodGet, Path("img/logo.svg"), http.StatusOK, "image/svg+xml"},
		{"head", http.MethodHead, css, http.StatusOK, "text/css; charset=utf-8"},
		{"without prefix", http.MethodGet, strings.TrimPrefix(css, "/assets"), http.StatusOK, "text/css; charset=utf-8"},
		{"unhashed", http.MethodGet, "/assets/css/portal.css", http.StatusNotFound, ""},
		{"stale hash", http.MethodGet, stale, http.StatusNotFound, ""},
		{"unknown", http.MethodGet, "/assets/css/other.12345678.css", http.StatusNotFound, ""},
		{"directory", http.MethodGet, "/assets/css/", http.StatusNotFound, ""},
		{"traversal", http.MethodGet, "/assets/../assets.go", http.StatusNotFound, ""},
		{"post", http.MethodPost, css, http.StatusMethodNotAllowed, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(c.method, c.target, nil))
			if rec.Code != c.status {
				t.Fatalf("%s %s = %d, want %d", c.method, c.target, rec.Code, c.status)
			}
			if c.status != http.StatusOK {
				if cc := rec.Header().Get("Cache-Control"); strings.Contains(cc, "immutable") {
					t.Errorf("error response is cacheable forever: %q", cc)
				}
				return
			}
			if got := rec.Header().Get("Content-Type"); got != c.ctype {
				t.Errorf("Content-Type = %q, want %q", got, c.ctype)
			}
			if got := rec.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", got)
			}
			if c.method == http.MethodGet && rec.Body.Len() == 0 {
				t.Error("empty body")
			}
			if c.method == http.MethodHead && rec.Body.Len() != 0 {
				t.Error("HEAD has a body")
			}
		})
	}
}

func TestHandlerConditional(t *testing.T) {
	h := Handler()
	first := httptest.NewRecorder()
	h.ServeHTTP(first, httptest.NewRequest(http.MethodGet, Path("css/portal.css"), nil))
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	req := httptest.NewRequest(http.MethodGet, Path("css/portal.css"), nil)
	req.Header.Set("If-None-Match", etag)
	second := httptest.NewRecorder()
	h.ServeHTTP(second, req)
	if second.Code != http.StatusNotModified {
		t.Errorf("If-None-Match = %d, want 304", second.Code)
	}
}
