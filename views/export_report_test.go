package views_test

import (
	"bytes"
	"context"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

const authorityURL = "https://www.cnil.fr/fr/plaintes"

var (
	paris     = i18n.LoadZone("Europe/Paris")
	generated = time.Date(2026, 3, 4, 16, 5, 0, 0, time.UTC)
	evil      = `<script>alert("x")</script>`
)

func field(name string, typ holdings.FieldType) holdings.Field {
	return holdings.Field{Name: name, Column: name, Type: typ}
}

// reportInfo is a package with a profile (a One set), orders (one row
// carrying a script), photos with a file, messages with none, a
// category left out, and a withheld note.
func reportInfo(locale string) *export.ReportInfo {
	texts := func(name string) holdings.Texts {
		return holdings.Texts{Name: "Cat " + name, Description: "What " + name + " is", RetentionText: "Kept 90 days after " + name,
			Source: "From you", Recipients: "Our photo lab", Purposes: []string{"Deliver " + name, "Prevent fraud"}}
	}
	bases := []models.LawfulBasis{models.BasisContract, models.BasisLegitimateInterest}
	cat := func(key string, included bool, sets ...*export.ReportSet) *export.ReportCategory {
		return &export.ReportCategory{Key: key, Texts: texts(key), Bases: bases, Included: included, Sets: sets}
	}
	account := &export.ReportSet{Set: holdings.Set{Name: "account", One: true, Fields: []holdings.Field{
		field("email", holdings.FieldString), field("created_at", holdings.FieldTime), field("email_verified_at", holdings.FieldTime),
		field("marketing_ok", holdings.FieldBool)}}, Count: 1, FileIndex: -1}
	orders := &export.ReportSet{Set: holdings.Set{Name: "orders", Fields: []holdings.Field{
		field("id", holdings.FieldInt), field("number", holdings.FieldString), field("placed_at", holdings.FieldTime),
		field("paid", holdings.FieldBool)}}, Count: 3, FileIndex: -1}
	photos := &export.ReportSet{Set: holdings.Set{Name: "photos", FileColumn: "file_key", Fields: []holdings.Field{
		field("id", holdings.FieldInt), field("filename", holdings.FieldString)}}, Count: 2, FileIndex: 2}
	messages := &export.ReportSet{Set: holdings.Set{Name: "messages", Fields: []holdings.Field{field("body", holdings.FieldString)}}, FileIndex: -1}
	return &export.ReportInfo{
		GeneratedAt: generated, Locale: locale, Zone: paris, Email: "ada@example.com", Name: "Ada Lovelace",
		Request:       &models.PrivacyRequest{ID: 4711, Kind: models.RequestAccess, ReceivedAt: generated.AddDate(0, 0, -3)},
		AuthorityName: "CNIL", AuthorityURL: authorityURL,
		Categories: []*export.ReportCategory{
			cat("profile", true, account), cat("orders", true, orders), cat("photos", true, photos),
			cat("surveys", false), cat("contact", true, messages),
		},
		Withheld: []export.Withheld{{RequestID: 4711, At: generated.AddDate(0, 0, -1), Reason: models.WithholdThirdParty}},
	}
}

// rowsOf is each set's records, as the builder hands them.
var rowsOf = map[string][][]any{
	"account": {{"ada@example.com", generated, nil, true}},
	"orders":  {{int64(1), "PL-0001", generated, true}, {int64(2), evil, generated, false}, {int64(3), "PL-0003", nil, nil}},
	"photos":  {{int64(12), "../../etc/passwd", "photos/photo-000012.jpg"}, {int64(13), "gone.jpg", nil}},
}

// renderReport drives the reporter as the builder does, handing every
// set's rows in batches of batch, and checks that each batch is written
// at once rather than kept.
func renderReport(t testing.TB, info *export.ReportInfo, batch int) string {
	t.Helper()
	ctx := i18n.WithZone(i18n.WithLocale(context.Background(), info.Locale), info.Zone)
	var r views.ExportReport
	var buf bytes.Buffer
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Begin(ctx, &buf, info))
	for _, c := range info.Categories {
		if !c.Included {
			continue
		}
		must(r.Category(ctx, &buf, c))
		for _, s := range c.Sets {
			must(r.SetStart(ctx, &buf, c, s))
			rows := rowsOf[s.Name]
			for len(rows) > 0 {
				n := min(batch, len(rows))
				before := buf.Len()
				must(r.Rows(ctx, &buf, c, s, rows[:n]))
				if buf.Len() == before {
					t.Fatalf("%s: a batch of %d rows wrote nothing", s.Name, n)
				}
				rows = rows[n:]
			}
			must(r.SetEnd(ctx, &buf, c, s))
		}
		must(r.CategoryEnd(ctx, &buf, c))
	}
	must(r.End(ctx, &buf, info))
	return buf.String()
}

func TestExportReportLanguage(t *testing.T) {
	t.Parallel()
	for _, locale := range []string{"en", "fr", "zh-CN"} {
		t.Run(locale, func(t *testing.T) {
			t.Parallel()
			out := renderReport(t, reportInfo(locale), 1)
			if !strings.Contains(out, `<html lang="`+locale+`">`) {
				t.Errorf("no lang=%q on <html>", locale)
			}
			for _, id := range []string{"export.report.title", "export.report.toc", "export.report.rights.erasure.text",
				"export.report.withheld.reason.third_party", "export.report.automated.none", "export.report.transfers.none"} {
				if want := i18n.Tl(locale, id); !strings.Contains(out, escText(want)) {
					t.Errorf("%s: %q not in the report", id, want)
				}
			}
			if want := i18n.Tl(locale, "export.report.toc.left_out", "Name", "Cat surveys"); !strings.Contains(out, escText(want)) {
				t.Errorf("the left-out category is not listed as such: %q", want)
			}
			if strings.Contains(out, `id="cat-surveys"`) {
				t.Error("a category left out has a section")
			}
			// Times in the customer's zone and language.
			if want := i18n.FormatDateTime(locale, generated, paris); !strings.Contains(out, want) {
				t.Errorf("generated time %q not shown in Europe/Paris", want)
			}
			if want := i18n.Tl(locale, "export.report.yes"); !strings.Contains(out, "<td>"+want+"</td>") {
				t.Errorf("a true value is not %q", want)
			}
		})
	}
	fr, zh := renderReport(t, reportInfo("fr"), 2), renderReport(t, reportInfo("zh-CN"), 2)
	for _, s := range []string{"Sommaire", "Vos droits", "Retrait du consentement", "Commandes"} {
		if !strings.Contains(fr, s) {
			t.Errorf("fr: %q missing", s)
		}
	}
	for _, s := range []string{"目录", "您的权利", "撤回同意", "订单"} {
		if !strings.Contains(zh, s) {
			t.Errorf("zh-CN: %q missing", s)
		}
	}
}

// esc is s escaped as templ and the rows escape text.
func escText(s string) string { return html.EscapeString(s) }

var (
	urlAttr  = regexp.MustCompile(`(?i)\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*([^"'\s>]*)`)
	external = regexp.MustCompile(`(?i)^(?:[a-z][a-z0-9+.-]*:|//)`)
)

func TestExportReportSelfContained(t *testing.T) {
	t.Parallel()
	out := renderReport(t, reportInfo("en"), 2)
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "<object", "@import", "url(", "javascript:"} {
		if strings.Contains(strings.ToLower(out), bad) {
			t.Errorf("the report contains %q", bad)
		}
	}
	if !strings.Contains(out, escText(evil)) {
		t.Error("the order number with a script is not shown escaped")
	}
	var links []string
	for _, m := range urlAttr.FindAllStringSubmatch(out, -1) {
		if external.MatchString(m[1]) {
			links = append(links, m[1])
		}
	}
	if len(links) != 1 || links[0] != authorityURL {
		t.Errorf("external links %v, want only the authority's %s", links, authorityURL)
	}
	if !strings.Contains(out, `<a href="photos/photo-000012.jpg">photos/photo-000012.jpg</a>`) {
		t.Error("no relative link to the photo's file in the ZIP")
	}
	if strings.Count(out, "<style>") != 1 || !strings.Contains(out, "@media print") || !strings.Contains(out, "break-before:page") {
		t.Error("want one inline <style> with print rules breaking pages between categories")
	}
	// Another authority address than a web one is named, not linked.
	info := reportInfo("en")
	info.AuthorityURL = "javascript:alert(1)"
	if out := renderReport(t, info, 2); strings.Contains(out, "javascript:") || !strings.Contains(out, "CNIL") {
		t.Error("a non-web authority address is linked, or the authority is not named")
	}
}

var (
	headingTag = regexp.MustCompile(`<h([1-6])[ >]`)
	openTag    = regexp.MustCompile(`<(section|table|dl|main|nav|header|footer|tbody|thead|tr|ul|ol|div)[ >]`)
)

func TestExportReportStructure(t *testing.T) {
	t.Parallel()
	out := renderReport(t, reportInfo("en"), 1)
	levels := headingTag.FindAllStringSubmatch(out, -1)
	if len(levels) == 0 || levels[0][1] != "1" {
		t.Fatal("the report does not start with an h1")
	}
	prev := 1
	for _, m := range levels[1:] {
		l, _ := strconv.Atoi(m[1])
		if l == 1 {
			t.Error("more than one h1")
		}
		if l > prev+1 {
			t.Errorf("heading jumps from h%d to h%d", prev, l)
		}
		prev = l
	}
	counts := map[string]int{}
	for _, m := range openTag.FindAllStringSubmatch(out, -1) {
		counts[m[1]]++
	}
	for tag, n := range counts {
		if c := strings.Count(out, "</"+tag+">"); c != n {
			t.Errorf("<%s> opened %d times, closed %d", tag, n, c)
		}
	}
	if tables, captions := strings.Count(out, "<table>"), strings.Count(out, "<caption"); tables == 0 || tables != captions {
		t.Errorf("%d tables, %d captions", tables, captions)
	}
	if strings.Contains(out, "<th>") {
		t.Error("a <th> without scope")
	}
	// Every section of the Art. 15 information, and what was withheld.
	for _, id := range []string{"art15", "art15-processing", "art15-rights", "art15-complaint", "art15-automated",
		"art15-transfers", "withheld", "about", "cat-profile", "cat-orders", "cat-photos", "cat-contact"} {
		if !strings.Contains(out, `id="`+id+`"`) {
			t.Errorf("no section %q", id)
		}
		if id != "art15-processing" && !strings.HasPrefix(id, "art15-") && !strings.Contains(out, `href="#`+id+`"`) {
			t.Errorf("the contents do not link to %q", id)
		}
	}
	for _, r := range []string{"rectification", "erasure", "restriction", "objection", "portability", "withdraw"} {
		if !strings.Contains(out, escText(i18n.Tl("en", "export.report.rights."+r+".name"))) {
			t.Errorf("right %s not explained", r)
		}
	}
	for _, s := range []string{"#4711", "data.json", "data.schema.json", "csv/", "photos/", "Ada Lovelace", "ada@example.com",
		escText(i18n.Tl("en", "export.report.nothing_held")), "3 records", escText(i18n.Tl("en", "export.report.basis.legitimate_interest"))} {
		if !strings.Contains(out, s) {
			t.Errorf("%q missing", s)
		}
	}
}

func TestExportReportOptionalParts(t *testing.T) {
	t.Parallel()
	info := reportInfo("en")
	info.Withheld, info.Request, info.AuthorityName, info.AuthorityURL = nil, nil, "", ""
	info.AutomatedDecisions, info.AutomatedLogic = true, "A score from your order history decides whether we ask for prepayment."
	info.Transfers = "Our print lab in Switzerland (an adequacy decision)."
	out := renderReport(t, info, 50)
	for _, s := range []string{info.AutomatedLogic, info.Transfers, "your data protection authority",
		escText(i18n.Tl("en", "export.report.self")), escText(i18n.Tl("en", "export.report.transfers.some"))} {
		if !strings.Contains(out, escText(s)) && !strings.Contains(out, s) {
			t.Errorf("%q missing", s)
		}
	}
	for _, s := range []string{`id="withheld"`, escText(i18n.Tl("en", "export.report.automated.none")),
		escText(i18n.Tl("en", "export.report.transfers.none"))} {
		if strings.Contains(out, s) {
			t.Errorf("%q shown though it does not apply", s)
		}
	}
	info = reportInfo("en")
	info.Withheld = append(info.Withheld, export.Withheld{RequestID: 9, At: generated, Reason: models.WithholdPrivilege})
	if out := renderReport(t, info, 50); !strings.Contains(out, escText(i18n.Tl("en", "export.report.withheld.reason.legal_privilege"))) {
		t.Error("the legal privilege reason is not shown")
	}
}
