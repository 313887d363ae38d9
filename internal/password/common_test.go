package password

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ccojocar/zxcvbn-go/frequency"
)

var update = flag.Bool("update", false, "rewrite common.txt from the zxcvbn-go lists")

// commonLists are the zxcvbn-go lists the blocklist is made of (why these
// four: see policy.go).
var commonLists = []string{"Passwords", "English", "MaleNames", "FemaleNames"}

// TestCommonListMatchesZxcvbn rebuilds the embedded blocklist from
// zxcvbn-go's lists, so a dependency update that changes them, or a hand
// edit of common.txt, fails here until the file is regenerated.
func TestCommonListMatchesZxcvbn(t *testing.T) {
	seen := map[string]bool{}
	var words []string
	for _, name := range commonLists {
		list, ok := frequency.Lists[name]
		if !ok || len(list.List) == 0 {
			t.Fatalf("zxcvbn-go has no list %q", name)
		}
		for _, w := range list.List {
			if f := fold(w); f != "" && !seen[f] {
				seen[f] = true
				words = append(words, f)
			}
		}
	}
	slices.Sort(words)
	want := strings.Join(words, "\n") + "\n"
	if *update {
		if err := os.WriteFile("common.txt", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if commonText != want {
		t.Fatalf("common.txt (%d entries) differs from the zxcvbn-go lists (%d entries); run go test ./internal/password -run CommonList -update",
			strings.Count(commonText, "\n"), len(words))
	}
}
