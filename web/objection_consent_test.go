package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TestMarketingObjectionWithdrawsConsent: staff verifying a customer's
// objection to direct marketing withdraws their newsletter in the consent
// ledger, with method objection (the server wires the hook).
func TestMarketingObjectionWithdrawsConsent(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	var u models.User
	if err := p.DB().Where("email = ?", p.logins["customer"].Email).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	news := consent.Marketing("newsletter", models.ChannelEmail)
	var subject int64
	err := p.DB().Transaction(func(tx *gorm.DB) error {
		var err error
		if subject, err = p.Consent().SubjectOf(tx, u.ID); err != nil {
			return err
		}
		_, err = p.Consent().Apply(tx, subject, []consent.Change{{Choice: news, Status: models.ConsentGranted}}, consent.Evidence{Method: models.MethodPortal})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := deskRequest(t, p, models.RequestObjection, models.StatusAwaitingVerification, func(r *models.PrivacyRequest) {
		r.ObjectionGround = models.ObjectMarketing
	})
	c := p.signedIn(t, "staff")
	p.post(t, c, deskPath(r.ID, "assign"), url.Values{"assignee": {"me"}, "next": {"/staff/requests"}})
	if res := p.post(t, c, deskPath(r.ID, "verify"), deskForms["verify"]); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify: %d", res.StatusCode)
	}
	st, err := p.Consent().States(context.Background(), subject)
	if err != nil || st[news].Status != models.ConsentWithdrawn {
		t.Fatalf("newsletter %q after the objection (%v)", st[news].Status, err)
	}
	var e models.ConsentEvent
	if err := p.DB().Take(&e, st[news].EventID).Error; err != nil || e.Method != models.MethodObjection {
		t.Errorf("withdrawal event %+v (%v): want method objection", e, err)
	}
}
