package views_test

import (
	"html"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// TestJobSchedules: /admin/jobs lists every schedule with its interval in
// words, its last run and how it ended, and its next run, in every
// language.
func TestJobSchedules(t *testing.T) {
	last := when.Add(-15 * time.Minute)
	finished := last.Add(time.Second)
	list := views.JobList{
		Counts: map[models.JobStatus]int64{},
		Status: models.JobDead,
		Schedules: []jobs.ScheduleInfo{
			{Name: "account-cleanup", Kind: "account.cleanup", Every: 15 * time.Minute, NextRunAt: when, Handled: true},
			{Name: "session-cleanup", Kind: "session.cleanup", Every: 15 * time.Minute, LastRunAt: &last,
				LastStatus: models.JobDone, LastFinishedAt: &finished, NextRunAt: when, Handled: true},
			{Name: "old-report", Kind: "report.gone", Every: 24 * time.Hour, LastRunAt: &last, LastStatus: models.JobDead, NextRunAt: when},
		},
	}
	for _, l := range i18n.Supported {
		t.Run(l.Code, func(t *testing.T) {
			out := render(t, l.Code, views.JobsPage(page(l.Code, "jobs.title", admin), list))
			tr := func(id string, args ...any) string { return html.EscapeString(i18n.Tl(l.Code, id, args...)) }
			rows := strings.Split(out, "<tr>")
			row := func(name string) string {
				for _, r := range rows {
					if strings.Contains(r, "<code>"+name+"</code>") {
						return r
					}
				}
				t.Fatalf("no row for %s in\n%s", name, out)
				return ""
			}
			assertContains(t, out, tr("jobs.schedules.title"), tr("jobs.schedules.caption"), tr("jobs.schedules.col.next"))
			assertContains(t, row("session-cleanup"),
				tr("jobs.schedules.every.minutes", "Count", 15, "Number", "15"),
				`<time datetime="`+last.Format(time.RFC3339)+`">`,
				`<time datetime="`+when.Format(time.RFC3339)+`">`,
				`badge badge--success">`+tr("jobs.status.done"))
			assertLacks(t, row("session-cleanup"), tr("jobs.schedules.unhandled"))
			assertContains(t, row("account-cleanup"), tr("jobs.schedules.never"), `<time datetime="`+when.Format(time.RFC3339)+`">`)
			assertContains(t, row("old-report"), tr("jobs.schedules.every.days", "Count", 1, "Number", "1"),
				tr("jobs.schedules.unhandled"), `badge badge--danger">`+tr("jobs.status.dead"))
			for _, id := range catalogIDs {
				if strings.Contains(out, ">"+id+"<") {
					t.Errorf("untranslated id %q shown", id)
				}
			}
		})
	}
	empty := render(t, "en", views.JobsPage(page("en", "jobs.title", admin), views.JobList{Status: models.JobDead}))
	assertContains(t, empty, i18n.Tl("en", "jobs.schedules.empty"))
}
