package erasure

import (
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/models"
)

func TestParseBookkeeping(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in      string
		def     int
		country map[string]int
		bad     bool
	}{
		{in: "default=10", def: 10, country: map[string]int{}},
		{in: "default=10,DE=10,GB=6", def: 10, country: map[string]int{"DE": 10, "GB": 6}},
		{in: " GB = 6 , default=7 ,", def: 7, country: map[string]int{"GB": 6}},
		{in: "", bad: true},
		{in: "GB=6", bad: true},                 // no default
		{in: "default=10,default=9", bad: true}, // twice
		{in: "default=10,GB=6,GB=7", bad: true}, // twice
		{in: "default=0", bad: true},            // too short
		{in: "default=31", bad: true},           // too long
		{in: "default=ten", bad: true},          // not a number
		{in: "default=10,gb=6", bad: true},      // lower case
		{in: "default=10,GBR=6", bad: true},     // alpha-3
		{in: "default=10,GB", bad: true},        // no years
		{in: "default=10;GB=6", bad: true},      // wrong separator
		{in: "default=10,GB=-1", bad: true},     // negative
		{in: "default=10,XX=6,YY=1", def: 10, country: map[string]int{"XX": 6, "YY": 1}},
	} {
		b, err := ParseBookkeeping(c.in)
		if c.bad {
			if !errors.Is(err, ErrBookkeeping) {
				t.Errorf("%q: %v, want refused", c.in, err)
			}
			continue
		}
		if err != nil || b.Default != c.def || !maps.Equal(b.ByCountry, c.country) {
			t.Errorf("%q: %+v %v, want default %d %v", c.in, b, err, c.def, c.country)
		}
	}
}

func TestParseFiscalYearEnd(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]FiscalYearEnd{"12-31": {12, 31}, "03-31": {3, 31}, "02-28": {2, 28}, "01-01": {1, 1}} {
		if got, err := ParseFiscalYearEnd(in); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "12/31", "13-01", "00-10", "04-31", "02-29", "1-31", "12-32", "ab-cd", "12-310"} {
		if _, err := ParseFiscalYearEnd(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestRetentionUntil(t *testing.T) {
	t.Parallel()
	books := Bookkeeping{Default: 10, ByCountry: map[string]int{"GB": 6, "DE": 10}}
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name    string
		r       Retention
		at      time.Time
		country string
		want    time.Time
	}{
		{"calendar year, default", Retention{Books: books, End: FiscalYearEnd{12, 31}}, d(2026, 3, 1), "FR", d(2037, 1, 1)},
		{"last second of the year", Retention{Books: books, End: FiscalYearEnd{12, 31}}, d(2027, 1, 1).Add(-time.Second), "", d(2037, 1, 1)},
		{"first instant of the next", Retention{Books: books, End: FiscalYearEnd{12, 31}}, d(2027, 1, 1), "", d(2038, 1, 1)},
		{"country named", Retention{Books: books, End: FiscalYearEnd{12, 31}}, d(2026, 3, 1), "GB", d(2033, 1, 1)},
		{"country in lower case", Retention{Books: books, End: FiscalYearEnd{12, 31}}, d(2026, 3, 1), "gb", d(2033, 1, 1)},
		{"April to March year, before its end", Retention{Books: books, End: FiscalYearEnd{3, 31}}, d(2026, 3, 31).Add(23 * time.Hour), "GB", d(2032, 4, 1)},
		{"April to March year, after its end", Retention{Books: books, End: FiscalYearEnd{3, 31}}, d(2026, 4, 1), "GB", d(2033, 4, 1)},
		{"February end stays the last day", Retention{Books: Bookkeeping{Default: 2}, End: FiscalYearEnd{2, 28}}, d(2026, 1, 10), "", d(2028, 2, 29)},
		{"category years for an unnamed country", Retention{Books: books, End: FiscalYearEnd{12, 31}, CategoryYears: 8}, d(2026, 5, 5), "IT", d(2035, 1, 1)},
		{"the country's law beats the category", Retention{Books: books, End: FiscalYearEnd{12, 31}, CategoryYears: 8}, d(2026, 5, 5), "GB", d(2033, 1, 1)},
		{"another zone is read in UTC", Retention{Books: books, End: FiscalYearEnd{12, 31}},
			time.Date(2027, 1, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)), "", d(2037, 1, 1)},
	} {
		if got := c.r.Until(c.at, c.country); !got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestStrategiesFallBack: a stored strategy the category does not allow
// (any more) is replaced by its default; an allowed one is used.
func TestStrategiesFallBack(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	s := newService(t, db)
	if err := SeedStrategies(t.Context(), db.DB, testNow); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `UPDATE erasure_strategies SET strategy = 'retain' WHERE category = 'photos'`,
		`UPDATE erasure_strategies SET strategy = 'delete', retain_years = 0 WHERE category = 'orders'`)
	got, err := s.strategies(db.DB)
	if err != nil {
		t.Fatal(err)
	}
	if got[holdings.KeyPhotos].Strategy != models.StrategyDelete || got[holdings.KeyOrders].Strategy != models.StrategyDelete ||
		got[holdings.KeyConsents].Strategy != models.StrategySuppress {
		t.Errorf("strategies %v", got)
	}
	for _, e := range holdings.Entries() {
		er := e.Erasure()
		if len(er.Allowed) == 0 || er.Allowed[0] == "" {
			t.Errorf("%s allows nothing", e.Key())
		}
		found := false
		for _, a := range er.Allowed {
			found = found || a == er.Default
		}
		if !found {
			t.Errorf("%s: default %q is not allowed", e.Key(), er.Default)
		}
		if er.Default == models.StrategyRetain && er.LegalBasis == "" {
			t.Errorf("%s retains without a legal basis", e.Key())
		}
	}
}
