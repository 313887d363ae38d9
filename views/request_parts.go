package views

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// The privacy requests' codes shown to people (see Label).
const (
	FamilyRequestStatus Family = "request_status"
	FamilyRequestKind   Family = "request_kind"
	FamilyRequestAction Family = "request_action" // a timeline line: "extend", "verify" …
	FamilyDenyCode      Family = "deny_code"
	// FamilyVerificationPoint names a data point a knowledge check matched.
	FamilyVerificationPoint Family = "verification_point"
)

func init() {
	familyPrefixes[FamilyRequestStatus] = "request.status."
	familyPrefixes[FamilyRequestKind] = "request.kind."
	familyPrefixes[FamilyRequestAction] = "request.action."
	familyPrefixes[FamilyDenyCode] = "request.deny."
	familyPrefixes[FamilyVerificationPoint] = "request.point."
}

// requestBadge gives a request's status its words and colour: open and
// waiting on the shop is info, waiting on the requester a warning, done
// success, refused danger, the rest neutral.
func requestBadge(ctx context.Context, s models.RequestStatus) (label, class string) {
	label = Label(ctx, FamilyRequestStatus, string(s))
	switch s {
	case models.StatusCompleted:
		return label, "badge badge--success"
	case models.StatusAwaitingVerification, models.StatusWaitingRequester:
		return label, "badge badge--warning"
	case models.StatusInReview, models.StatusApproved, models.StatusWaitingFulfilment:
		return label, "badge badge--info"
	case models.StatusDenied:
		return label, "badge badge--danger"
	}
	return label, "badge badge--neutral"
}

// RequestNumber is how pages name a request: "#42".
func RequestNumber(id int64) string { return "#" + strconv.FormatInt(id, 10) }

// dueText says how long is left in words, or how late it is.
func dueText(ctx context.Context, due, now time.Time) (text, class string) {
	n := models.DaysLeft(due, now)
	switch {
	case n < 0:
		return i18n.T(ctx, "request.due.overdue", "Count", -n), "badge badge--danger"
	case n == 0:
		return i18n.T(ctx, "request.due.today"), "badge badge--warning"
	case n <= 7:
		return i18n.T(ctx, "request.due.days", "Count", n), "badge badge--warning"
	}
	return i18n.T(ctx, "request.due.days", "Count", n), "badge badge--neutral"
}

// eventWho names who took a timeline step, as the requester sees it.
func eventWho(ctx context.Context, kind string) string {
	switch kind {
	case "requester":
		return i18n.T(ctx, "request.who.requester")
	case "staff":
		return i18n.T(ctx, "request.who.staff")
	}
	return i18n.T(ctx, "request.who.system")
}

// messageAuthor names a message's side: "You" for the reader's own.
func messageAuthor(ctx context.Context, kind string, staffView bool) string {
	switch {
	case kind == "staff" && staffView, kind == "requester" && !staffView:
		return i18n.T(ctx, "request.messages.you")
	case kind == "staff":
		return i18n.T(ctx, "request.who.staff")
	}
	return i18n.T(ctx, "request.who.requester")
}

// CorrectionKey is how FieldLabels name a correction's field.
func CorrectionKey(c models.RequestCorrection) string { return c.Category + "." + c.Field }

// correctionField names a correction's field, or shows its code when no
// label was given.
func correctionField(labels map[string]string, c models.RequestCorrection) string {
	if l := labels[CorrectionKey(c)]; l != "" {
		return l
	}
	return CorrectionKey(c)
}

// verificationEvidence is a request's verification note for staff: the
// points a knowledge check matched (stored as codes, comma-separated) in
// words; a note staff typed has no such codes and reads as typed.
func verificationEvidence(ctx context.Context, note string) string {
	parts := strings.Split(note, ", ")
	for i, p := range parts {
		parts[i] = Label(ctx, FamilyVerificationPoint, p)
	}
	return strings.Join(parts, ", ")
}
