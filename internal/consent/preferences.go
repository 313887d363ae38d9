package consent

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The preferences page's rules: what a customer may choose, given their
// age, a restriction or an objection, and the browser's Global Privacy
// Control signal. The handler only reads the form and renders; every
// decision is here, so the token pages and the API inherit it.

// Person is whom a preferences page is for: the signed-in customer.
type Person struct {
	UserID int64
	Email  string
}

// Why marketing cannot be opted in to, as i18n message ids (the reason
// the page shows beside the choices).
const (
	BlockRestricted = "prefs.blocked.restricted"
	BlockObjected   = "prefs.blocked.objected"
	BlockUnderAge   = "prefs.blocked.under_age"
	BlockUnder13    = "prefs.blocked.under_13"
)

// Preferences is the page's view model.
type Preferences struct {
	SubjectID int64
	Topics    []TopicChoices
	// NoProfiling and NoSaleShare are the two switches as shown: on when
	// withdrawn (or, for a minor's sale and sharing, never allowed).
	NoProfiling, NoSaleShare bool
	// GPCHonoured: the request carried Sec-GPC: 1 and sale and sharing
	// are off; the page says so and may offer to allow again.
	GPCHonoured bool
	// Blocked is why marketing opt-ins are refused ("" when they are not).
	Blocked string
	// Minor: under 16, sale and sharing are off unless opted in; Under13:
	// they cannot be opted in at all (the parent must).
	Minor, Under13 bool
	// AskAge: the birth date is unknown and the shop serves minors, so an
	// opt-in first asks for the age.
	AskAge bool
}

// TopicChoices is one topic with the status of each channel it allows.
type TopicChoices struct {
	Topic    models.ConsentTopic
	Channels []ChannelChoice
}

// ChannelChoice is one checkbox: Status is "" (never chosen), granted,
// pending (waiting for the email confirmation) or withdrawn.
type ChannelChoice struct {
	Channel, Status string
}

// On is whether the checkbox is ticked: given, or waiting to be confirmed.
func (c ChannelChoice) On() bool {
	return c.Status == models.ConsentGranted || c.Status == models.ConsentPending
}

// SaveForm is what the page posts.
type SaveForm struct {
	// Ticked holds the marketing choices ticked.
	Ticked                   map[Choice]bool
	NoProfiling, NoSaleShare bool
	// SaleShownOff: the page showed "don't sell or share" ticked. Under
	// the signal, only unticking a box shown ticked allows sharing again
	// (§7025(c)(3)): a box left as it was before the signal is no consent.
	SaleShownOff bool
	// Age is the age the customer declared when asked ("" if not asked).
	Age string
	// Wording is the exact label text shown beside a choice, hashed into
	// the ledger as its wording.
	Wording func(Choice) string
}

// subjectFacts is what the rules need about a person, read in the page's
// transaction.
type subjectFacts struct {
	subject    int64
	states     map[Choice]models.ConsentState
	age        int // -1: unknown
	restricted bool
	objected   bool
	// suppressed: the address is on the suppression list (suppress.go).
	suppressed bool
}

// ageOn is the age in whole years on now of someone born on ymd
// (YYYY-MM-DD), or -1 when the date is missing or invalid.
func ageOn(ymd string, now time.Time) int {
	b, err := time.Parse(time.DateOnly, strings.TrimSpace(ymd))
	if err != nil {
		return -1
	}
	age := now.Year() - b.Year()
	if now.Month() < b.Month() || (now.Month() == b.Month() && now.Day() < b.Day()) {
		age--
	}
	return max(age, 0)
}

// consentAge is the age from which the jurisdiction lets a customer
// consent to marketing alone.
func (s *Service) consentAge() int {
	if settings.RequestJurisdiction.Get(s.Settings) == "ccpa" {
		return settings.ConsentAgeCCPA.Get(s.Settings)
	}
	return settings.ConsentAgeGDPR.Get(s.Settings)
}

// blocked is why f's person may not opt in to marketing, or "". A
// restriction or objection first: they hold whatever the age.
func (s *Service) blocked(f subjectFacts) string {
	switch {
	case f.suppressed:
		return BlockSuppressed
	case f.restricted:
		return BlockRestricted
	case f.objected:
		return BlockObjected
	case f.age >= 0 && f.age < 13:
		return BlockUnder13
	case f.age >= 0 && f.age < s.consentAge():
		return BlockUnderAge
	}
	return ""
}

// factsRow is the one read the rules need besides the states.
type factsRow struct {
	Subject    int64
	Birth      string
	Restricted bool
	Objected   bool
	Suppressed bool
}

// facts reads what the rules need about p in one query (the page's
// budget is the session and three reads), then the states. create makes
// the subject when there is none yet (a save; a GET only reads).
//
// An active restriction of all the account's data, its profile or its
// consents keeps marketing off, as the audience query does
// (restrictsMarketing).
func (s *Service) facts(tx *gorm.DB, p Person, create bool) (subjectFacts, error) {
	f := subjectFacts{age: -1, states: map[Choice]models.ConsentState{}}
	var row factsRow
	err := tx.Raw(`SELECT
		COALESCE((SELECT id FROM consent_subjects WHERE user_id = ?), 0) AS subject,
		COALESCE((SELECT birth_date FROM profiles WHERE user_id = ?), '') AS birth,
		EXISTS (SELECT 1 FROM restrictions WHERE user_id = ? AND lifted_at IS NULL AND category IN `+restrictsMarketing+`) AS restricted,
		EXISTS (SELECT 1 FROM marketing_objections WHERE user_id = ? OR email = ?) AS objected,
		EXISTS (SELECT 1 FROM suppressions WHERE hash IN ?) AS suppressed`,
		p.UserID, p.UserID, p.UserID, p.UserID, normalize(p.Email), s.suppressionKeys(p.Email)).Scan(&row).Error
	if err != nil {
		return f, fmt.Errorf("consent: facts: %w", err)
	}
	f.subject, f.age, f.restricted, f.objected = row.Subject, ageOn(row.Birth, s.now()), row.Restricted, row.Objected
	f.suppressed = row.Suppressed
	if f.subject == 0 && create {
		if f.subject, err = s.SubjectOf(tx, p.UserID); err != nil {
			return f, err
		}
	}
	if create {
		// A save reads the state it decides from under the subject's lock,
		// so a confirmation or another tab committing meanwhile is not
		// overwritten from a stale read.
		if err := s.lockSubject(tx, f.subject); err != nil {
			return f, fmt.Errorf("consent: lock: %w", err)
		}
	}
	// Read by the account, subject or not, so every page view costs the
	// same queries whatever the customer's history.
	var rows []models.ConsentState
	if err := tx.Where("subject_id IN (SELECT id FROM consent_subjects WHERE user_id = ?)", p.UserID).Find(&rows).Error; err != nil {
		return f, fmt.Errorf("consent: states: %w", err)
	}
	for _, r := range rows {
		f.states[Choice{Purpose: r.Purpose, Topic: r.Topic, Channel: r.Channel}] = r
	}
	return f, nil
}

// noSale is whether sale and sharing are off for f: withdrawn, or a
// minor who never opted in.
func noSale(f subjectFacts) bool {
	st, ok := f.states[SaleShare]
	if ok {
		return st.Status != models.ConsentGranted
	}
	return f.age >= 0 && f.age < 16
}

// honourGPC opts the subject out of sale and sharing for the browser's
// opt-out preference signal (CCPA §7025), before anything else the
// request does: even an explicit earlier "allow" is overridden. Apply
// appends nothing when sharing is off already, so the signal is
// recorded once however many pages carry it.
func (s *Service) honourGPC(tx *gorm.DB, f *subjectFacts, ev Evidence) error {
	st, ok := f.states[SaleShare]
	if ok && st.Status == models.ConsentWithdrawn {
		return nil
	}
	if ok && st.Status == models.ConsentGranted {
		// An allow given after the signal was honoured was asked for
		// under it (§7025(c)(3)): the signal does not take it back on the
		// next page.
		var lastGPC int64
		if err := tx.Model(&models.ConsentEvent{}).Where("subject_id = ? AND purpose = ? AND method = ?",
			f.subject, models.PurposeSaleShare, models.MethodGPC).Select("COALESCE(MAX(id), 0)").Scan(&lastGPC).Error; err != nil {
			return fmt.Errorf("consent: gpc: %w", err)
		}
		if lastGPC != 0 && st.EventID > lastGPC {
			return nil
		}
	}
	ev.Method = models.MethodGPC
	if _, err := s.Apply(tx, f.subject, []Change{{Choice: SaleShare, Status: models.ConsentWithdrawn}}, ev); err != nil {
		return err
	}
	// The pseudonymous subject only: never who the person is.
	s.log().Debug("opt-out preference signal honoured", "subject", f.subject)
	var err error
	f.states, err = states(tx, f.subject)
	return err
}

// HonourSignal records a browser's opt-out preference signal (GPC) for
// p at sign-in, where every session starts: the customer is opted out
// of sale and sharing though they never open the preferences page, and
// no customer page pays a query for it. As on the page, it is recorded
// once, and an allow given under the signal stands.
func (s *Service) HonourSignal(ctx context.Context, p Person, ev Evidence) error {
	if p.Email == "" || p.UserID == 0 {
		return nil
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		f, err := s.facts(tx, p, true)
		if err != nil {
			return err
		}
		return s.honourGPC(tx, &f, ev)
	})
}

// Preferences builds the page for p. gpc is whether the request carried
// Sec-GPC: 1; ev is the request's evidence for the opt-out it records.
func (s *Service) Preferences(ctx context.Context, p Person, gpc bool, ev Evidence) (Preferences, error) {
	var out Preferences
	topics, err := s.Topics(ctx)
	if err != nil {
		return out, err
	}
	if !gpc {
		// Reading only: no transaction, no subject created by looking.
		f, err := s.facts(s.DB.WithContext(ctx), p, false)
		return s.view(f, topics, false), err
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		f, err := s.facts(tx, p, true)
		if err != nil {
			return err
		}
		if err := s.honourGPC(tx, &f, ev); err != nil {
			return err
		}
		out = s.view(f, topics, true)
		return nil
	})
	return out, err
}

func (s *Service) view(f subjectFacts, topics []models.ConsentTopic, gpc bool) Preferences {
	out := Preferences{SubjectID: f.subject, Blocked: s.blocked(f), Minor: f.age >= 0 && f.age < 16, Under13: f.age >= 0 && f.age < 13,
		AskAge: f.age < 0 && settings.ConsentServesMinors.Get(s.Settings)}
	for _, t := range topics {
		tc := TopicChoices{Topic: t}
		for _, c := range TopicChannels(t) {
			tc.Channels = append(tc.Channels, ChannelChoice{Channel: c, Status: f.states[Marketing(t.Key, c)].Status})
		}
		out.Topics = append(out.Topics, tc)
	}
	out.NoProfiling = f.states[Profiling].Status == models.ConsentWithdrawn
	out.NoSaleShare = noSale(f)
	out.GPCHonoured = gpc && out.NoSaleShare
	return out
}

// Save applies the form in one transaction: the GPC opt-out first when
// the request carries the signal, then the form's changes, each appended
// with the wording shown beside it. An opt-in the rules refuse fails the
// whole save (fault.Invalid, the reason per field) and nothing is saved.
// Email opt-ins go pending until the address confirms (double opt-in).
func (s *Service) Save(ctx context.Context, p Person, form SaveForm, gpc bool, ev Evidence) error {
	topics, err := s.Topics(ctx)
	if err != nil {
		return err
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		f, err := s.facts(tx, p, true)
		if err != nil {
			return err
		}
		if gpc {
			if err := s.honourGPC(tx, &f, ev); err != nil {
				return err
			}
		}
		if gpc && !form.SaleShownOff {
			form.NoSaleShare = true
		}
		changes, err := s.decide(f, topics, form)
		if err != nil {
			return err
		}
		for _, c := range changes {
			e := ev
			if form.Wording != nil {
				e.Wording = form.Wording(c.Choice)
			}
			if c.Status == models.ConsentPending {
				// Double opt-in: pending, and the confirmation mailed to
				// the account's address, in the same transaction.
				if err := s.RequestConfirmation(tx, f.subject, p.Email, c.Topic, e); err != nil {
					return err
				}
				continue
			}
			if _, err := s.Apply(tx, f.subject, []Change{c}, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// FieldName is the form field of a marketing choice.
func FieldName(c Choice) string { return "m." + c.Topic + "." + c.Channel }

// decide turns the form into changes, or refuses it.
func (s *Service) decide(f subjectFacts, topics []models.ConsentTopic, form SaveForm) ([]Change, error) {
	var changes []Change
	refused := map[string]string{}
	block := s.blocked(f)
	// The declared age counts only where the birth date is unknown.
	declared := -1
	if f.age < 0 && settings.ConsentServesMinors.Get(s.Settings) {
		if a, err := strconv.Atoi(strings.TrimSpace(form.Age)); err == nil && a >= 0 && a < 150 {
			declared = a
		}
	}
	for _, t := range topics {
		for _, ch := range TopicChannels(t) {
			c := Marketing(t.Key, ch)
			cur := f.states[c].Status
			on := cur == models.ConsentGranted || cur == models.ConsentPending
			switch want := form.Ticked[c]; {
			case want && !on:
				if why := s.optInRefusal(f, block, declared); why != "" {
					refused[FieldName(c)] = why
					continue
				}
				changes = append(changes, s.optIn(c))
			case !want && on:
				changes = append(changes, Change{Choice: c, Status: models.ConsentWithdrawn})
			}
		}
	}
	if form.NoProfiling != (f.states[Profiling].Status == models.ConsentWithdrawn) {
		changes = append(changes, Change{Choice: Profiling, Status: statusOf(!form.NoProfiling)})
	}
	if form.NoSaleShare != noSale(f) {
		if !form.NoSaleShare && f.age >= 0 && f.age < 13 {
			refused["no_sale_share"] = "prefs.error.sale_under_13"
		} else {
			changes = append(changes, Change{Choice: SaleShare, Status: statusOf(!form.NoSaleShare)})
		}
	}
	if len(refused) > 0 {
		return nil, fault.InvalidFields("consent: opt-in refused", refused)
	}
	return changes, nil
}

// optInRefusal is why a marketing opt-in is refused, as a message id.
func (s *Service) optInRefusal(f subjectFacts, block string, declared int) string {
	switch {
	case block != "":
		return block
	case f.age < 0 && settings.ConsentServesMinors.Get(s.Settings) && declared < 0:
		return "prefs.error.age_needed"
	case declared >= 0 && declared < 13:
		return BlockUnder13
	case declared >= 0 && declared < s.consentAge():
		return BlockUnderAge
	}
	return ""
}

// optIn is a marketing opt-in: an email one goes pending until the
// address confirms (double opt-in: Save hands it to RequestConfirmation,
// which sets its deadline and mails the link).
func (s *Service) optIn(c Choice) Change {
	if c.Channel != models.ChannelEmail {
		return Change{Choice: c, Status: models.ConsentGranted}
	}
	return Change{Choice: c, Status: models.ConsentPending}
}

func statusOf(granted bool) string {
	if granted {
		return models.ConsentGranted
	}
	return models.ConsentWithdrawn
}
