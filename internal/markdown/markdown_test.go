package markdown

import (
	"strings"
	"testing"
)

func TestRenderIsSafe(t *testing.T) {
	cases := []struct {
		in      string
		want    []string
		notWant []string
	}{
		// The page has its own <h1>: the text's headings start one below.
		{"# Title\n\nText with **bold**.", []string{"<h2", "<strong>bold</strong>"}, []string{"<h1"}},
		{"###### Deepest", []string{"<h6"}, nil},
		{"<script>alert(1)</script>\n\nok", []string{"ok"}, []string{"<script"}},
		{"[click](javascript:alert(1))", nil, []string{"javascript:"}},
		{"<img src=x onerror=alert(1)>", nil, []string{"onerror"}},
		{"| How we use it | Why |\n|---|---|\n| Orders | Contract |", []string{"<table>", "<td>Orders</td>"}, nil},
	}
	for _, c := range cases {
		out, err := Render(c.in)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("Render(%q) lacks %q: %s", c.in, w, out)
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(out, w) {
				t.Errorf("Render(%q) contains %q: %s", c.in, w, out)
			}
		}
	}
}
