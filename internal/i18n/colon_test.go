package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The full-width colon carries its own spacing: "错误： 请输入" reads with a
// gap. Neither a Chinese message nor a template may put a space after it.
func TestNoSpaceAfterFullWidthColon(t *testing.T) {
	t.Parallel()
	for id, forms := range catalog(t, "zh-CN") {
		for _, s := range forms {
			if strings.Contains(s, "： ") || strings.HasSuffix(s, "： ") {
				t.Errorf("zh-CN %s: a space after the full-width colon in %q", id, s)
			}
		}
	}
	root := moduleRoot(t)
	err := filepath.WalkDir(filepath.Join(root, "views"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".templ") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(src), "： ") {
			t.Errorf("%s: a space after the full-width colon", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
