package audit

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// dotted is a string literal shaped like an action.
var dotted = regexp.MustCompile(`"([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+)"`)

// moveAction is a row of the requests' transition table: move records
// each as "request."+action, a name built at run time.
var moveAction = regexp.MustCompile(`^\s*Act\w+\s+Action\s*=\s*"([a-z_]+)"`)

// actionsInSource finds the actions written in the code base: literals in
// a call to By, in an Entry's Action field, and in the account service's
// record(…, action), whose last argument is the audit action.
func actionsInSource(t *testing.T) map[string]string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal("module root not found:", err)
	}
	found := map[string]string{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "node_modules" || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			var lits []string
			if m := moveAction.FindStringSubmatch(line); m != nil && strings.HasSuffix(path, filepath.Join("internal", "requests", "transitions.go")) {
				lits = append(lits, "request."+m[1])
			}
			switch {
			case strings.Contains(line, "audit.By("), strings.Contains(line, "Action:"):
				for _, m := range dotted.FindAllStringSubmatch(line, -1) {
					lits = append(lits, m[1])
				}
			case strings.Contains(line, ".record("):
				if m := dotted.FindAllStringSubmatch(line, -1); len(m) > 0 {
					lits = append(lits, m[len(m)-1][1])
				}
			}
			for _, a := range lits {
				rel, _ := filepath.Rel(root, path)
				found[a] = rel + ":" + strconv.Itoa(i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestEveryActionIsListed: an action recorded anywhere must be in Actions,
// which is what gets it a label and a sentence on the admin page.
func TestEveryActionIsListed(t *testing.T) {
	t.Parallel()
	found := actionsInSource(t)
	if len(found) < 10 {
		t.Fatalf("found only %d actions in the sources (%v): the scan is broken", len(found), found)
	}
	for a, where := range found {
		if !KnownAction(a) {
			t.Errorf("%s records %q, which audit.Actions does not list", where, a)
		}
	}
	for _, a := range Actions {
		if !actionPattern.MatchString(a) {
			t.Errorf("listed action %q is not a dotted name", a)
		}
		if _, ok := found[a]; !ok {
			t.Errorf("listed action %q is recorded nowhere: remove it or the scan misses its call", a)
		}
	}
	if got := ActionPrefixes(); !slices.Contains(got, "auth.") || !slices.Contains(got, "admin.") {
		t.Errorf("ActionPrefixes = %v", got)
	}
}
