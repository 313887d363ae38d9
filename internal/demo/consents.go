package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// consentStep is one change in a demo customer's consent history, days
// before the seeding.
type consentStep struct {
	email   string // "" with public: a person without an account
	public  string
	daysAgo int
	changes []consent.Change
	ev      consent.Evidence
}

func grant(topic, channel string) consent.Change {
	return consent.Change{Choice: consent.Marketing(topic, channel), Status: models.ConsentGranted}
}

func withdraw(c consent.Choice) consent.Change {
	return consent.Change{Choice: c, Status: models.ConsentWithdrawn}
}

// demoEvidence is a fictional browser on a documentation network.
func demoEvidence(method, locale, ip string) consent.Evidence {
	return consent.Evidence{Method: method, Locale: locale, IP: ip, Wording: "demo: " + method,
		UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
}

// consentHistory shows every way a choice is made: confirmed email
// opt-ins, a post catalogue, an SMS offer withdrawn by one click, the
// browser's privacy signal, an objection to profiling, and the signed-out
// opt-out of sale by someone without an account. Camille, the customer
// the tests sign in as, starts with no choices: the page as a new
// customer sees it.
var consentHistory = []consentStep{
	// Oliver subscribed, then objected to direct marketing (the demo's
	// objection request, 60 days ago): every subscription withdrawn.
	{email: "oliver.hughes@example.com", daysAgo: 90, ev: demoEvidence(models.MethodConfirm, "en", "198.51.100.8"),
		changes: []consent.Change{grant("newsletter", models.ChannelEmail)}},
	{email: "oliver.hughes@example.com", daysAgo: 90, ev: demoEvidence(models.MethodPortal, "en", "198.51.100.8"),
		changes: []consent.Change{grant("catalogues", models.ChannelPost)}},
	{email: "oliver.hughes@example.com", daysAgo: 60, ev: demoEvidence(models.MethodObjection, "en", ""),
		changes: []consent.Change{withdraw(consent.Marketing("newsletter", models.ChannelEmail)),
			withdraw(consent.Marketing("catalogues", models.ChannelPost)), withdraw(consent.Profiling)}},
	// Li Na: a confirmed newsletter, SMS offers taken and left by one
	// click, her browser's privacy signal, and no marketing analysis.
	{email: "lina.chen@example.com", daysAgo: 80, ev: demoEvidence(models.MethodConfirm, "zh-CN", "203.0.113.24"),
		changes: []consent.Change{grant("newsletter", models.ChannelEmail)}},
	{email: "lina.chen@example.com", daysAgo: 40, ev: demoEvidence(models.MethodPortal, "zh-CN", "203.0.113.24"),
		changes: []consent.Change{grant("offers", models.ChannelSMS)}},
	{email: "lina.chen@example.com", daysAgo: 30, ev: demoEvidence(models.MethodPortal, "zh-CN", "203.0.113.24"),
		changes: []consent.Change{withdraw(consent.Profiling)}},
	{email: "lina.chen@example.com", daysAgo: 10, ev: demoEvidence(models.MethodOneClick, "zh-CN", ""),
		changes: []consent.Change{withdraw(consent.Marketing("offers", models.ChannelSMS))}},
	{email: "lina.chen@example.com", daysAgo: 3, ev: demoEvidence(models.MethodGPC, "zh-CN", "203.0.113.24"),
		changes: []consent.Change{withdraw(consent.SaleShare)}},
	{public: "jordan.reyes@example.com", daysAgo: 2, ev: demoEvidence(models.MethodPublic, "en", "192.0.2.45"),
		changes: []consent.Change{withdraw(consent.SaleShare)}},
}

// SeedConsents gives the demo customers their consent history, through
// the consent service (each step at its own time), once: a ledger that
// has events already is left alone.
func SeedConsents(ctx context.Context, db *gorm.DB, svc *consent.Service, now time.Time) error {
	db = db.WithContext(ctx)
	var n int64
	if err := db.Model(&models.ConsentEvent{}).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	for _, st := range consentHistory {
		// The same service, its clock set to the step's day.
		at := *svc
		when := now.AddDate(0, 0, -st.daysAgo).UTC()
		at.Now = func() time.Time { return when }
		err := db.Transaction(func(tx *gorm.DB) error {
			var subject int64
			var err error
			if st.public != "" {
				subject, err = at.SubjectOfEmail(tx, st.public)
			} else {
				var u models.User
				if err = tx.Where("email = ?", st.email).Take(&u).Error; err != nil {
					return err
				}
				subject, err = at.SubjectOf(tx, u.ID)
			}
			if err != nil {
				return err
			}
			_, err = at.Apply(tx, subject, st.changes, st.ev)
			return err
		})
		if err != nil {
			return fmt.Errorf("demo: consents: %w", err)
		}
	}
	return nil
}
