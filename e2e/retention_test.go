//go:build e2e

package e2e

import (
	"context"
	"testing"
)

// TestRetentionPageAccessible checks the admins' retention dry run with
// axe in every language, after a run so that its counts are shown too.
func TestRetentionPageAccessible(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		if _, err := p.srv.Retention().Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		admin := newTab(t)
		signIn(t, admin, p.URL, p.login(t, "admin"))
		enrolTOTP(t, admin, nil)
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			switchLanguage(t, admin, lang)
			checkPage(t, admin, p, lang, "/admin/retention")
		}
	})
}
