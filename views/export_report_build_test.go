package views_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

var photoLink = regexp.MustCompile(`<a href="(photos/[^"]+)">`)

// TestExportReportInBuiltPackage builds a real package with this
// reporter, from the seeded catalog and the registry's sets, and reads
// its index.html back out of the ZIP: the customer's language, every
// chosen category with its rows, the one left out named, and each photo
// link pointing at a file the ZIP holds.
func TestExportReportInBuiltPackage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		v, err := vault.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if err := holdings.SeedCategories(ctx, db.DB); err != nil {
			t.Fatal(err)
		}
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "https://portal.example.com"}, quiet)
		if err != nil {
			t.Fatal(err)
		}
		s := &export.Service{DB: db.DB, Dialect: db.Dialect, Vault: v, Mailer: mailer, Report: views.ExportReport{},
			Holdings: &holdings.Store{DB: db.DB, Dialect: db.Dialect}, BaseURL: "https://portal.example.com",
			Now: func() time.Time { return now }, Logger: quiet}

		u := models.User{Email: "ada@example.com", Role: models.RoleCustomer, Name: "Ada <b>Lovelace</b>", Locale: "fr",
			TimeZone: "Europe/Paris", PasswordHash: "secret-hash"}
		if err := db.Create(&u).Error; err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			o := models.Order{UserID: u.ID, Number: fmt.Sprintf("PL-%04d", i), PlacedAt: now.Add(-time.Duration(i) * time.Hour),
				Status: models.OrderDelivered, Currency: "EUR", TotalCents: 1999}
			if err := db.Create(&o).Error; err != nil {
				t.Fatal(err)
			}
		}
		key, err := v.Put([]byte("\xff\xd8\xff jpeg bytes"))
		if err != nil {
			t.Fatal(err)
		}
		ph := models.Photo{UserID: u.ID, Filename: "../../etc/passwd", ContentType: "image/jpeg", SizeBytes: 14, FileKey: key, UploadedAt: now}
		if err := db.Create(&ph).Error; err != nil {
			t.Fatal(err)
		}

		var chosen []string
		for _, e := range holdings.Entries() {
			if e.Key() != "surveys" {
				chosen = append(chosen, e.Key())
			}
		}
		e, err := s.Request(ctx, actor.Actor{Kind: actor.Customer, UserID: u.ID}, u.ID, chosen, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Build(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.Where("id = ?", e.ID).Take(&e).Error; err != nil {
			t.Fatal(err)
		}
		files := readZip(t, v, e.FileKey)
		out := string(files["index.html"])
		for _, want := range []string{`<html lang="fr">`, i18n.Tl("fr", "export.report.title"), "Ada &lt;b&gt;Lovelace&lt;/b&gt;",
			"PL-0000", "PL-0002", "(Europe/Paris)", `id="cat-orders"`, `id="art15"`} {
			if !strings.Contains(out, want) {
				t.Errorf("index.html lacks %q", want)
			}
		}
		if strings.Contains(out, `id="cat-surveys"`) || !strings.Contains(out, ": non incluse, à votre demande") {
			t.Error("the category left out is not listed as such")
		}
		if strings.Contains(out, "<b>") || strings.Contains(out, "secret-hash") || strings.Contains(out, "etc/passwd\"") {
			t.Error("index.html holds unescaped markup, the password hash or a path from the customer")
		}
		links := photoLink.FindAllStringSubmatch(out, -1)
		if len(links) != 1 {
			t.Fatalf("%d photo links, want 1", len(links))
		}
		if _, ok := files[links[0][1]]; !ok {
			t.Errorf("the report links %s, which the ZIP does not hold", links[0][1])
		}
		if !strings.HasSuffix(strings.TrimSpace(out), "</html>") {
			t.Error("index.html is cut short")
		}
		// EXPORT_REPORT_BUILT names a file to keep the report in, for a look.
		if path := os.Getenv("EXPORT_REPORT_BUILT"); path != "" && db.Dialect == models.SQLite {
			if err := os.WriteFile(path, files["index.html"], 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func readZip(t *testing.T, v *vault.Vault, key string) map[string][]byte {
	t.Helper()
	raw, err := v.Get(key)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// TestExportReportSample writes a report with every registered set, in
// the language and to the file EXPORT_REPORT_SAMPLE names
// ("fr:/tmp/report-sample.html"), for a look in a browser or axe.
func TestExportReportSample(t *testing.T) {
	spec := os.Getenv("EXPORT_REPORT_SAMPLE")
	if spec == "" {
		t.Skip("EXPORT_REPORT_SAMPLE not set")
	}
	locale, path, ok := strings.Cut(spec, ":")
	if !ok {
		locale, path = "en", spec
	}
	info := reportInfo(locale)
	info.Categories = info.Categories[:0]
	rows := map[string][][]any{}
	for _, e := range holdings.Entries() {
		c := &export.ReportCategory{Key: e.Key(), Included: e.Key() != "surveys", Bases: []models.LawfulBasis{models.BasisContract, models.BasisConsent},
			Texts: holdings.Texts{Name: strings.ToUpper(e.Key()[:1]) + e.Key()[1:], Description: "What we hold as " + e.Key(),
				RetentionText: "Kept for the length of your account, then 3 years.", Source: "You", Recipients: "Our photo lab",
				Purposes: []string{"Run your account", "Send news you asked for"}}}
		for _, set := range e.Export() {
			rs := &export.ReportSet{Set: set, FileIndex: -1, Count: 3}
			if set.One {
				rs.Count = 1
			}
			if set.FileColumn != "" {
				rs.FileIndex = len(set.Fields)
			}
			c.Sets = append(c.Sets, rs)
			rows[e.Key()+"/"+set.Name] = sampleRows(rs)
		}
		info.Categories = append(info.Categories, c)
	}
	out := renderSample(t, info, rows)
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

func sampleRows(s *export.ReportSet) [][]any {
	var rows [][]any
	for i := int64(0); i < s.Count; i++ {
		rec := make([]any, 0, len(s.Fields)+1)
		for _, f := range s.Fields {
			switch f.Type {
			case holdings.FieldInt:
				rec = append(rec, 100+i)
			case holdings.FieldBool:
				rec = append(rec, i%2 == 0)
			case holdings.FieldTime:
				rec = append(rec, generated.Add(-time.Duration(i)*24*time.Hour))
			default:
				rec = append(rec, f.Name+" "+strconv.FormatInt(i+1, 10))
			}
		}
		if s.FileIndex >= 0 {
			rec = append(rec, export.PhotoPath(100+i, "image/jpeg"))
		}
		rows = append(rows, rec)
	}
	return rows
}

func renderSample(t *testing.T, info *export.ReportInfo, rows map[string][][]any) string {
	ctx := i18n.WithZone(i18n.WithLocale(context.Background(), info.Locale), info.Zone)
	var r views.ExportReport
	var buf bytes.Buffer
	_ = r.Begin(ctx, &buf, info)
	for _, c := range info.Categories {
		if !c.Included {
			continue
		}
		_ = r.Category(ctx, &buf, c)
		for _, s := range c.Sets {
			_ = r.SetStart(ctx, &buf, c, s)
			_ = r.Rows(ctx, &buf, c, s, rows[c.Key+"/"+s.Name])
			_ = r.SetEnd(ctx, &buf, c, s)
		}
		_ = r.CategoryEnd(ctx, &buf, c)
	}
	if err := r.End(ctx, &buf, info); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
