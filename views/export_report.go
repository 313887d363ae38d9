package views

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// ExportReport renders a package's index.html (export.Reporter): the
// customer's data in their language, then the Art. 15 information.
//
// The document is streamed: the builder hands rows in batches and a set
// may hold tens of thousands, so nothing is kept between calls. The
// pieces with a beginning and an end (the header, a category's facts,
// the Art. 15 part, the footer) are templ components; the open tags that
// span calls and the rows themselves are written here, the rows by hand,
// escaping straight into the writer, because a component per cell would
// cost allocations on every value of every record. The reporter holds no
// state (it is wired as a value), so whether a set's table was opened is
// read from its Count, which the builder counts in the same snapshot.
type ExportReport struct{}

var _ export.Reporter = ExportReport{}

// Begin opens the document and writes its header and contents.
func (ExportReport) Begin(ctx context.Context, w io.Writer, info *export.ReportInfo) error {
	sw, flush := stringWriter(w)
	sw.WriteString("<!DOCTYPE html>\n<html lang=\"")
	writeEscaped(sw, i18n.HTMLLang(info.Locale))
	sw.WriteString("\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
	writeEscaped(sw, i18n.T(ctx, "export.report.title")+" · "+i18n.T(ctx, "app_name"))
	sw.WriteString("</title><style>")
	sw.WriteString(reportCSS)
	sw.WriteString("</style></head>\n<body>\n")
	if err := flush(); err != nil {
		return err
	}
	if err := reportHeader(info).Render(ctx, w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n<main>\n")
	return err
}

// Category opens a category's section with what it is and why it is held.
func (ExportReport) Category(ctx context.Context, w io.Writer, c *export.ReportCategory) error {
	sw, flush := stringWriter(w)
	id := reportCategoryID(c)
	sw.WriteString("<section class=\"category\" id=\"")
	writeEscaped(sw, id)
	sw.WriteString("\" aria-labelledby=\"")
	writeEscaped(sw, id+"-title")
	sw.WriteString("\">\n")
	if err := flush(); err != nil {
		return err
	}
	return reportCategoryIntro(c).Render(ctx, w)
}

// SetStart names a set and opens its table (a list) or says it is empty.
func (ExportReport) SetStart(ctx context.Context, w io.Writer, c *export.ReportCategory, s *export.ReportSet) error {
	if err := reportSetHeading(c, s).Render(ctx, w); err != nil {
		return err
	}
	if s.Count == 0 || s.One {
		return nil // a One set is a definition list per record, written by Rows
	}
	sw, flush := stringWriter(w)
	id := reportSetID(c, s)
	sw.WriteString("<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"")
	writeEscaped(sw, id+"-caption")
	sw.WriteString("\"><table><caption id=\"")
	writeEscaped(sw, id+"-caption")
	sw.WriteString("\">")
	writeEscaped(sw, reportCaption(ctx, c, s))
	sw.WriteString("</caption>\n<thead><tr>")
	for _, label := range reportColumns(ctx, s) {
		sw.WriteString("<th scope=\"col\">")
		writeEscaped(sw, label)
		sw.WriteString("</th>")
	}
	sw.WriteString("</tr></thead>\n<tbody>\n")
	return flush()
}

// Rows writes one batch of records: a table row each, or for a One set a
// definition list. The per-batch work (labels, the yes/no words) is done
// once here; per value, only the value is formatted.
func (ExportReport) Rows(ctx context.Context, w io.Writer, c *export.ReportCategory, s *export.ReportSet, rows [][]any) error {
	sw, flush := stringWriter(w)
	cf := cellFormat{locale: i18n.Locale(ctx), zone: i18n.Zone(ctx),
		yes: i18n.T(ctx, "export.report.yes"), no: i18n.T(ctx, "export.report.no")}
	if s.One {
		labels := reportColumns(ctx, s)
		for _, rec := range rows {
			sw.WriteString("<dl class=\"record\">\n")
			for i := range labels {
				sw.WriteString("<dt>")
				writeEscaped(sw, labels[i])
				sw.WriteString("</dt><dd>")
				cf.write(sw, s, rec, i)
				sw.WriteString("</dd>\n")
			}
			sw.WriteString("</dl>\n")
		}
		return flush()
	}
	n := len(s.Fields)
	if s.FileIndex >= 0 {
		n++
	}
	for _, rec := range rows {
		sw.WriteString("<tr>")
		for i := 0; i < n; i++ {
			sw.WriteString("<td>")
			cf.write(sw, s, rec, i)
			sw.WriteString("</td>")
		}
		sw.WriteString("</tr>\n")
	}
	return flush()
}

// SetEnd closes the table SetStart opened.
func (ExportReport) SetEnd(ctx context.Context, w io.Writer, c *export.ReportCategory, s *export.ReportSet) error {
	if s.Count == 0 || s.One {
		return nil
	}
	_, err := io.WriteString(w, "</tbody></table></div>\n")
	return err
}

// CategoryEnd closes the category's section.
func (ExportReport) CategoryEnd(ctx context.Context, w io.Writer, c *export.ReportCategory) error {
	if err := reportBackLink().Render(ctx, w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "</section>\n")
	return err
}

// End writes the Art. 15 information, what was withheld, the guide to
// the package's other files, and closes the document.
func (ExportReport) End(ctx context.Context, w io.Writer, info *export.ReportInfo) error {
	if err := reportArt15(info).Render(ctx, w); err != nil {
		return err
	}
	if len(info.Withheld) > 0 {
		if err := reportWithheld(info.Withheld).Render(ctx, w); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(w, "</main>\n"); err != nil {
		return err
	}
	if err := reportFooter().Render(ctx, w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n</body>\n</html>\n")
	return err
}

// cellFormat shows one value as the report does.
type cellFormat struct {
	locale  string
	zone    *time.Location
	yes, no string
	num     [24]byte
}

// write writes value i of rec, escaped: the file column as a link into
// the ZIP, times in the customer's zone, booleans in words, nil as
// nothing.
func (cf *cellFormat) write(sw reportWriter, s *export.ReportSet, rec []any, i int) {
	if i >= len(rec) {
		return
	}
	if i == s.FileIndex {
		if p, ok := rec[i].(string); ok && p != "" {
			sw.WriteString("<a href=\"")
			writeEscaped(sw, p)
			sw.WriteString("\">")
			writeEscaped(sw, p)
			sw.WriteString("</a>")
		}
		return
	}
	switch v := rec[i].(type) {
	case nil:
	case string:
		writeEscaped(sw, v)
	case int64:
		sw.Write(strconv.AppendInt(cf.num[:0], v, 10))
	case bool:
		if v {
			sw.WriteString(cf.yes)
		} else {
			sw.WriteString(cf.no)
		}
	case time.Time:
		writeEscaped(sw, i18n.FormatDateTime(cf.locale, v, cf.zone))
	default:
		// Each types values as above; anything else is shown, not lost.
		writeEscaped(sw, fmt.Sprint(v))
	}
}

// reportColumns are a set's column labels: a field's translated name
// where the catalog has one, else the name itself, and "file" last for a
// set with files.
func reportColumns(ctx context.Context, s *export.ReportSet) []string {
	labels := make([]string, 0, len(s.Fields)+1)
	for _, f := range s.Fields {
		labels = append(labels, reportFieldLabel(ctx, f.Name))
	}
	if s.FileIndex >= 0 {
		labels = append(labels, reportFieldLabel(ctx, "file"))
	}
	return labels
}

func reportFieldLabel(ctx context.Context, name string) string {
	if i18n.Has("export.report.field." + name) {
		return i18n.T(ctx, "export.report.field."+name)
	}
	return name
}

// reportSetLabel names a set ("Orders", "Items"), or shows its key.
func reportSetLabel(ctx context.Context, name string) string {
	if i18n.Has("export.report.set." + name) {
		return i18n.T(ctx, "export.report.set."+name)
	}
	return name
}

func reportCaption(ctx context.Context, c *export.ReportCategory, s *export.ReportSet) string {
	return i18n.T(ctx, "export.report.caption", "Set", reportSetLabel(ctx, s.Name), "Category", c.Texts.Name)
}

// reportBasis is a lawful basis in words, with its article.
func reportBasis(ctx context.Context, b models.LawfulBasis) string {
	if i18n.Has("export.report.basis." + string(b)) {
		return i18n.T(ctx, "export.report.basis."+string(b))
	}
	return string(b)
}

// reportPurpose is a purpose and its lawful basis in words.
type reportPurpose struct{ Text, Basis string }

// reportPurposes pairs each purpose with its lawful basis.
func reportPurposes(ctx context.Context, c *export.ReportCategory) []reportPurpose {
	out := make([]reportPurpose, len(c.Texts.Purposes))
	for i, p := range c.Texts.Purposes {
		var basis models.LawfulBasis
		if i < len(c.Bases) {
			basis = c.Bases[i]
		}
		out[i] = reportPurpose{Text: p, Basis: i18n.T(ctx, "export.report.lawful_basis", "Basis", reportBasis(ctx, basis))}
	}
	return out
}

func reportCategoryID(c *export.ReportCategory) string { return "cat-" + c.Key }

func reportSetID(c *export.ReportCategory, s *export.ReportSet) string {
	return "set-" + c.Key + "-" + s.Name
}

// reportCount is "1 record", "12,345 records" in the reader's language.
func reportCount(ctx context.Context, n int64) string {
	return i18n.T(ctx, "export.report.count", "Count", n, "Number", FormatNumber(i18n.Locale(ctx), n))
}

// reportTotal is how many records a category holds in all its sets.
func reportTotal(c *export.ReportCategory) int64 {
	var n int64
	for _, s := range c.Sets {
		n += s.Count
	}
	return n
}

// reportWriter is what the hand-written parts write to.
type reportWriter interface {
	io.Writer
	io.StringWriter
}

// stringWriter gives w as a reportWriter, and what to call when done.
// The builder passes a bufio.Writer, which is one: its write errors are
// kept and returned by the builder's final Flush, so they are not
// checked at every tag here.
func stringWriter(w io.Writer) (reportWriter, func() error) {
	if sw, ok := w.(reportWriter); ok {
		return sw, func() error { return nil }
	}
	bw := bufio.NewWriter(w)
	return bw, bw.Flush
}

// writeEscaped writes s HTML-escaped, in runs between the characters
// that need it, so a value costs no copy.
func writeEscaped(sw io.StringWriter, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case 0:
			esc = "\uFFFD"
		default:
			continue
		}
		if last < i {
			sw.WriteString(s[last:i])
		}
		sw.WriteString(esc)
		last = i + 1
	}
	if last < len(s) {
		sw.WriteString(s[last:])
	}
}
