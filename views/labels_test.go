package views_test

import (
	"context"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/internal/session"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

func strs[T ~string](list []T) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s != "" {
			out = append(out, string(s))
		}
	}
	return out
}

// jobKinds are the kinds the services declare in their Jobs(); a service
// with background work is added here when web starts installing it. The
// zero values are enough: Jobs only builds closures.
func jobKinds() []string {
	var out []string
	for _, p := range []jobs.Provider{(&mail.Mailer{}).Jobs(nil), &session.Store{}, &account.Service{}, &requests.Service{}} {
		for _, s := range p.Jobs() {
			out = append(out, s.Kind)
		}
	}
	return out
}

func auditGroups() []string {
	var out []string
	for _, p := range audit.ActionPrefixes() {
		out = append(out, strings.TrimSuffix(p, "."))
	}
	return out
}

// TestEveryCodeHasALabel: each code a page shows (statuses, methods, job
// kinds, audit actions …), gathered from the lists that declare them, has
// its label in every language, so none reaches a page as a raw key.
func TestEveryCodeHasALabel(t *testing.T) {
	t.Parallel()
	families := map[views.Family][]string{
		views.FamilyPaymentMethod:  models.PaymentMethods,
		views.FamilyOrderStatus:    models.OrderStatuses,
		views.FamilyDeliveryStatus: strs(models.DeliveryStatuses),
		views.FamilyContactChannel: models.ContactChannels,
		views.FamilyLoginEvent:     auth.Events,
		views.FamilyLoginMethod:    auth.Methods,
		views.FamilyJobKind:        jobKinds(),
		views.FamilyJobStatus:      strs(models.JobStatuses),
		views.FamilyOutboxStatus:   strs(models.OutboxStatuses),
		views.FamilyMailTemplate:   mail.Templates(),
		views.FamilyAuditAction:    audit.Actions,
		views.FamilyAuditGroup:     auditGroups(),
		views.FamilyRequestStatus:  strs(models.RequestStatuses),
		views.FamilyRequestKind:    strs(models.RequestKinds),
		views.FamilyRequestAction:  strs(requests.Actions()),
		views.FamilyDenyCode:       requests.DenyCodes,
		views.FamilyConsentChannel: models.ConsentChannels,
		views.FamilyConsentAction:  {models.ConsentGranted, models.ConsentWithdrawn, models.ConsentPending},
		views.FamilyConsentMethod: {models.MethodPortal, models.MethodEmailLink, models.MethodOneClick, models.MethodStaff, models.MethodAPI,
			models.MethodGPC, models.MethodConfirm, models.MethodObjection, models.MethodPublic, models.MethodExpiry, models.MethodAge},
	}
	for f, codes := range families {
		if len(codes) == 0 {
			t.Errorf("%s: no codes gathered", f)
		}
	}
	for _, l := range i18n.Supported {
		ids, err := i18n.IDs(l.Code)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, id := range ids {
			have[id] = true
		}
		for f, codes := range families {
			for _, c := range codes {
				if !have[views.LabelID(f, c)] {
					t.Errorf("%s: %s %q has no label (%s)", l.Code, f, c, views.LabelID(f, c))
				}
			}
		}
		for _, a := range audit.Actions {
			if !have[views.AuditSentenceID(a)] {
				t.Errorf("%s: audit action %q has no sentence (%s)", l.Code, a, views.AuditSentenceID(a))
			}
		}
	}
}

func TestLabel(t *testing.T) {
	t.Parallel()
	fr := i18n.WithLocale(context.Background(), "fr")
	zh := i18n.WithLocale(context.Background(), "zh-CN")
	cases := []struct {
		ctx  context.Context
		f    views.Family
		code string
		want string
	}{
		{fr, views.FamilyPaymentMethod, "card", "Carte bancaire"},
		{zh, views.FamilyPaymentMethod, "bank_transfer", "银行转账"},
		{fr, views.FamilyPaymentMethod, "klarna", "klarna"}, // the shop's own code, shown as stored
		{fr, views.FamilyJobKind, "mail.deliver", "Envoyer un e-mail"},
		{fr, views.FamilyJobStatus, "dead", i18n.Tl("fr", "jobs.status.dead")},
		{zh, views.FamilyAuditAction, "account.totp_enabled", "已开启双重身份验证"},
		{fr, views.FamilyLoginMethod, "", "—"},
		{fr, views.FamilyAuditAction, "x.unknown", "x.unknown"},
		{fr, views.FamilyRequestAction, "ask", "Nous vous avons posé une question"},
		{zh, views.FamilyDenyCode, "excessive", "该请求明显过度或重复"},
		{fr, views.FamilyAuditGroup, "hold", "Gels juridiques"},
	}
	for _, c := range cases {
		if got := views.Label(c.ctx, c.f, c.code); got != c.want {
			t.Errorf("Label(%s, %q) = %q, want %q", c.f, c.code, got, c.want)
		}
	}
}
