package consent

import (
	"cmp"
	"context"
	"fmt"
	netmail "net/mail"
	"net/url"
	"slices"
	"strings"

	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// OneClickPost is the List-Unsubscribe-Post value of RFC 8058.
const OneClickPost = "List-Unsubscribe=One-Click"

// UnsubscribeLinks are what a mail about topic to subject carries: the
// one-click URL (also the link in the mail's footer), the exact
// List-Unsubscribe value (the HTTPS URL, plus a mailto when the setting
// consent.unsubscribe_mailto is set) and List-Unsubscribe-Post. The
// shop's mailing tool gets them with each recipient of the audience.
func (s *Service) UnsubscribeLinks(subjectID int64, topic string) (link, listUnsubscribe, listUnsubscribePost string) {
	link = strings.TrimRight(s.BaseURL, "/") + "/u/" + s.UnsubscribeToken(subjectID, topic)
	listUnsubscribe = "<" + link + ">"
	if to := mailtoAddress(settings.ConsentUnsubscribeMailto.Get(s.Settings)); to != "" {
		// The subject line names the topic only: the mailbox reading it
		// learns nothing the mail did not say.
		listUnsubscribe += ", <mailto:" + to + "?subject=" + url.PathEscape("unsubscribe "+topic) + ">"
	}
	return link, listUnsubscribe, OneClickPost
}

// TokenView is what an unsubscribe token's pages show: the topic it
// names and, for the preference page, the subject's marketing choices
// that are on (granted or pending), the only ones it can switch off.
type TokenView struct {
	Subject int64
	Topic   models.ConsentTopic
	// Subscribed says the token's own topic is still on by email.
	Subscribed bool
	On         []Choice
	topics     map[string]models.ConsentTopic
}

// Name is a topic's name in locale, for the token pages.
func (v TokenView) Name(topic, locale string) string {
	if t, ok := v.topics[topic]; ok {
		return topicText(t.Name, locale)
	}
	return topic
}

// ViewToken reads what a token stands for and changes nothing: the GET
// of the one-click URL, which link scanners fetch.
func (s *Service) ViewToken(ctx context.Context, raw string) (TokenView, error) {
	t, err := s.parseToken(raw, kindUnsubscribe)
	if err != nil {
		return TokenView{}, err
	}
	db := s.DB.WithContext(ctx)
	v := TokenView{Subject: t.Subject, topics: map[string]models.ConsentTopic{}}
	var all []models.ConsentTopic
	if err := db.Find(&all).Error; err != nil {
		return TokenView{}, fmt.Errorf("consent: token topic: %w", err)
	}
	for _, tp := range all {
		v.topics[tp.Key] = tp
	}
	var ok bool
	if v.Topic, ok = v.topics[t.Topic]; !ok {
		return TokenView{}, ErrBadToken
	}
	var n int64
	if err := db.Model(&models.ConsentSubject{}).Where("id = ?", t.Subject).Count(&n).Error; err != nil {
		return TokenView{}, fmt.Errorf("consent: token subject: %w", err)
	}
	if n == 0 {
		return TokenView{}, ErrBadToken
	}
	st, err := states(db, t.Subject)
	if err != nil {
		return TokenView{}, err
	}
	for c, row := range st {
		if c.Purpose == models.PurposeMarketing && row.Status != models.ConsentWithdrawn {
			v.On = append(v.On, c)
			if c.Topic == t.Topic && c.Channel == models.ChannelEmail {
				v.Subscribed = true
			}
		}
	}
	sortChoices(v.On)
	return v, nil
}

// Unsubscribe is the one-click unsubscribe (and the confirm button of
// the GET page): the token's topic by email is withdrawn at once, with
// method one_click or email_link as ev says. A repeat (mail providers
// retry) appends nothing. It reports whether anything changed.
func (s *Service) Unsubscribe(ctx context.Context, raw string, ev Evidence) (bool, error) {
	t, err := s.parseToken(raw, kindUnsubscribe)
	if err != nil {
		return false, err
	}
	return s.withdraw(ctx, t.Subject, []Choice{Marketing(t.Topic, models.ChannelEmail)}, ev)
}

// WithdrawByToken is the token preference page's save: it can only
// switch choices off, whatever the form says, because the page is
// reached without signing in by whoever holds the mail (mails get
// forwarded). Choices not on are ignored.
func (s *Service) WithdrawByToken(ctx context.Context, raw string, choices []Choice, ev Evidence) (bool, error) {
	t, err := s.parseToken(raw, kindUnsubscribe)
	if err != nil {
		return false, err
	}
	return s.withdraw(ctx, t.Subject, choices, ev)
}

func (s *Service) withdraw(ctx context.Context, subject int64, choices []Choice, ev Evidence) (bool, error) {
	changed := false
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.ConsentSubject{}).Where("id = ?", subject).Count(&n).Error; err != nil {
			return fmt.Errorf("consent: token subject: %w", err)
		}
		if n == 0 {
			return ErrBadToken
		}
		changes := make([]Change, 0, len(choices))
		for _, c := range choices {
			if c.Purpose != models.PurposeMarketing {
				continue
			}
			changes = append(changes, Change{Choice: c, Status: models.ConsentWithdrawn})
		}
		events, err := s.Apply(tx, subject, changes, ev)
		changed = len(events) > 0
		return err
	})
	return changed, err
}

// sortChoices orders choices by topic, then channel, for stable pages.
func sortChoices(cs []Choice) {
	slices.SortFunc(cs, func(a, b Choice) int {
		return cmp.Or(cmp.Compare(a.Topic, b.Topic), cmp.Compare(a.Channel, b.Channel))
	})
}

// mailtoAddress is the configured unsubscribe mailbox if it is one plain
// address, "" otherwise: anything that could close the header's <…>,
// add a second URI or a query is refused rather than pasted in.
func mailtoAddress(raw string) string {
	a, err := netmail.ParseAddress(strings.TrimSpace(raw))
	if err != nil || a.Name != "" || strings.ContainsAny(a.Address, "<>,?&\"' ") {
		return ""
	}
	return a.Address
}
