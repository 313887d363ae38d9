package handlers

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/photolab/privacyportal/models"
)

// TestLocaleOrder: this browser's choice (the cookie) wins, so signing in
// never switches the pages; then the account's preferred language; then
// Accept-Language.
func TestLocaleOrder(t *testing.T) {
	t.Parallel()
	french := &models.User{Locale: "fr"}
	cases := []struct {
		name, cookie, accept string
		u                    *models.User
		want                 string
	}{
		{"cookie beats the account", "en", "zh-CN", french, "en"},
		{"account without a cookie", "", "zh-CN", french, "fr"},
		{"a bad cookie is ignored", "xx", "", french, "fr"},
		{"signed out, cookie", "zh-CN", "fr", nil, "zh-CN"},
		{"signed out, browser", "", "fr-FR,fr;q=0.9", nil, "fr"},
		{"account without a language", "", "zh-CN", &models.User{}, "zh-CN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if c.cookie != "" {
				r.AddCookie(&http.Cookie{Name: LanguageCookie, Value: c.cookie})
			}
			r.Header.Set("Accept-Language", c.accept)
			if got := Locale(r, c.u); got != c.want {
				t.Errorf("Locale = %q, want %q", got, c.want)
			}
		})
	}
}
