package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// catalog reads one language's messages; a plural message is a table whose
// forms ("one", "other"...) are all kept.
func catalog(t *testing.T, code string) map[string][]string {
	t.Helper()
	raw, err := catalogs.ReadFile("locales/" + code + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := toml.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	out := make(map[string][]string, len(m))
	for id, v := range m {
		switch v := v.(type) {
		case string:
			out[id] = []string{v}
		case map[string]any:
			for _, form := range v {
				s, _ := form.(string)
				out[id] = append(out[id], s)
			}
		default:
			t.Errorf("%s: %s is a %T, want a string or a table of plural forms", code, id, v)
		}
	}
	return out
}

func TestCatalogsHaveSameIDs(t *testing.T) {
	base := catalog(t, Default)
	for _, l := range Supported {
		if l.Code == Default {
			continue
		}
		other := catalog(t, l.Code)
		for id := range base {
			if _, ok := other[id]; !ok {
				t.Errorf("%s lacks %q", l.Code, id)
			}
		}
		for id := range other {
			if _, ok := base[id]; !ok {
				t.Errorf("%s has %q, which %s lacks", l.Code, id, Default)
			}
		}
	}
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// A translation that drops or renames a placeholder shows a blank or
// "<no value>" where a name or a number belongs; empty texts show nothing.
func TestCatalogsAgreeOnPlaceholders(t *testing.T) {
	fields := func(texts []string) []string {
		var out []string
		for _, s := range texts {
			for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
				if !slices.Contains(out, m[1]) {
					out = append(out, m[1])
				}
			}
		}
		slices.Sort(out)
		return out
	}
	base := catalog(t, Default)
	for _, l := range Supported {
		for id, texts := range catalog(t, l.Code) {
			for _, s := range texts {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s: %q is empty", l.Code, id)
				}
			}
			if want, got := fields(base[id]), fields(texts); !slices.Equal(want, got) {
				t.Errorf("%s: %q uses placeholders %v, %s uses %v", l.Code, id, got, Default, want)
			}
		}
	}
}

// messageCall finds a literal message id in a call that translates it:
// T(ctx, "id", ...), i18n.T(r.Context(), "id"), i18n.Tl(code, "id"), and
// the handlers' addFlash(r, kind, "id"), whose id is translated on the next
// page. A trailing + marks an id built at run time from that prefix.
var messageCall = regexp.MustCompile(
	`(?:^|[^\w.])(?:i18n\.)?(?:Tl?\(` + arg + `|addFlash\(` + arg + `,\s*` + arg + `)\s*,\s*"([^"\\]+)"(\s*\+)?`)

// arg is one call argument without a string literal in it, allowing
// nested calls two deep (r.Context(), WithLocale(ctx, code)).
const arg = `(?:[^(),"]|\((?:[^()]|\([^()]*\))*\))+`

type messageUse struct {
	id     string
	prefix bool
	where  string
}

func usesIn(src, where string) []messageUse {
	var out []messageUse
	for i, line := range strings.Split(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "//") {
			continue
		}
		for _, m := range messageCall.FindAllStringSubmatch(line, -1) {
			out = append(out, messageUse{id: m[1], prefix: m[2] != "", where: where + ":" + strconv.Itoa(i+1)})
		}
	}
	return out
}

func TestMessageCallPattern(t *testing.T) {
	cases := []struct {
		src  string
		want []messageUse
	}{
		{`x := T(ctx, "a.b")`, []messageUse{{id: "a.b"}}},
		{`{ i18n.T(ctx, "nav.label", "Name", n) }`, []messageUse{{id: "nav.label"}}},
		{`i18n.T(r.Context(), "signin.title")`, []messageUse{{id: "signin.title"}}},
		{`i18n.Tl(u.Locale, "mail.subject")`, []messageUse{{id: "mail.subject"}}},
		{`i18n.T(r.Context(), "error.title."+statusKey(s))`, []messageUse{{id: "error.title.", prefix: true}}},
		{`addFlash(r, flashSuccess, "signin.signed_out")`, []messageUse{{id: "signin.signed_out"}}},
		{`a(T(ctx, "one"), i18n.T(ctx, "two"))`, []messageUse{{id: "one"}, {id: "two"}}},
		{`// T(ctx, "in.a.comment")`, nil},
		{`fmt.T(ctx, "not.ours")`, nil},
		{`GetT(ctx, "not.ours")`, nil},
	}
	for _, c := range cases {
		got := usesIn(c.src, "")
		for i := range got {
			got[i].where = ""
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.src, got, c.want)
		}
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above", dir)
		}
		dir = parent
	}
}

// TestEveryUsedIDIsInEveryCatalog reads the source, so a page or handler
// that names a message nobody translated fails here instead of showing its
// id to a customer. Generated *_templ.go files are skipped: their .templ
// source is scanned. This package is skipped too: its own tests ask for
// missing ids on purpose.
func TestEveryUsedIDIsInEveryCatalog(t *testing.T) {
	root := moduleRoot(t)
	self, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	var uses []messageUse
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
				name == "vendor" || name == "node_modules" || name == "testdata" || path == self) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".templ") && (!strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_templ.go")) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		uses = append(uses, usesIn(string(src), rel)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(uses) == 0 {
		t.Fatal("found no message ids at all; the pattern or the walk is broken")
	}
	if testing.Verbose() {
		t.Logf("checked %d uses of message ids", len(uses))
	}
	for _, l := range Supported {
		cat := catalog(t, l.Code)
		for _, u := range uses {
			if u.prefix {
				if !hasPrefix(cat, u.id) {
					t.Errorf("%s: no %s message starts with %q", u.where, l.Code, u.id)
				}
				continue
			}
			if _, ok := cat[u.id]; !ok {
				t.Errorf("%s: %q is missing from %s.toml", u.where, u.id, l.Code)
			}
		}
	}
}

func hasPrefix(cat map[string][]string, prefix string) bool {
	for id := range cat {
		if strings.HasPrefix(id, prefix) {
			return true
		}
	}
	return false
}
