package requests

import (
	"errors"
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, time.UTC) }

func TestFirstDueCountsCalendarMonths(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		jurisdiction string
		received     time.Time
		want         time.Time
	}{
		{"31 January → 28 February", models.JurisdictionGDPR, day(2025, 1, 31), day(2025, 2, 28)},
		{"31 January → 29 February in a leap year", models.JurisdictionGDPR, day(2024, 1, 31), day(2024, 2, 29)},
		{"30 January → 29 February in a leap year", models.JurisdictionGDPR, day(2024, 1, 30), day(2024, 2, 29)},
		{"29 February → 29 March", models.JurisdictionGDPR, day(2024, 2, 29), day(2024, 3, 29)},
		{"28 February → 28 March", models.JurisdictionGDPR, day(2025, 2, 28), day(2025, 3, 28)},
		{"31 March → 30 April", models.JurisdictionGDPR, day(2025, 3, 31), day(2025, 4, 30)},
		{"15 May → 15 June", models.JurisdictionGDPR, day(2025, 5, 15), day(2025, 6, 15)},
		{"31 December → 31 January", models.JurisdictionGDPR, day(2025, 12, 31), day(2026, 1, 31)},
		{"CCPA: 45 days", models.JurisdictionCCPA, day(2025, 1, 31), day(2025, 3, 17)},
		{"CCPA: 45 days over a leap day", models.JurisdictionCCPA, day(2024, 2, 1), day(2024, 3, 17)},
		{"a zone is read as UTC", models.JurisdictionGDPR, time.Date(2025, 2, 1, 0, 30, 0, 0, time.FixedZone("CET", 3600)),
			time.Date(2025, 2, 28, 23, 30, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		if got := FirstDue(c.jurisdiction, c.received); !got.Equal(c.want) {
			t.Errorf("%s: FirstDue = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestMaxExtension(t *testing.T) {
	t.Parallel()
	cases := []struct {
		jurisdiction string
		first, want  time.Time
	}{
		{models.JurisdictionGDPR, day(2025, 2, 28), day(2025, 4, 28)},
		{models.JurisdictionGDPR, day(2023, 12, 31), day(2024, 2, 29)},
		{models.JurisdictionGDPR, day(2025, 12, 31), day(2026, 2, 28)},
		{models.JurisdictionCCPA, day(2025, 3, 17), day(2025, 5, 1)},
	}
	for _, c := range cases {
		if got := MaxExtension(c.jurisdiction, c.first); !got.Equal(c.want) {
			t.Errorf("%s from %v: MaxExtension = %v, want %v", c.jurisdiction, c.first, got, c.want)
		}
	}
}

func TestExtensionRules(t *testing.T) {
	t.Parallel()
	received := day(2025, 1, 31)
	base := models.PrivacyRequest{Jurisdiction: models.JurisdictionGDPR, ReceivedAt: received,
		FirstDueAt: FirstDue(models.JurisdictionGDPR, received), DueAt: FirstDue(models.JurisdictionGDPR, received)}
	extended := base
	at := day(2025, 2, 10)
	extended.ExtendedAt = &at
	paused := base
	paused.DueAt = base.DueAt.Add(72 * time.Hour) // the clock stood for three days
	ccpa := models.PrivacyRequest{Jurisdiction: models.JurisdictionCCPA, ReceivedAt: received,
		FirstDueAt: FirstDue(models.JurisdictionCCPA, received), DueAt: FirstDue(models.JurisdictionCCPA, received)}
	cases := []struct {
		name    string
		r       models.PrivacyRequest
		newDue  time.Time
		reason  string
		now     time.Time
		wantErr error
	}{
		{"one month more, before the first due date", base, day(2025, 3, 28), "many records", day(2025, 2, 20), nil},
		{"up to the maximum exactly", base, day(2025, 4, 28), "many records", day(2025, 2, 20), nil},
		{"beyond the maximum", base, day(2025, 4, 29), "many records", day(2025, 2, 20), ErrExtendTooFar},
		{"on the first due date itself", base, day(2025, 3, 28), "many records", base.DueAt, ErrExtendTooLate},
		{"after the first due date", base, day(2025, 3, 28), "many records", day(2025, 3, 1), ErrExtendTooLate},
		{"a second time", extended, day(2025, 3, 28), "again", day(2025, 2, 20), ErrExtendedAlready},
		{"without a reason", base, day(2025, 3, 28), "", day(2025, 2, 20), ErrReasonRequired},
		{"not later than now due", base, base.DueAt, "many records", day(2025, 2, 20), ErrExtendNotLater},
		{"earlier than now due", base, day(2025, 2, 25), "many records", day(2025, 2, 20), ErrExtendNotLater},
		{"a paused clock's days count on top of the maximum", paused, day(2025, 5, 1), "many records", day(2025, 2, 20), nil},
		{"but no further", paused, day(2025, 5, 2), "many records", day(2025, 2, 20), ErrExtendTooFar},
		{"CCPA: 45 more days", ccpa, ccpa.DueAt.AddDate(0, 0, 45), "volume", day(2025, 3, 1), nil},
		{"CCPA: not 46", ccpa, ccpa.DueAt.AddDate(0, 0, 46), "volume", day(2025, 3, 1), ErrExtendTooFar},
	}
	for _, c := range cases {
		got, err := Extension(c.r, c.newDue, c.reason, c.now)
		if !errors.Is(err, c.wantErr) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.wantErr)
			continue
		}
		if err == nil && !got.Equal(c.newDue) {
			t.Errorf("%s: due = %v, want %v", c.name, got, c.newDue)
		}
	}
}

func TestPauseAndResumeMoveTheDeadline(t *testing.T) {
	t.Parallel()
	received := day(2025, 1, 10)
	r := models.PrivacyRequest{Jurisdiction: models.JurisdictionGDPR, FirstDueAt: FirstDue(models.JurisdictionGDPR, received),
		DueAt: FirstDue(models.JurisdictionGDPR, received)}
	due := r.DueAt
	Pause(&r, day(2025, 1, 12))
	if r.PausedAt == nil || !r.PausedAt.Equal(day(2025, 1, 12)) {
		t.Fatalf("PausedAt = %v", r.PausedAt)
	}
	Pause(&r, day(2025, 1, 13)) // pausing a paused clock changes nothing
	if !r.PausedAt.Equal(day(2025, 1, 12)) {
		t.Errorf("a second pause moved PausedAt to %v", r.PausedAt)
	}
	Resume(&r, day(2025, 1, 17))
	if r.PausedAt != nil || !r.DueAt.Equal(due.AddDate(0, 0, 5)) {
		t.Errorf("after five days paused: due %v (paused %v), want %v", r.DueAt, r.PausedAt, due.AddDate(0, 0, 5))
	}
	Resume(&r, day(2025, 1, 20)) // a running clock stays as it is
	if !r.DueAt.Equal(due.AddDate(0, 0, 5)) {
		t.Errorf("resuming a running clock moved the deadline to %v", r.DueAt)
	}

	ccpa := models.PrivacyRequest{Jurisdiction: models.JurisdictionCCPA, DueAt: FirstDue(models.JurisdictionCCPA, received)}
	before := ccpa.DueAt
	Pause(&ccpa, day(2025, 1, 12))
	Resume(&ccpa, day(2025, 2, 12))
	if ccpa.PausedAt != nil || !ccpa.DueAt.Equal(before) {
		t.Errorf("CCPA's clock paused: due %v, want %v", ccpa.DueAt, before)
	}
}

func TestDaysLeft(t *testing.T) {
	t.Parallel()
	now := day(2025, 3, 1)
	cases := []struct {
		due  time.Time
		want int
	}{
		{now, 0},
		{now.Add(time.Hour), 0},
		{now.Add(24 * time.Hour), 1},
		{now.Add(47 * time.Hour), 1},
		{now.Add(-time.Hour), -1},
		{now.Add(-24 * time.Hour), -1},
		{now.Add(-25 * time.Hour), -2},
		{now.AddDate(0, 1, 0), 31},
	}
	for _, c := range cases {
		if got := models.DaysLeft(c.due, now); got != c.want {
			t.Errorf("DaysLeft(%v) = %d, want %d", c.due.Sub(now), got, c.want)
		}
	}
}
