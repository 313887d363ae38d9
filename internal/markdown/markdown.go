// Package markdown renders admin-written texts (the privacy policy) to
// HTML that is safe to put into a page.
package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// The renderer keeps goldmark's safe default: raw HTML in the source is
// dropped and javascript:, vbscript:, file: and non-image data: links are
// not rendered, so an admin's text cannot inject script into customers'
// pages. Tables are enabled for "How we use X | Why?" style sections.
var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Linkify))

// Render turns Markdown into sanitized HTML.
func Render(source string) (string, error) {
	var buf bytes.Buffer
	if err := md.Convert([]byte(source), &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}
