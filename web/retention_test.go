package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
)

// TestRetentionPage: admins see the dry run (the rules, what would go
// today, the next run) and, after a run, its counts; customers and staff
// are refused.
func TestRetentionPage(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		for _, role := range []string{"customer", "staff"} {
			res, _ := p.get(t, p.signedIn(t, role), "/admin/retention")
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", role, res.StatusCode)
			}
		}
		cust := p.logins["customer"]
		var u models.User
		if err := p.DB().Where("email = ?", cust.Email).Take(&u).Error; err != nil {
			t.Fatal(err)
		}
		old := models.ContactMessage{UserID: u.ID, CreatedAt: time.Now().Add(-200 * 24 * time.Hour), Channel: "email",
			Direction: "in", Subject: "Fictional", Body: "Fictional"}
		if err := p.DB().Create(&old).Error; err != nil {
			t.Fatal(err)
		}
		c := p.signedIn(t, "admin")
		res, body := p.get(t, c, "/admin/retention")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /admin/retention: %d", res.StatusCode)
		}
		row := retentionRow(t, body, "Contact messages")
		if !strings.Contains(row, "90 days") || !strings.Contains(row, ">1<") {
			t.Errorf("contact row: %s", row)
		}
		if !strings.Contains(body, "Next run:") || !strings.Contains(body, "The purge has not run yet.") {
			t.Error("want the next run and no last run yet")
		}
		if _, err := p.Retention().Run(t.Context()); err != nil {
			t.Fatal(err)
		}
		_, body = p.get(t, c, "/admin/retention")
		if !strings.Contains(retentionRow(t, body, "Contact messages"), ">0<") || !strings.Contains(body, "What the last run deleted") {
			t.Errorf("after the run: want nothing due and the last run's counts")
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
		}
	})
}

// retentionRow is the first table row of the page naming rule.
func retentionRow(t *testing.T, body, rule string) string {
	t.Helper()
	for _, r := range strings.Split(body, "<tr") {
		if strings.Contains(r, rule) {
			return r
		}
	}
	t.Fatalf("no row %q", rule)
	return ""
}
