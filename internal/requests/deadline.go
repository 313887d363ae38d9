package requests

import (
	"time"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

// The legal clocks. GDPR Art. 12(3): one month from receipt, extendable
// once by up to two further months with notice and reasons before the
// first month ends. CCPA §1798.130 and regulations §7021: 45 days,
// extendable once by 45 more with notice.
const (
	gdprMonths       = 1
	gdprExtendMonths = 2
	ccpaDays         = 45
	ccpaExtendDays   = 45
)

// addMonths adds calendar months the way the EU's rules on time limits
// (Regulation 1182/71, Art. 3(2)(c)) count them: the same day number of
// the later month, or that month's last day when it has no such day, so
// 31 January plus one month is 28 February (29 in a leap year), never
// 3 March as time.AddDate would give.
func addMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// FirstDue is the deadline of a request received at receivedAt under a
// jurisdiction, before any extension or pause.
func FirstDue(jurisdiction string, receivedAt time.Time) time.Time {
	receivedAt = receivedAt.UTC()
	if jurisdiction == models.JurisdictionCCPA {
		return receivedAt.AddDate(0, 0, ccpaDays)
	}
	return addMonths(receivedAt, gdprMonths)
}

// MaxExtension is the latest deadline an extension may set.
func MaxExtension(jurisdiction string, firstDue time.Time) time.Time {
	if jurisdiction == models.JurisdictionCCPA {
		return firstDue.AddDate(0, 0, ccpaExtendDays)
	}
	return addMonths(firstDue, gdprExtendMonths)
}

// Errors of Extend, shown beside the form's fields.
var (
	ErrExtendedAlready = fault.InvalidFields("requests: extended already", map[string]string{"due": "request.error.extended_already"})
	ErrExtendTooLate   = fault.InvalidFields("requests: the first deadline has passed", map[string]string{"due": "request.error.extend_too_late"})
	ErrExtendTooFar    = fault.InvalidFields("requests: beyond the longest extension", map[string]string{"due": "request.error.extend_too_far"})
	ErrExtendNotLater  = fault.InvalidFields("requests: not after the current deadline", map[string]string{"due": "request.error.extend_not_later"})
	ErrReasonRequired  = fault.InvalidFields("requests: a reason is required", map[string]string{"reason": "request.error.reason_required"})
)

// Extension checks an extension of r to newDue at now and returns the
// deadline to store: only one, only before the first deadline has passed
// (the law asks for notice within the first period), only with a reason,
// and no further than the jurisdiction allows. A paused clock's standing
// time is already in DueAt, so the ceiling counts from FirstDueAt plus
// that shift.
func Extension(r models.PrivacyRequest, newDue time.Time, reason string, now time.Time) (time.Time, error) {
	switch {
	case r.ExtendedAt != nil:
		return time.Time{}, ErrExtendedAlready
	case !now.Before(r.DueAt):
		return time.Time{}, ErrExtendTooLate
	case reason == "":
		return time.Time{}, ErrReasonRequired
	case !newDue.After(r.DueAt):
		return time.Time{}, ErrExtendNotLater
	}
	shift := r.DueAt.Sub(r.FirstDueAt)
	if newDue.After(MaxExtension(r.Jurisdiction, r.FirstDueAt).Add(shift)) {
		return time.Time{}, ErrExtendTooFar
	}
	return newDue.UTC(), nil
}

// Pause stops r's clock at now (while waiting for identity proof, when
// the setting says the clock pauses). Pausing a paused clock changes
// nothing. CCPA's clock never pauses: 45 days "regardless of time
// required to verify" (§7021(b)).
func Pause(r *models.PrivacyRequest, now time.Time) {
	if r.Jurisdiction == models.JurisdictionCCPA || r.PausedAt != nil {
		return
	}
	t := now.UTC()
	r.PausedAt = &t
}

// Resume runs r's clock again at now, moving the deadline by the time it
// stood still.
func Resume(r *models.PrivacyRequest, now time.Time) {
	if r.PausedAt == nil {
		return
	}
	if stood := now.Sub(*r.PausedAt); stood > 0 {
		r.DueAt = r.DueAt.Add(stood)
	}
	r.PausedAt = nil
}
