package views

import (
	"context"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// everyLabel says an interval in the largest whole unit: "every 15
// minutes", "every day".
func everyLabel(ctx context.Context, d time.Duration) string {
	unit, n := "seconds", int64(d/time.Second)
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		unit, n = "days", int64(d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		unit, n = "hours", int64(d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		unit, n = "minutes", int64(d/time.Minute)
	}
	return i18n.T(ctx, "jobs.schedules.every."+unit, "Count", n, "Number", FormatNumber(i18n.Locale(ctx), n))
}

// jobBadge is the label and class of a job status.
func jobBadge(ctx context.Context, s models.JobStatus) (label, class string) {
	label = Label(ctx, FamilyJobStatus, string(s))
	switch s {
	case models.JobDone:
		return label, "badge badge--success"
	case models.JobDead:
		return label, "badge badge--danger"
	case models.JobQueued, models.JobRunning:
		return label, "badge badge--info"
	}
	return label, "badge badge--neutral"
}
