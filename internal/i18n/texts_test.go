package i18n

import (
	"testing"
	"testing/fstest"
)

// Every message, in every language, answers the same from the precomputed
// texts as from go-i18n, including ids no catalog has.
func TestPlainTextsAreWhatGoI18nSays(t *testing.T) {
	ids := map[string]bool{"no_such_message": true}
	for _, l := range Supported {
		list, err := IDs(l.Code)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range list {
			ids[id] = true
		}
	}
	for _, l := range Supported {
		c := byCode[l.Code]
		for id := range ids {
			if got, want := c.translate(id, nil), c.localize(id, nil); got != want {
				t.Errorf("%s %s: fast path %q, go-i18n %q", l.Code, id, got, want)
			}
		}
		// Labels make up most of a catalog; if they stopped being
		// precomputed the pages would quietly pay for go-i18n again.
		if len(c.plain) < len(ids)/2 {
			t.Errorf("%s: only %d of %d messages precomputed", l.Code, len(c.plain), len(ids))
		}
	}
}

// Every message whose actions only print fields answers the same through
// the fast path as through go-i18n, in every language, with the field
// values pages pass (text with markup characters, numbers).
func TestFieldTextsAreWhatGoI18nSays(t *testing.T) {
	for _, l := range Supported {
		c := byCode[l.Code]
		if len(c.fields) < 50 {
			t.Errorf("%s: only %d messages with fields take the fast path", l.Code, len(c.fields))
		}
		for id, pieces := range c.fields {
			for _, value := range []any{"Ä <b>&amp;", 42, int64(-7)} {
				var args []any
				for _, p := range pieces {
					if p.field != "" {
						args = append(args, p.field, value)
					}
				}
				if got, want := c.translate(id, args), c.localize(id, args); got != want {
					t.Errorf("%s %s with %v: fast path %q, go-i18n %q", l.Code, id, value, got, want)
				}
			}
		}
	}
	// What the fast path leaves to go-i18n still comes out right.
	c := byCode["en"]
	for id, pieces := range c.fields {
		if len(pieces) > 1 && pieces[0].field == "" {
			if got, want := c.translate(id, nil), c.localize(id, nil); got != want {
				t.Errorf("%s without its fields: %q, go-i18n %q", id, got, want)
			}
			if got, want := c.translate(id, []any{pieces[1].field, 1.5}), c.localize(id, []any{pieces[1].field, 1.5}); got != want {
				t.Errorf("%s with a float: %q, go-i18n %q", id, got, want)
			}
			break
		}
	}
}

// The cases the real catalogs do not have (they are complete): a message
// missing or empty in one language falls back to the default language's,
// and messages with fields or plural forms are left to go-i18n.
func TestPlainTextsFallBackAsGoI18nDoes(t *testing.T) {
	fsys := fstest.MapFS{
		"l/en.toml": {Data: []byte(`
plain = "Plain"
field = "Hello {{.Name}}"
missing = "Only in English"
empty = "English instead of nothing"
plural_fr = "Plain in English"
delims = "<<.X>> {{ literal }}"
[count]
one = "one item"
other = "{{.Count}} items"
[custom]
leftDelim = "<<"
rightDelim = ">>"
other = "Has <<.X>>"
[custom_plain]
leftDelim = "<<"
rightDelim = ">>"
other = "Shows {{ as it is"
`)},
		"l/fr.toml": {Data: []byte(`
plain = "Simple"
field = "Bonjour {{.Name}}"
empty = ""
only_fr = "Seulement en français"
delims = "<<.X>> {{ littéral }}"
custom_plain = "Sans {{ action"
[plural_fr]
one = "un"
other = "plusieurs"
[count]
one = "un article"
other = "{{.Count}} articles"
`)},
	}
	all, err := loadTexts(fsys, "l", "en", []string{"en", "fr"})
	if err != nil {
		t.Fatal(err)
	}
	fr := all["fr"]
	want := map[string]string{
		"plain":        "Simple",
		"missing":      "Only in English",
		"empty":        "English instead of nothing",
		"only_fr":      "Seulement en français",
		"custom_plain": "", // has {{ with the default delimiters in French
	}
	for id, text := range want {
		got, ok := fr.plain[id]
		if text == "" {
			if ok {
				t.Errorf("fr %s precomputed as %q; it needs go-i18n", id, got)
			}
			continue
		}
		if got != text {
			t.Errorf("fr %s = %q, want %q", id, got, text)
		}
	}
	for _, id := range []string{"field", "count", "plural_fr", "delims"} {
		if s, ok := fr.plain[id]; ok {
			t.Errorf("fr %s precomputed as %q; it needs go-i18n", id, s)
		}
	}
	if s, ok := all["en"].plain["custom_plain"]; !ok || s != "Shows {{ as it is" {
		t.Errorf("en custom_plain (no action with its own delimiters) = %q, %v", s, ok)
	}
	ids := []string{"plain", "field", "missing", "empty", "only_fr", "plural_fr", "delims", "count", "custom", "custom_plain", "nowhere"}
	for code, c := range all {
		for _, id := range ids {
			if got, want := c.translate(id, nil), c.localize(id, nil); got != want {
				t.Errorf("%s %s: fast path %q, go-i18n %q", code, id, got, want)
			}
		}
	}
}
