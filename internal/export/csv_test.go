package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
)

func TestCellNeutralizesFormulas(t *testing.T) {
	t.Parallel()
	for in, want := range map[any]string{
		"=SUM(A1:A9)":       "'=SUM(A1:A9)",
		"+33612345678":      "'+33612345678",
		"-2+3":              "'-2+3",
		"@cmd":              "'@cmd",
		"\t=1":              "'\t=1",
		"\r=1":              "'\r=1",
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")",
		"  =1+1":            "'  =1+1", // leading spaces are skipped by spreadsheets
		"\u3000＝SUM(A1)":    "'\u3000＝SUM(A1)",
		"＋33":               "'＋33", // full-width signs, read as formulas in CJK locales
		"＠cmd":              "'＠cmd",
		" plain":            " plain",
		"plain text":        "plain text",
		"a=b":               "a=b",
		"":                  "",
		"'already":          "'already",
		int64(-42):          "-42", // a number the portal wrote: left as it is
		int64(7):            "7",
		true:                "true",
		nil:                 "",
		time.Date(2026, 3, 10, 9, 0, 0, 0, time.FixedZone("CET", 3600)): "2026-03-10T08:00:00Z",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCSVFiles reads a package's CSV back as a spreadsheet would: a byte
// order mark, CRLF line ends, and the stored values (accents, commas,
// quotes and line breaks) intact after encoding/csv parses them.
func TestCSVFiles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		r := richCustomer(t, s, db)
		e, err := s.Request(ctx, actor.Actor{Kind: actor.Customer, UserID: r.UserID}, r.UserID, nil, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Build(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		files := unzip(t, s, reload(t, s, e.ID))
		for name, b := range files {
			if !strings.HasPrefix(name, "csv/") {
				continue
			}
			if !bytes.HasPrefix(b, []byte("\uFEFF")) {
				t.Errorf("%s has no UTF-8 byte order mark", name)
			}
			// Every line break, record ends and those inside a quoted value alike.
			if n := bytes.Count(b, []byte("\n")); n == 0 || bytes.Count(b, []byte("\r\n")) != n {
				t.Errorf("%s: lines do not end in CRLF", name)
			}
		}
		raw := files["csv/contact.csv"]
		if !bytes.HasSuffix(raw, []byte("\r\n")) {
			t.Errorf("contact.csv does not end with CRLF")
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\uFEFF")))).ReadAll()
		if err != nil {
			t.Fatalf("contact.csv does not parse: %v", err)
		}
		if len(rows) != 2 {
			t.Fatalf("contact.csv: %d rows, want header and one message", len(rows))
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		got := rows[1]
		// encoding/csv reads a quoted CRLF as LF, as RFC 4180 readers do.
		wantBody := strings.ReplaceAll(r.Message.Body, "\r\n", "\n")
		if got[col["record"]] != "messages" || got[col["subject"]] != r.Message.Subject || got[col["body"]] != wantBody {
			t.Errorf("contact.csv row = %q\nwant subject %q, body %q", got, r.Message.Subject, wantBody)
		}
		// A formula typed into a survey answer is neutralized in the file.
		surveys, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(files["csv/surveys.csv"], []byte("\uFEFF")))).ReadAll()
		if err != nil || len(surveys) != 2 {
			t.Fatalf("surveys.csv: %v, %d rows", err, len(surveys))
		}
		if !strings.Contains(strings.Join(surveys[1], "|"), "|'=HYPERLINK(\"x\")") {
			t.Errorf("surveys.csv row = %q: the formula is not neutralized", surveys[1])
		}
		// One CSV per included category, its name the category's key.
		for _, k := range []string{"profile", "orders", "photos", "logins", "requests", "contact", "payments", "surveys"} {
			if _, ok := files["csv/"+k+".csv"]; !ok {
				t.Errorf("no csv/%s.csv", k)
			}
		}
	})
}
