package i18n

import (
	"context"
	"testing"
)

func TestMatch(t *testing.T) {
	cases := []struct{ header, want string }{
		{"", "en"},
		{"fr-FR,fr;q=0.9,en;q=0.8", "fr"},
		{"zh-CN,zh;q=0.9", "zh-CN"},
		{"zh", "zh-CN"},
		{"de-DE", "en"},
		{"garbage;;;", "en"},
		{"en-GB", "en"},
	}
	for pass := range 2 { // the second pass answers from what Match remembered
		for _, c := range cases {
			if got := Match(c.header); got != c.want {
				t.Errorf("pass %d: Match(%q) = %q, want %q", pass+1, c.header, got, c.want)
			}
		}
	}
}

func TestTranslate(t *testing.T) {
	ctx := WithLocale(context.Background(), "fr")
	if got := T(ctx, "app_name"); got != "Portail de confidentialité" {
		t.Errorf("fr app_name = %q", got)
	}
	if got := T(WithLocale(context.Background(), "xx"), "app_name"); got != "Privacy Portal" {
		t.Errorf("unknown locale falls back to English, got %q", got)
	}
	if got := T(ctx, "no_such_message"); got != "no_such_message" {
		t.Errorf("missing id = %q", got)
	}
}
