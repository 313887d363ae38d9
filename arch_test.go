package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/photolab/privacyportal"

// dep is one import of one file.
type dep struct {
	path string
	test bool // imported by a _test.go file
}

// imports maps each package directory of the module to what its files
// import.
func imports(t *testing.T) map[string][]dep {
	t.Helper()
	out := map[string][]dep{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(filepath.Dir(path))
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			out[dir] = append(out[dir], dep{p, strings.HasSuffix(path, "_test.go")})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImportGraph keeps the architecture of DESIGN.md true: dependencies
// point one way (main → web → handlers → views, internal → models), and
// the HTTP layer never touches the database itself, so every change and
// its audit row go through a service.
func TestImportGraph(t *testing.T) {
	t.Parallel()
	graph := imports(t)
	if len(graph["handlers"]) == 0 || len(graph["models"]) == 0 {
		t.Fatalf("walked no handlers or models package: %v", graph)
	}
	for dir, deps := range graph {
		for _, d := range deps {
			dep := d.path
			switch {
			case (dir == "handlers" || dir == "views" || strings.HasPrefix(dir, "views/")) && strings.HasPrefix(dep, "gorm.io/"):
				t.Errorf("%s imports %s: the database belongs to the services", dir, dep)
			case d.test:
				// Tests may wire anything (the browser tests start web).
			case dir == "models" || strings.HasPrefix(dir, "models/"):
				if strings.HasPrefix(dep, module+"/") {
					t.Errorf("%s imports %s: models imports nothing of ours", dir, dep)
				}
			case dep == module+"/web" && dir != ".":
				t.Errorf("%s imports web: only main may", dir)
			case dep == module+"/handlers" && dir != "." && dir != "web":
				t.Errorf("%s imports handlers: only web and main may", dir)
			case strings.HasPrefix(dir, "internal/") && (dep == module+"/views" || strings.HasPrefix(dep, module+"/views/")):
				t.Errorf("%s imports views: services know nothing of pages", dir)
			}
		}
	}
}
