package export

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

var testNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// plainReport is a minimal Reporter for the service's tests: the pages'
// report (views) is tested on its own and in the browser.
type plainReport struct{}

func (plainReport) Begin(ctx context.Context, w io.Writer, info *ReportInfo) error {
	_, err := fmt.Fprintf(w, "<!doctype html><html lang=%q><body><h1>%s</h1>", info.Locale, html.EscapeString(info.Email))
	return err
}
func (plainReport) Category(ctx context.Context, w io.Writer, c *ReportCategory) error {
	_, err := fmt.Fprintf(w, "<h2>%s</h2>", html.EscapeString(c.Texts.Name))
	return err
}
func (plainReport) SetStart(ctx context.Context, w io.Writer, c *ReportCategory, s *ReportSet) error {
	_, err := fmt.Fprintf(w, "<table data-set=%q>", s.Name)
	return err
}
func (plainReport) Rows(ctx context.Context, w io.Writer, c *ReportCategory, s *ReportSet, rows [][]any) error {
	for _, r := range rows {
		fmt.Fprint(w, "<tr>")
		for _, v := range r {
			fmt.Fprintf(w, "<td>%s</td>", html.EscapeString(Cell(v)))
		}
		fmt.Fprint(w, "</tr>")
	}
	return nil
}
func (plainReport) SetEnd(ctx context.Context, w io.Writer, c *ReportCategory, s *ReportSet) error {
	_, err := io.WriteString(w, "</table>")
	return err
}
func (plainReport) CategoryEnd(ctx context.Context, w io.Writer, c *ReportCategory) error { return nil }
func (plainReport) End(ctx context.Context, w io.Writer, info *ReportInfo) error {
	for _, x := range info.Withheld {
		fmt.Fprintf(w, "<p class=withheld>%s</p>", x.Reason)
	}
	_, err := io.WriteString(w, "</body></html>")
	return err
}

// newService is an export service on db with a vault in a temp dir, its
// catalog seeded.
func newService(t testing.TB, db *dbtest.DB) (*Service, *clock) {
	t.Helper()
	c := &clock{t: testNow}
	dir := t.TempDir()
	v, err := vault.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	vaultDirs.Store(v, dir)
	if err := holdings.SeedCategories(context.Background(), db.DB); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "https://portal.example.com"}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	req := &requests.Service{DB: db.DB, Dialect: db.Dialect, Mailer: mailer, BaseURL: "https://portal.example.com", Now: c.Now, Logger: quiet}
	s := &Service{DB: db.DB, Dialect: db.Dialect, Vault: v, Mailer: mailer, Holdings: &holdings.Store{DB: db.DB, Dialect: db.Dialect},
		Requests: req, Report: plainReport{}, BaseURL: "https://portal.example.com", Now: c.Now, Logger: quiet}
	return s, c
}

// vaultDirs remembers each test vault's directory, for the tests that
// look at the files themselves (a crash leaves no package behind).
var vaultDirs sync.Map // *vault.Vault → dir

// vaultFiles lists the files of s's vault (its files/ folder): stored
// ones, and separately the temporary ones a build being written leaves.
func vaultFiles(t testing.TB, s *Service) (stored, temp []string) {
	t.Helper()
	dir, ok := vaultDirs.Load(s.Vault)
	if !ok {
		t.Fatal("not a test vault")
	}
	err := filepath.WalkDir(filepath.Join(dir.(string), "files"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			temp = append(temp, d.Name())
		} else {
			stored = append(stored, d.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return stored, temp
}

func newCustomer(t testing.TB, db *dbtest.DB, email string) int64 {
	t.Helper()
	u := models.User{Email: email, Role: models.RoleCustomer, Name: "Ada Lovelace", Locale: "fr", PasswordHash: "secret-hash"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// addOrders gives userID n orders of items lines each.
func addOrders(t testing.TB, db *dbtest.DB, userID int64, n, items int) {
	t.Helper()
	for i := range n {
		o := models.Order{UserID: userID, Number: fmt.Sprintf("U%d-%06d", userID, i), PlacedAt: testNow.Add(-time.Duration(i) * time.Hour),
			Status: models.OrderDelivered, Currency: "EUR", TotalCents: 1999}
		if err := db.Create(&o).Error; err != nil {
			t.Fatal(err)
		}
		for j := range items {
			it := models.OrderItem{OrderID: o.ID, Description: fmt.Sprintf("Print 10x15 #%d", j), Quantity: 2, UnitPriceCents: 45}
			if err := db.Create(&it).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
}

// addPhoto stores a photo file in the vault and its row.
func addPhoto(t testing.TB, s *Service, userID int64, name string, data []byte) models.Photo {
	t.Helper()
	key, err := s.Vault.Put(data)
	if err != nil {
		t.Fatal(err)
	}
	p := models.Photo{UserID: userID, Filename: name, ContentType: "image/jpeg", SizeBytes: int64(len(data)), FileKey: key, UploadedAt: testNow}
	if err := s.DB.Create(&p).Error; err != nil {
		t.Fatal(err)
	}
	return p
}

// unzip reads the package of e from the vault.
func unzip(t testing.TB, s *Service, e models.Export) map[string][]byte {
	t.Helper()
	raw, err := s.Vault.Get(e.FileKey)
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

func reload(t testing.TB, s *Service, id int64) models.Export {
	t.Helper()
	var e models.Export
	if err := s.DB.Where("id = ?", id).Take(&e).Error; err != nil {
		t.Fatal(err)
	}
	return e
}
