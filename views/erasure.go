package views

import (
	"context"

	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// CloseAccountURL is the erasure request form, every category chosen.
const CloseAccountURL = "/account/requests/new?kind=erasure"

// ErasurePanel is the customer's view of their approved erasure: the
// date it runs, and the two things they may still do until then.
type ErasurePanel struct {
	Erasure   models.Erasure
	InCoolOff bool
	Base      string // the request's page
	// ConfirmCancel and ConfirmWaive show the confirmation step instead
	// of the button (no JavaScript needed).
	ConfirmCancel bool
	ConfirmWaive  bool
}

// DeskErasure is the staff's view of a request's erasure: its state and,
// once it ran, the report.
type DeskErasure struct {
	Report erasure.Report
	// InCoolOff offers staff to stop it, on the requester's word.
	InCoolOff bool
	RequestID int64
}

// erasureStatus names an erasure's status.
func erasureStatus(ctx context.Context, s models.ErasureStatus) string {
	return i18n.T(ctx, "erasure.status."+string(s))
}

// erasureStatusClass is the badge colour of a status.
func erasureStatusClass(s models.ErasureStatus) string {
	switch s {
	case models.ErasureCompleted:
		return "badge--success"
	case models.ErasureCancelled:
		return "badge--neutral"
	case models.ErasureWaiting, models.ErasureRunning:
		return "badge--info"
	}
	return "badge--warning"
}

// erasureStrategy names a strategy.
func erasureStrategy(ctx context.Context, s string) string {
	return i18n.T(ctx, "erasure.strategy."+s)
}

// erasureReason names why items were retained ("" when none were).
func erasureReason(ctx context.Context, l erasure.ReportLine) string {
	if l.Retained == 0 {
		return ""
	}
	if l.Reason == "" || !i18n.Has(l.Reason) {
		return i18n.T(ctx, "erasure.reason.other")
	}
	return i18n.T(ctx, l.Reason)
}
