package profile

import "testing"

// Every country whose format is checked has an example for its error
// message, and the example passes the country's own rule as written.
func TestPostalExamplesFitTheirRule(t *testing.T) {
	t.Parallel()
	for country, r := range postalRules {
		if r.re == nil {
			if r.example != "" {
				t.Errorf("%s: an example without a format", country)
			}
			continue
		}
		ex := PostalExample(country)
		if ex == "" {
			t.Errorf("%s: no example for its postal-code format", country)
			continue
		}
		if got, ok := normalisePostalCode(country, ex); !ok || got != ex {
			t.Errorf("%s: example %q normalises to %q, %v", country, ex, got, ok)
		}
	}
	if PostalExample(" fr ") != "75011" || PostalExample("BR") != "" {
		t.Error("PostalExample does not read the country as the form sends it")
	}
}
