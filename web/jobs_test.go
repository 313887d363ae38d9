package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/settings"
)

// scheduleRow is the table row of schedule name on the jobs page.
func scheduleRow(t *testing.T, body, name string) string {
	t.Helper()
	for _, r := range strings.Split(body, "<tr>") {
		if strings.Contains(r, "<code>"+name+"</code>") {
			return r
		}
	}
	t.Fatalf("/admin/jobs lists no schedule %s", name)
	return ""
}

// TestJobSchedulesPage: the services' schedules are installed when the
// server is built, and /admin/jobs shows each with its next run and, once
// it ran, its last run.
func TestJobSchedulesPage(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		c := p.signedIn(t, "admin")
		res, body := p.get(t, c, "/admin/jobs")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /admin/jobs: %d", res.StatusCode)
		}
		for _, name := range []string{"session-cleanup", "account-cleanup"} {
			row := scheduleRow(t, body, name)
			if strings.Count(row, "<time datetime=") != 1 || !strings.Contains(row, "Not yet") || !strings.Contains(row, "every 15 minutes") {
				t.Errorf("%s before running: want a next run only, every 15 minutes: %s", name, row)
			}
		}
		runJobs(t, p)
		_, body = p.get(t, c, "/admin/jobs")
		row := scheduleRow(t, body, "session-cleanup")
		if strings.Count(row, "<time datetime=") != 2 || !strings.Contains(row, "badge--success") {
			t.Errorf("session-cleanup after running: want last and next run, done: %s", row)
		}
	})
}

// TestSettingsReachSignIn: a rule changed in the settings applies to the
// sign-in throttle of the running server without a restart.
func TestSettingsReachSignIn(t *testing.T) {
	p := startPortal(t, "", nil)
	if err := p.Settings().Set(context.Background(), actor.SystemActor(), settings.ThrottleLockAfter.Key(), 3); err != nil {
		t.Fatal(err)
	}
	known := p.logins["customer"]
	for range 3 {
		p.post(t, p.client(t), "/signin", url.Values{"email": {known.Email}, "password": {"wrong-guess-123"}})
	}
	res, body := p.postBody(t, p.client(t), "/signin", url.Values{"email": {known.Email}, "password": {known.Password}}, nil)
	if res.StatusCode == see || !strings.Contains(body, "wait") {
		t.Fatalf("right password after 3 failures with lock_after 3: status %d, want locked", res.StatusCode)
	}
}
