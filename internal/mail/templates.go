package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
)

//go:embed templates
var templateFS embed.FS

// layoutFile wraps every HTML body; it calls the "content" template.
const layoutFile = "layout.html"

// localized is one template in one language: the three parts of a mail.
type localized struct {
	subject *texttemplate.Template
	text    *texttemplate.Template
	html    *htmltemplate.Template
}

// catalog maps template name, then locale code, to its parsed parts.
type catalog map[string]map[string]*localized

// rendered is a mail ready for the outbox.
type rendered struct {
	locale, subject, text, html string
}

// parseTemplates reads every template directory under root of fsys. A
// template must exist in every supported language and in all three parts:
// a gap would otherwise surface as a customer getting English, or nothing,
// long after deployment.
func parseTemplates(fsys fs.FS, root string) (catalog, error) {
	layoutSrc, err := fs.ReadFile(fsys, path.Join(root, layoutFile))
	if err != nil {
		return nil, fmt.Errorf("mail: templates: %w", err)
	}
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, fmt.Errorf("mail: templates: %w", err)
	}
	cat := catalog{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		cat[name] = map[string]*localized{}
		for _, lang := range i18n.Supported {
			l, err := parseLocalized(fsys, path.Join(root, name), lang.Code, string(layoutSrc))
			if err != nil {
				return nil, fmt.Errorf("mail: template %s/%s: %w", name, lang.Code, err)
			}
			cat[name][lang.Code] = l
		}
	}
	if len(cat) == 0 {
		return nil, fmt.Errorf("mail: templates: none under %s", root)
	}
	return cat, nil
}

func parseLocalized(fsys fs.FS, dir, locale, layoutSrc string) (*localized, error) {
	read := func(suffix string) (string, error) {
		b, err := fs.ReadFile(fsys, path.Join(dir, locale+suffix))
		if err != nil {
			return "", err
		}
		return string(b), nil
	}
	funcs := funcsFor(locale)
	var l localized
	src, err := read(".subject.txt")
	if err != nil {
		return nil, err
	}
	if l.subject, err = texttemplate.New("subject").Funcs(funcs).Option("missingkey=error").Parse(src); err != nil {
		return nil, err
	}
	if src, err = read(".txt"); err != nil {
		return nil, err
	}
	if l.text, err = texttemplate.New("text").Funcs(funcs).Option("missingkey=error").Parse(src); err != nil {
		return nil, err
	}
	if src, err = read(".html"); err != nil {
		return nil, err
	}
	l.html, err = htmltemplate.New("layout").Funcs(htmltemplate.FuncMap(funcs)).Option("missingkey=error").Parse(layoutSrc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", layoutFile, err)
	}
	if _, err = l.html.New("content").Parse(src); err != nil {
		return nil, err
	}
	return &l, nil
}

// render fills a template in the best matching language. Missing data is
// an error (missingkey=error) rather than "<no value>" in a customer's mail.
func (c catalog) render(name, locale string, data map[string]any) (rendered, error) {
	byLocale, ok := c[name]
	if !ok {
		return rendered{}, fmt.Errorf("mail: no template %q", name)
	}
	code := i18n.Match(locale)
	l, ok := byLocale[code]
	if !ok {
		code = i18n.Default
		l = byLocale[code]
	}
	r := rendered{locale: code}
	// A copy: the caller's map is not ours to change.
	d := make(map[string]any, len(data)+2)
	for k, v := range data {
		d[k] = v
	}
	d["Locale"] = code
	var buf bytes.Buffer
	if err := l.subject.Execute(&buf, d); err != nil {
		return r, fmt.Errorf("mail: template %s/%s subject: %w", name, code, err)
	}
	// A subject is one header line: newlines from data must not split it.
	r.subject = strings.Join(strings.Fields(buf.String()), " ")
	if r.subject == "" {
		return r, fmt.Errorf("mail: template %s/%s: empty subject", name, code)
	}
	buf.Reset()
	if err := l.text.Execute(&buf, d); err != nil {
		return r, fmt.Errorf("mail: template %s/%s text: %w", name, code, err)
	}
	r.text = strings.TrimSpace(buf.String()) + "\n"
	buf.Reset()
	d["Subject"] = r.subject
	if err := l.html.ExecuteTemplate(&buf, "layout", d); err != nil {
		return r, fmt.Errorf("mail: template %s/%s html: %w", name, code, err)
	}
	r.html = buf.String()
	return r, nil
}

func funcsFor(locale string) texttemplate.FuncMap {
	return texttemplate.FuncMap{
		"datetime": func(v any) string { return formatTime(locale, v) },
	}
}

// formatTime writes a moment the way a reader of locale expects it, with
// its zone named, as the pages do: a time the caller moved into the
// recipient's zone is shown there, one in UTC (as stored) in the shop's
// zone. Strings pass through, for callers that format themselves.
func formatTime(locale string, v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case *time.Time:
		if x == nil {
			return ""
		}
		t = *x
	default:
		return fmt.Sprint(v)
	}
	var loc *time.Location // the shop's
	if l := t.Location(); l != time.UTC && l != time.Local {
		loc = l
	}
	return i18n.FormatDateTime(locale, t, loc)
}

// Templates lists the names of the embedded mail templates, sorted, so
// what lists them to people (the outbox) can be checked for labels.
func Templates() []string {
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}
