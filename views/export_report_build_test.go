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
