package views

import (
	"context"
	"testing"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/requests"
)

// TestVerificationEvidence: the points a knowledge check stored as codes
// read as words in every language, and a note staff typed reads as typed.
func TestVerificationEvidence(t *testing.T) {
	t.Parallel()
	points := []string{requests.PointOrder, requests.PointPhone, requests.PointBirth, requests.PointBilling, requests.PointLast4}
	for _, l := range i18n.Supported {
		ctx := i18n.WithLocale(context.Background(), l.Code)
		for _, p := range points {
			if got := verificationEvidence(ctx, p); got == p || got == "" {
				t.Errorf("%s: point %q has no words: %q", l.Code, p, got)
			}
		}
	}
	ctx := i18n.WithLocale(context.Background(), "en")
	if got, want := verificationEvidence(ctx, requests.PointOrder+", "+requests.PointPhone),
		"an order number with its delivery postal code, phone number"; got != want {
		t.Errorf("two points: %q, want %q", got, want)
	}
	typed := "Called her back on the number in the order, she confirmed the address."
	if got := verificationEvidence(ctx, typed); got != typed {
		t.Errorf("a typed note became %q", got)
	}
}
