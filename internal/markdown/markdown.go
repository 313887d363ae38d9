// Package markdown renders admin-written texts (the privacy policy) to
// HTML that is safe to put into a page.
package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// The renderer keeps goldmark's safe default: raw HTML in the source is
// dropped and javascript:, vbscript:, file: and non-image data: links are
// not rendered, so an admin's text cannot inject script into customers'
// pages. Tables are enabled for "How we use X | Why?" style sections.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Linkify),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(headingsBelowPage{}, 100))),
)

// headingsBelowPage moves every heading one level down: the page around
// the text has its own <h1>, and a second one would break the outline
// screen readers navigate by. "# Privacy policy" becomes an <h2>.
type headingsBelowPage struct{}

func (headingsBelowPage) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+1, 6)
		}
		return ast.WalkContinue, nil
	})
}

// Render turns Markdown into sanitized HTML.
func Render(source string) (string, error) {
	var buf bytes.Buffer
	if err := md.Convert([]byte(source), &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}
