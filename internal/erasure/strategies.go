package erasure

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Bookkeeping is the parsed erasure.bookkeeping_years: how many years
// invoices are kept after the end of their fiscal year, per billing
// country, and for the rest.
type Bookkeeping struct {
	Default   int
	ByCountry map[string]int
}

// maxBookkeepingYears bounds a period: no law asks for more, and a typo
// ("100") should not keep invoices for a century.
const maxBookkeepingYears = 30

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// ErrBookkeeping is wrapped by every error of ParseBookkeeping.
var ErrBookkeeping = errors.New("erasure: bookkeeping years")

// ParseBookkeeping reads "default=10,DE=10,GB=6": comma-separated
// KEY=YEARS, KEY an ISO 3166 alpha-2 code (upper case) or "default",
// which is required; each key once; years 1 to 30.
func ParseBookkeeping(s string) (Bookkeeping, error) {
	b := Bookkeeping{Default: -1, ByCountry: map[string]int{}}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, val, ok := strings.Cut(part, "=")
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		if !ok {
			return Bookkeeping{}, fmt.Errorf("%w: %q is not KEY=YEARS", ErrBookkeeping, part)
		}
		years, err := strconv.Atoi(val)
		if err != nil || years < 1 || years > maxBookkeepingYears {
			return Bookkeeping{}, fmt.Errorf("%w: %q: years must be 1 to %d", ErrBookkeeping, part, maxBookkeepingYears)
		}
		switch {
		case key == "default":
			if b.Default >= 0 {
				return Bookkeeping{}, fmt.Errorf("%w: default given twice", ErrBookkeeping)
			}
			b.Default = years
		case countryCode.MatchString(key):
			if _, dup := b.ByCountry[key]; dup {
				return Bookkeeping{}, fmt.Errorf("%w: %s given twice", ErrBookkeeping, key)
			}
			b.ByCountry[key] = years
		default:
			return Bookkeeping{}, fmt.Errorf("%w: %q is neither default nor a country code", ErrBookkeeping, key)
		}
	}
	if b.Default < 0 {
		return Bookkeeping{}, fmt.Errorf("%w: no default", ErrBookkeeping)
	}
	return b, nil
}

// FiscalYearEnd is the last day of the fiscal year.
type FiscalYearEnd struct {
	Month time.Month
	Day   int
}

// ParseFiscalYearEnd reads erasure.fiscal_year_end, "MM-DD". The day must
// exist in every year, so 02-29 is refused (use 02-28).
func ParseFiscalYearEnd(s string) (FiscalYearEnd, error) {
	var m, d int
	if len(s) != 5 || s[2] != '-' {
		return FiscalYearEnd{}, fmt.Errorf("erasure: fiscal year end %q is not MM-DD", s)
	}
	m, err1 := strconv.Atoi(s[:2])
	d, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || d < 1 {
		return FiscalYearEnd{}, fmt.Errorf("erasure: fiscal year end %q is not MM-DD", s)
	}
	// 2023 is not a leap year: the day must exist in every year.
	if t := time.Date(2023, time.Month(m), d, 0, 0, 0, 0, time.UTC); t.Month() != time.Month(m) {
		return FiscalYearEnd{}, fmt.Errorf("erasure: fiscal year end %q is not a day of every year", s)
	}
	return FiscalYearEnd{Month: time.Month(m), Day: d}, nil
}

// Retention computes how long retained records are kept.
type Retention struct {
	Books Bookkeeping
	End   FiscalYearEnd
	// CategoryYears is the category's own period (erasure_strategies'
	// retain_years, set by admins), used for a country the setting does not
	// name; 0: the setting's default.
	CategoryYears int
}

// Until is when a record dated at, billed to country, may go: the end of
// the fiscal year containing at, plus the years for the country (the
// setting's years for a named country; else the category's years; else
// the setting's default). The result is the first instant after the
// period, midnight UTC after the fiscal year's last day.
func (r Retention) Until(at time.Time, country string) time.Time {
	at = at.UTC()
	end := time.Date(at.Year(), r.End.Month, r.End.Day, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	if !at.Before(end) {
		end = time.Date(at.Year()+1, r.End.Month, r.End.Day, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	}
	years, ok := r.Books.ByCountry[strings.ToUpper(country)]
	if !ok {
		years = r.Books.Default
		if r.CategoryYears > 0 {
			years = r.CategoryYears
		}
	}
	// The year is added to the fiscal year's last day, then the day after
	// taken, so a 02-28 year end stays the last day of February.
	last := end.AddDate(0, 0, -1)
	last = time.Date(last.Year()+years, last.Month(), last.Day(), 0, 0, 0, 0, time.UTC)
	return last.AddDate(0, 0, 1)
}

// retention reads the settings for a category's strategy.
func (s *Service) retention(st models.ErasureStrategy) (Retention, error) {
	books, err := ParseBookkeeping(settings.ErasureBookkeepingYears.Get(s.Settings))
	if err != nil {
		return Retention{}, err
	}
	end, err := ParseFiscalYearEnd(settings.ErasureFiscalYearEnd.Get(s.Settings))
	if err != nil {
		return Retention{}, err
	}
	return Retention{Books: books, End: end, CategoryYears: st.RetainYears}, nil
}

// RetainUntil is the end of the bookkeeping retention of a record dated
// at in country, with the settings and no category period.
func (s *Service) RetainUntil(at time.Time, country string) (time.Time, error) {
	r, err := s.retention(models.ErasureStrategy{})
	if err != nil {
		return time.Time{}, err
	}
	return r.Until(at, country), nil
}

// strategies are the categories' rows of erasure_strategies, a missing
// or no longer allowed one replaced by the category's default (a
// strategy the code stopped offering must not stop an erasure).
func (s *Service) strategies(tx *gorm.DB) (map[string]models.ErasureStrategy, error) {
	var rows []models.ErasureStrategy
	if err := tx.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("erasure: strategies: %w", err)
	}
	stored := map[string]models.ErasureStrategy{}
	for _, r := range rows {
		stored[r.Category] = r
	}
	out := map[string]models.ErasureStrategy{}
	for _, e := range holdings.Entries() {
		er := e.Erasure()
		r, ok := stored[e.Key()]
		if !ok || !slices.Contains(er.Allowed, r.Strategy) {
			if ok {
				s.log().Warn("erasure: stored strategy no longer allowed; using the default", "category", e.Key(), "strategy", r.Strategy)
			}
			r = models.ErasureStrategy{Category: e.Key(), Strategy: er.Default, LegalBasis: er.LegalBasis, RetainYears: er.RetainYears}
		}
		out[e.Key()] = r
	}
	return out, nil
}
