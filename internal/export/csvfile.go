package export

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// writeCSV writes csv/<category>.csv for every included category: one
// row per record, its set named in the first column ("record"), then
// the union of the sets' fields in declaration order (empty where a set
// has no such field). RFC 4180 (CRLF), UTF-8 with a byte order mark so
// spreadsheets read the accents right.
func (b *builder) writeCSV(ctx context.Context, db *gorm.DB, zw *zip.Writer) error {
	b.progress(ctx, StepTables, 0, 0, true)
	for _, c := range b.cats {
		f, err := zw.Create("csv/" + c.Key + ".csv")
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 64<<10)
		bw.WriteString("\uFEFF")
		w := csv.NewWriter(bw)
		w.UseCRLF = true
		header := []string{"record"}
		at := map[string]int{}
		for _, set := range c.Sets {
			names := make([]string, 0, len(set.Fields)+1)
			for _, fl := range set.Fields {
				names = append(names, fl.Name)
			}
			if set.FileColumn != "" {
				names = append(names, "file")
			}
			for _, n := range names {
				if _, ok := at[n]; !ok {
					at[n] = len(header)
					header = append(header, n)
				}
			}
		}
		if err := w.Write(header); err != nil {
			return err
		}
		row := make([]string, len(header))
		for _, set := range c.Sets {
			err := b.each(ctx, db, set, func(rec []any) error {
				clear(row)
				row[0] = set.Name
				for i, fl := range set.Fields {
					row[at[fl.Name]] = Cell(rec[i])
				}
				if set.FileColumn != "" {
					row[at["file"]] = Cell(rec[len(rec)-1])
				}
				b.progress(ctx, StepTables, 1, 1, false)
				return w.Write(row)
			})
			if err != nil {
				return err
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// Cell is a value as a CSV cell. Text that a spreadsheet would run as a
// formula (beginning with =, +, -, @, a tab or a carriage return) is
// prefixed with an apostrophe (OWASP's advice), so opening the file
// never executes anything the customer, or anyone, typed. Numbers and
// times are written by the portal and left as they are.
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return neutralize(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return jsonTime(x)
	}
	return ""
}

func neutralize(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune("\t\r", rune(s[0])) {
		return "'" + s
	}
	// Spreadsheets skip leading spaces before a formula, and in CJK
	// locales read the full-width signs as the ASCII ones.
	first, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, " \u00a0\u3000"))
	if strings.ContainsRune("=+-@＝＋－＠", first) {
		return "'" + s
	}
	return s
}
