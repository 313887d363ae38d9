//go:build e2e

package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// portalCSP is the policy the portal sends; the checker must work under it.
const portalCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

func page(body string) string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Harness check</title></head><body><main><h1>Harness check</h1>` + body + `</main></body></html>`
}

// fixtureServer serves small pages under the portal's CSP.
func fixtureServer(t *testing.T) *httptest.Server {
	t.Helper()
	pages := map[string]string{
		"/img-without-alt": page(`<img src="/pixel.svg" width="10" height="10">`),
		"/accessible":      page(`<p>Some text.</p><img src="/pixel.svg" width="10" height="10" alt="A red square">`),
		"/inline-script":   page(`<script>document.title = "ran"</script>`),
		"/throwing-script": page(`<script src="/boom.js"></script>`),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pixel.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/></svg>`))
	})
	mux.HandleFunc("GET /boom.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(`throw new Error("boom from the fixture")`))
	})
	mux.HandleFunc("GET /favicon.ico", http.NotFound)
	mux.HandleFunc("GET /{page}", func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", portalCSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(body))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestHarnessAxe proves the accessibility checker runs under the portal's
// CSP and can both fail and pass.
func TestHarnessAxe(t *testing.T) {
	srv := fixtureServer(t)
	tests := []struct {
		name string
		url  string
		want []string // violation ids expected; nil means none
	}{
		{"data URL, image without alt", "data:text/html;charset=utf-8," + url.PathEscape(page(`<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`)), []string{"image-alt"}},
		{"CSP page, image without alt", srv.URL + "/img-without-alt", []string{"image-alt"}},
		{"CSP page, accessible", srv.URL + "/accessible", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newTab(t)
			if err := chromedp.Do(ctx, chromedp.Navigate(tc.url)); err != nil {
				t.Fatalf("navigate: %v", err)
			}
			res, err := runAxe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range res.Violations {
				got = append(got, v.ID)
				if v.Help == "" || len(v.Nodes) == 0 {
					t.Errorf("violation %s lacks help or nodes: %s", v.ID, formatViolation(v))
				}
			}
			if !slices.Equal(got, tc.want) {
				for _, v := range res.Violations {
					t.Log(formatViolation(v))
				}
				t.Fatalf("violations = %v, want %v", got, tc.want)
			}
			if !slices.Contains(res.Passes, "html-has-lang") {
				t.Errorf("passes = %v, want html-has-lang among them", res.Passes)
			}
		})
	}
}

// TestHarnessPageProblems proves that a CSP violation or an uncaught script
// error is caught, so newTab's check can fail a test.
func TestHarnessPageProblems(t *testing.T) {
	srv := fixtureServer(t)
	tests := []struct {
		path string
		want string
	}{
		{"/inline-script", "Content Security Policy"},
		{"/throwing-script", "boom from the fixture"},
		{"/accessible", ""},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			ctx, problems := openTab(t)
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+tc.path)); err != nil {
				t.Fatalf("navigate: %v", err)
			}
			// Log entries can trail the load event a little.
			deadline := time.Now().Add(5 * time.Second)
			for tc.want != "" && len(problems.list()) == 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if tc.want == "" {
				time.Sleep(300 * time.Millisecond)
			}
			got := problems.list()
			switch {
			case tc.want == "" && len(got) > 0:
				t.Fatalf("problems = %q, want none", got)
			case tc.want != "" && !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, tc.want) }):
				t.Fatalf("problems = %q, want one mentioning %q", got, tc.want)
			}
		})
	}
}
