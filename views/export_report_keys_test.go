package views_test

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// TestExportReportKeys fails when a text the report needs is missing in
// a language: a missing id shows as itself, and a code the report turns
// into a label (a lawful basis, a withholding reason, a registered set
// and each of its fields) needs one in every catalog, so a new field
// gets its column header in words.
func TestExportReportKeys(t *testing.T) {
	t.Parallel()
	need := []string{"export.report.field.file"}
	for _, b := range []models.LawfulBasis{models.BasisContract, models.BasisConsent, models.BasisLegalObligation, models.BasisLegitimateInterest} {
		need = append(need, "export.report.basis."+string(b))
	}
	for _, r := range models.WithholdReasons {
		need = append(need, "export.report.withheld.reason."+r)
	}
	for _, e := range holdings.Entries() {
		for _, s := range e.Export() {
			need = append(need, "export.report.set."+s.Name)
			for _, f := range s.Fields {
				need = append(need, "export.report.field."+f.Name)
			}
		}
	}
	en, err := i18n.IDs("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range en {
		if strings.HasPrefix(id, "export.report.") {
			need = append(need, id)
		}
	}
	slices.Sort(need)
	need = slices.Compact(need)
	for _, l := range i18n.Supported {
		ids, err := i18n.IDs(l.Code)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, id := range ids {
			have[id] = true
		}
		for _, id := range need {
			if !have[id] {
				t.Errorf("%s.toml: %q missing", l.Code, id)
			}
		}
		if out := renderReport(t, reportInfo(l.Code), 3); strings.Contains(out, "export.report.") {
			i := strings.Index(out, "export.report.")
			t.Errorf("%s: a message id shows in the report: %q", l.Code, out[i:min(len(out), i+60)])
		}
	}
}

// TestExportReportRowsAllocations keeps a batch's cost flat: no
// allocation per value beyond a time's text, so 50,000 rows do not grow
// the heap and stay fast.
func TestExportReportRowsAllocations(t *testing.T) {
	info := reportInfo("fr")
	ctx := i18n.WithZone(i18n.WithLocale(context.Background(), "fr"), paris)
	c := info.Categories[1]
	s := c.Sets[0]
	rows := make([][]any, 200)
	for i := range rows {
		rows[i] = []any{int64(i), "PL-" + strconv.Itoa(i) + " & <co>", nil, i%2 == 0}
	}
	var r views.ExportReport
	w := &discard{}
	allocs := testing.AllocsPerRun(20, func() {
		if err := r.Rows(ctx, w, c, s, rows); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 10 {
		t.Errorf("%.0f allocations for a batch of %d rows without times, want a handful per batch", allocs, len(rows))
	}
	for i := range rows {
		rows[i][2] = generated
	}
	allocs = testing.AllocsPerRun(20, func() { _ = r.Rows(ctx, w, c, s, rows) })
	if allocs > float64(len(rows))+10 {
		t.Errorf("%.0f allocations for %d rows with one time each, want at most one per time", allocs, len(rows))
	}
}

// discard is a writer like the builder's: it takes strings as they are.
type discard struct{ n int }

func (d *discard) Write(p []byte) (int, error)       { d.n += len(p); return len(p), nil }
func (d *discard) WriteString(s string) (int, error) { d.n += len(s); return len(s), nil }

var _ io.StringWriter = (*discard)(nil)
