// Package assets embeds the portal's static files and serves them under
// content-hashed URLs, so browsers may cache them forever: a changed file
// gets a new URL, and pages always point at the current one.
package assets

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// Prefix is where Handler is mounted; Path builds URLs under it.
const Prefix = "/assets/"

// hashLen is long enough that two versions of one file practically never
// collide, and short enough to keep URLs readable.
const hashLen = 8

type file struct {
	content []byte
	ctype   string
	etag    string
}

var (
	// hashedByName maps "css/portal.css" to "css/portal.3f2a9c1b.css".
	hashedByName = map[string]string{}
	// files maps the hashed name to the content it serves.
	files = map[string]file{}
)

func init() {
	root, err := fs.Sub(static, "static")
	if err != nil {
		panic("assets: " + err.Error())
	}
	err = fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(content)
		hash := hex.EncodeToString(sum[:])[:hashLen]
		hashed := hashedName(name, hash)
		hashedByName[name] = hashed
		files[hashed] = file{content: content, ctype: contentType(name), etag: `"` + hash + `"`}
		return nil
	})
	if err != nil {
		panic("assets: " + err.Error())
	}
}

// hashedName puts the hash before the last extension, so the served name
// keeps the extension that browsers and proxies look at.
func hashedName(name, hash string) string {
	dir, base := path.Split(name)
	ext := path.Ext(base)
	return dir + strings.TrimSuffix(base, ext) + "." + hash + ext
}

// contentType relies on Go's built-in table for the common web types and
// pins the ones whose system mapping varies between hosts.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Path returns the URL of a static file, e.g. Path("css/portal.css") is
// "/assets/css/portal.3f2a9c1b.css". An unknown name gets its unhashed URL,
// which Handler answers with 404: a broken image is better than a page
// that fails to render, and the views tests catch the typo.
func Path(name string) string {
	if hashed, ok := hashedByName[name]; ok {
		return Prefix + hashed
	}
	return Prefix + strings.TrimPrefix(name, "/")
}

// Known reports whether name is an embedded file, for tests of callers.
func Known(name string) bool {
	_, ok := hashedByName[name]
	return ok
}

// Handler serves the hashed URLs that Path returns. It accepts paths with
// or without the /assets/ prefix, so it can be mounted with or without
// http.StripPrefix. Unhashed and stale-hash names are 404: serving the
// current file under an old URL would be cached for a year as that URL.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, Prefix), "/")
		f, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.ctype)
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("ETag", f.etag)
		h.Set("X-Content-Type-Options", "nosniff")
		// ServeContent answers HEAD, ranges and If-None-Match for us.
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.content))
	})
}
