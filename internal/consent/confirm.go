package consent

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// KindExpirePending is the hourly job turning unconfirmed email opt-ins
// past their deadline into withdrawals.
const KindExpirePending = "consent.expire_pending"

// ErrConfirmBlocked is a confirmation the rules refuse now (the
// customer is restricted, objected, or under age since asking).
var ErrConfirmBlocked = fault.New(fault.Forbidden, "consent: the opt-in can no longer be confirmed")

// ErrNotEmailTopic is an opt-in by email to a topic that is not sent by email.
var ErrNotEmailTopic = errors.New("consent: topic not sent by email")

// RequestConfirmation starts a double opt-in in tx: topic by email goes
// pending until the mailed link is used or consent.confirm_within has
// passed, and the confirmation mail is queued with the same transaction,
// carrying List-Unsubscribe. A topic already granted or already pending
// is left as it is (no second mail: a double click sends one). ev is how
// the opt-in was asked for (the page's method, wording, IP and user
// agent), recorded with the pending event; its locale is the mail's.
func (s *Service) RequestConfirmation(tx *gorm.DB, subjectID int64, email, topic string, ev Evidence) error {
	locale := ev.Locale
	var t models.ConsentTopic
	if err := tx.Where("key = ? AND active = ?", topic, true).Limit(1).Find(&t).Error; err != nil {
		return fmt.Errorf("consent: topic: %w", err)
	}
	if t.ID == 0 {
		return ErrUnknownChoice
	}
	if !strings.Contains(","+t.Channels+",", ","+models.ChannelEmail+",") {
		return ErrNotEmailTopic
	}
	// A suppressed address is not asked to confirm: the opt-in would be
	// refused (suppress.go), whichever form asked for it.
	if sup, err := s.refuseSuppressed(tx, email); err != nil || sup {
		return cmp.Or(err, ErrSuppressed)
	}
	choice := Marketing(topic, models.ChannelEmail)
	if err := s.lockSubject(tx, subjectID); err != nil {
		return fmt.Errorf("consent: lock: %w", err)
	}
	current, err := states(tx, subjectID)
	if err != nil {
		return err
	}
	if st, ok := current[choice]; ok && st.Status != models.ConsentWithdrawn {
		return nil
	}
	until := s.now().Add(settings.ConsentConfirmWithin.Get(s.Settings))
	if ev.Method == "" {
		ev.Method = models.MethodPortal
	}
	events, err := s.Apply(tx, subjectID, []Change{{Choice: choice, Status: models.ConsentPending, PendingUntil: &until}}, ev)
	if err != nil || len(events) == 0 {
		return err
	}
	if s.Mailer == nil {
		return nil
	}
	var name string
	if err := tx.Model(&models.User{}).Select("users.name").
		Joins("JOIN consent_subjects cs ON cs.user_id = users.id").Where("cs.id = ?", subjectID).Limit(1).Scan(&name).Error; err != nil {
		return fmt.Errorf("consent: confirmation mail: %w", err)
	}
	link, listUnsub, listPost := s.UnsubscribeLinks(subjectID, topic)
	_, err = s.Mailer.Queue(tx, mail.Message{To: email, Template: "consent_confirm", Locale: locale,
		Data: map[string]any{"Name": name, "Topic": topicText(t.Name, locale), "ExpiresAt": until,
			"ConfirmLink":     strings.TrimRight(s.BaseURL, "/") + "/confirm/" + s.confirmToken(subjectID, topic, events[0].ID),
			"UnsubscribeLink": link},
		Headers: mail.ListHeaders(listUnsub, listPost)})
	return err
}

// topicText is a topic's name or description in locale (JSON by
// language), English failing that.
func topicText(raw, locale string) string {
	var m map[string]string
	if json.Unmarshal([]byte(raw), &m) != nil {
		return raw
	}
	if v := m[locale]; v != "" {
		return v
	}
	if v := m[i18n.Match(locale)]; v != "" {
		return v
	}
	return m["en"]
}

// Pending is what a confirmation link's page shows: the topic, and
// whether the link still confirms something.
type Pending struct {
	Topic models.ConsentTopic
	Until time.Time
}

// ViewConfirmation reads a confirmation token and changes nothing (the
// GET, which link scanners fetch). A token whose opt-in has expired, was
// withdrawn or confirmed already is ErrBadToken.
func (s *Service) ViewConfirmation(ctx context.Context, raw string) (Pending, error) {
	t, st, err := s.pendingOf(s.DB.WithContext(ctx), raw)
	if err != nil {
		return Pending{}, err
	}
	var p Pending
	if err := s.DB.WithContext(ctx).Where("key = ?", t.Topic).Take(&p.Topic).Error; err != nil {
		return Pending{}, ErrBadToken
	}
	p.Until = *st.PendingUntil
	return p, nil
}

func (s *Service) pendingOf(tx *gorm.DB, raw string) (token, models.ConsentState, error) {
	t, err := s.parseToken(raw, kindConfirm)
	if err != nil {
		return t, models.ConsentState{}, err
	}
	var st models.ConsentState
	err = tx.Where("subject_id = ? AND purpose = ? AND topic = ? AND channel = ?", t.Subject, models.PurposeMarketing, t.Topic, models.ChannelEmail).
		Limit(1).Find(&st).Error
	if err != nil {
		return t, st, fmt.Errorf("consent: confirm: %w", err)
	}
	if st.Status != models.ConsentPending || st.EventID != t.Ref || st.PendingUntil == nil || !s.now().Before(*st.PendingUntil) {
		return t, st, ErrBadToken
	}
	return t, st, nil
}

// Confirm is the POST of a confirmation link: the pending opt-in becomes
// granted, with method confirm. A second POST finds nothing pending.
func (s *Service) Confirm(ctx context.Context, raw string, ev Evidence) error {
	ev.Method = models.MethodConfirm
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := s.parseToken(raw, kindConfirm)
		if err != nil {
			return err
		}
		if err := s.lockSubject(tx, t.Subject); err != nil {
			return fmt.Errorf("consent: lock: %w", err)
		}
		if _, _, err := s.pendingOf(tx, raw); err != nil {
			return err
		}
		// The rules hold at the confirmation too: a restriction, an
		// objection or a birth date entered while the mail waited keeps
		// the opt-in from becoming a consent (it then expires).
		var u models.User
		if err := tx.Model(&models.User{}).Select("users.id, users.email").Joins("JOIN consent_subjects cs ON cs.user_id = users.id").
			Where("cs.id = ?", t.Subject).Limit(1).Scan(&u).Error; err != nil {
			return fmt.Errorf("consent: confirm: %w", err)
		}
		if u.ID != 0 {
			f, err := s.facts(tx, Person{UserID: u.ID, Email: u.Email}, false)
			if err != nil {
				return err
			}
			switch s.blocked(f) {
			case "":
			case BlockSuppressed:
				return ErrSuppressed
			default:
				return ErrConfirmBlocked
			}
		}
		if _, err = s.Apply(tx, t.Subject, []Change{{Choice: Marketing(t.Topic, models.ChannelEmail), Status: models.ConsentGranted}}, ev); err != nil {
			return err
		}
		return s.queueWelcome(tx, t.Subject, t.Topic, ev.Locale)
	})
}

// queueWelcome sends the topic's welcome mail, with both List-Unsubscribe
// headers, to the account of subject. A subject without an account is
// known by a hash of its address alone, so it gets none: the portal does
// not keep the address to write to.
func (s *Service) queueWelcome(tx *gorm.DB, subjectID int64, topic, locale string) error {
	if s.Mailer == nil {
		return nil
	}
	var u models.User
	if err := tx.Model(&models.User{}).Select("users.email, users.name, users.locale").
		Joins("JOIN consent_subjects cs ON cs.user_id = users.id").Where("cs.id = ?", subjectID).Limit(1).Scan(&u).Error; err != nil {
		return fmt.Errorf("consent: welcome mail: %w", err)
	}
	if u.Email == "" {
		return nil
	}
	var tp models.ConsentTopic
	if err := tx.Where("key = ?", topic).Take(&tp).Error; err != nil {
		return fmt.Errorf("consent: welcome mail: %w", err)
	}
	if locale == "" {
		locale = u.Locale
	}
	link, listUnsub, listPost := s.UnsubscribeLinks(subjectID, topic)
	_, err := s.Mailer.Queue(tx, mail.Message{To: u.Email, Template: "consent_welcome", Locale: locale,
		Data:    map[string]any{"Name": u.Name, "Topic": topicText(tp.Name, locale), "UnsubscribeLink": link},
		Headers: mail.ListHeaders(listUnsub, listPost)})
	return err
}

// ExpirePending withdraws every email opt-in still pending past its
// deadline, with method expiry, and returns how many. Each subject is
// its own transaction, so one failure leaves the others done, and a
// rerun finds only what is left.
func (s *Service) ExpirePending(ctx context.Context) (int, error) {
	var due []models.ConsentState
	// Bounded so one run stays short; the next hour's run takes the rest.
	if err := s.DB.WithContext(ctx).Where("status = ? AND pending_until <= ?", models.ConsentPending, s.now()).
		Order("subject_id").Limit(10000).Find(&due).Error; err != nil {
		return 0, fmt.Errorf("consent: expire: %w", err)
	}
	n, failed := 0, 0
	for _, st := range due {
		err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := s.lockSubject(tx, st.SubjectID); err != nil {
				return err
			}
			// Re-read under the lock: confirmed meanwhile stays confirmed.
			var cur models.ConsentState
			if err := tx.Where("subject_id = ? AND purpose = ? AND topic = ? AND channel = ?", st.SubjectID, st.Purpose, st.Topic, st.Channel).
				Limit(1).Find(&cur).Error; err != nil {
				return err
			}
			if cur.Status != models.ConsentPending || cur.PendingUntil == nil || cur.PendingUntil.After(s.now()) {
				return nil
			}
			events, err := s.Apply(tx, st.SubjectID, []Change{{Choice: Choice{Purpose: st.Purpose, Topic: st.Topic, Channel: st.Channel},
				Status: models.ConsentWithdrawn}}, Evidence{Method: models.MethodExpiry})
			n += len(events)
			return err
		})
		if err != nil {
			// One subject's failure must not stop every other expiry each
			// hour: it is logged (by pseudonymous id) and retried next run.
			s.log().ErrorContext(ctx, "consent: an opt-in did not expire", "subject", st.SubjectID, "err", err)
			failed++
		}
	}
	if failed > 0 && n == 0 {
		return n, fmt.Errorf("consent: expire: %d subjects failed", failed)
	}
	if n > 0 {
		s.log().InfoContext(ctx, "consent: unconfirmed opt-ins expired", "count", n)
	}
	return n, nil
}

// Jobs declares the hourly expiry of unconfirmed opt-ins.
func (s *Service) Jobs() []jobs.Spec {
	return []jobs.Spec{{Kind: KindExpirePending, Handle: func(ctx context.Context, _ *models.Job) error {
		_, err := s.ExpirePending(ctx)
		return err
	}, Schedule: KindExpirePending, Every: time.Hour}}
}

// Name is the pending topic's name in locale.
func (p Pending) Name(locale string) string { return topicText(p.Topic.Name, locale) }
