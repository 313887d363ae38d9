package holdings

import (
	"slices"
	"testing"
)

// TestCorrectableFields: each declared field is named once, has a label,
// and a field kept in rows names a table its category owns.
func TestCorrectableFields(t *testing.T) {
	t.Parallel()
	for _, e := range Entries() {
		seen := map[string]bool{}
		for _, c := range e.Correctable() {
			if c.Field == "" || c.Label == "" || seen[c.Field] {
				t.Errorf("%s: field %+v is unnamed, unlabelled or declared twice", e.Key(), c)
			}
			seen[c.Field] = true
			if c.Record == RecordRow && (!slices.Contains(e.Tables(), c.Table) || c.Column == "") {
				t.Errorf("%s.%s: stored in %s.%s, not a table of the category", e.Key(), c.Field, c.Table, c.Column)
			}
			if got, ok := CorrectableField(e.Key(), c.Field); !ok || got != c {
				t.Errorf("CorrectableField(%s, %s) = %+v, %v", e.Key(), c.Field, got, ok)
			}
		}
	}
	if _, ok := CorrectableField(KeyOrders, "status"); ok {
		t.Error("an order's status is correctable")
	}
	if _, ok := CorrectableField("nope", "phone"); ok {
		t.Error("an unknown category has correctable fields")
	}
}
