package consent

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Recipient is one person who may receive a topic on a channel, with
// what the shop's mailing tool puts in the mail: the one-click URL and
// the exact List-Unsubscribe and List-Unsubscribe-Post header values.
type Recipient struct {
	SubjectID           int64 // the ledger's pseudonymous id
	Email, Name, Locale string
	UnsubscribeURL      string
	ListUnsubscribe     string
	ListUnsubscribePost string
}

// LinksFunc makes a subject's unsubscribe values for a topic: the
// one-click URL, the List-Unsubscribe and List-Unsubscribe-Post values.
type LinksFunc func(subjectID int64, topic string) (url, listUnsubscribe, listUnsubscribePost string)

// AudienceOptions tune the audience query; the zero value is what the
// shop's mailing tool gets.
type AudienceOptions struct {
	// Links fills the recipients' unsubscribe values. Nil: the service's
	// UnsubscribeLinks when it has one (the unsubscribe tokens), else the
	// values stay empty.
	Links LinksFunc
	// Suppression replaces the service's suppression condition (tests).
	Suppression func() (cond string, args []any)
}

// Audience streams who may receive topic on channel, in a stable order
// (by subject), calling fn once per recipient; an error from fn stops
// the stream and is returned. See AudienceWith.
func (s *Service) Audience(ctx context.Context, topic, channel string, fn func(Recipient) error) error {
	return s.AudienceWith(ctx, topic, channel, AudienceOptions{}, fn)
}

// AudienceWith streams the audience of topic on channel: the confirmed
// opt-ins only (granted: pending, withdrawn and never-given are out),
// minus
//   - the objections to direct marketing (Art. 21(3): absolute), by
//     account or by address;
//   - customers under an active restriction of all their data, of the
//     profile (the contact details marketing uses) or of the consents
//     (Art. 18; restrictsMarketing);
//   - customers under the consent age of the shop's jurisdiction by
//     their birth date (an unknown birth date counts as of age: the
//     opt-in asked for the age where the shop serves minors);
//   - the suppression list (see suppression).
//
// A withdrawn profiling consent is not an exclusion: sending is not
// analysing. People with no account (the signed-out opt-out) have no
// address on file and can only be opted out, so they never appear.
//
// It is one statement read through one cursor: the audience is never
// held in memory, whatever its size. fn runs while the cursor is open,
// so it must not wait on the database the stream reads from (write to
// a file or a socket; queue anything else after the stream).
func (s *Service) AudienceWith(ctx context.Context, topic, channel string, opts AudienceOptions, fn func(Recipient) error) error {
	links := opts.Links
	if links == nil {
		if l, ok := any(s).(interface {
			UnsubscribeLinks(int64, string) (string, string, string)
		}); ok {
			links = l.UnsubscribeLinks
		}
	}
	suppress := s.suppression
	if opts.Suppression != nil {
		suppress = opts.Suppression
	}
	query, args := s.audienceQuery(topic, channel, suppress)
	if channel != models.ChannelEmail {
		// The unsubscribe links and headers stop an email topic; an SMS
		// or a letter carries its own way out.
		links = nil
	}
	if s.Dialect != models.Postgres {
		return streamAudience(s.DB.WithContext(ctx), s.log(), query, args, topic, links, fn)
	}
	// PostgreSQL's default work_mem (4MB) sends the hash joins and the
	// sort of a large audience to disk in batches; the statement gets
	// more, for its transaction only (read only: a snapshot of the
	// audience, nothing written).
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET TRANSACTION READ ONLY").Error; err != nil {
			return fmt.Errorf("consent: audience: %w", err)
		}
		if err := tx.Exec("SET LOCAL work_mem = '" + audienceWorkMem + "'").Error; err != nil {
			return fmt.Errorf("consent: audience: %w", err)
		}
		return streamAudience(tx, s.log(), query, args, topic, links, fn)
	})
}

// audienceWorkMem is the memory PostgreSQL may use per sort or hash of
// the audience statement: a million customers' audience fits.
const audienceWorkMem = "64MB"

func streamAudience(db *gorm.DB, log *slog.Logger, query string, args []any, topic string, links LinksFunc, fn func(Recipient) error) error {
	rows, err := db.Raw(query, args...).Rows()
	if err != nil {
		return fmt.Errorf("consent: audience: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var r Recipient
		if err := rows.Scan(&r.SubjectID, &r.Email, &r.Name, &r.Locale); err != nil {
			return fmt.Errorf("consent: audience: %w", err)
		}
		if links != nil {
			r.UnsubscribeURL, r.ListUnsubscribe, r.ListUnsubscribePost = links(r.SubjectID, topic)
		}
		if err := fn(r); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("consent: audience: %w", err)
	}
	// Counts only: who was in it is the mailing tool's to keep.
	log.Info("audience streamed", "topic", topic, "recipients", n)
	return nil
}

// audienceQuery is the audience statement. It starts from the
// projection's idx_consent_states_audience (purpose, topic, channel,
// status) and reaches the other tables by key; the exclusions are
// uncorrelated NOT IN lists (the objections' and restrictions' ids,
// built once: a hash on PostgreSQL, an ephemeral index on SQLite), not
// subqueries run per row, so marketing_objections needs no index on
// user_id and the cost follows the audience plus the exclusion lists.
func (s *Service) audienceQuery(topic, channel string, suppress func() (string, []any)) (string, []any) {
	// Born on or before this day: of age today (birth dates are
	// YYYY-MM-DD text, which compares as dates).
	bornBy := s.now().AddDate(-s.consentAge(), 0, 0).Format("2006-01-02")
	var b strings.Builder
	b.WriteString(`SELECT cs.subject_id, u.email, u.name,
  CASE WHEN u.locale <> '' THEN u.locale ELSE COALESCE(p.preferred_language, '') END
FROM consent_states cs
JOIN consent_subjects sub ON sub.id = cs.subject_id
JOIN users u ON u.id = sub.user_id
LEFT JOIN profiles p ON p.user_id = u.id
WHERE cs.purpose = ? AND cs.topic = ? AND cs.channel = ? AND cs.status = ?
  AND sub.user_id NOT IN (SELECT o.user_id FROM marketing_objections o WHERE o.user_id IS NOT NULL)
  AND u.email NOT IN (SELECT o.email FROM marketing_objections o)
  AND sub.user_id NOT IN (SELECT r.user_id FROM restrictions r WHERE r.lifted_at IS NULL AND r.category IN ` + restrictsMarketing + `)
  AND (p.birth_date IS NULL OR p.birth_date = '' OR p.birth_date <= ?)`)
	args := []any{models.PurposeMarketing, topic, channel, models.ConsentGranted, bornBy}
	if cond, more := suppress(); cond != "" {
		b.WriteString("\n  AND NOT (" + cond + ")")
		args = append(args, more...)
	}
	b.WriteString("\nORDER BY cs.subject_id")
	return b.String(), args
}

// suppression is the suppression list's condition on the audience row
// (u: users, sub: consent_subjects, cs: consent_states), true for a
// person who must never be sent marketing again. The list holds keyed
// hashes, which SQL cannot compute from u.email, so the condition reads
// the mark Suppress leaves on the ledger subject of an account holding
// a suppressed address (suppress.go): an uncorrelated IN list, like the
// other exclusions. Every other way to a granted state for a suppressed
// address is refused (the opt-in paths check Suppressed), and an erased
// person's subject has no account, so it is never in the audience.
func (s *Service) suppression() (string, []any) {
	return "sub.email_hash IS NOT NULL AND sub.email_hash IN (SELECT x.hash FROM suppressions x)", nil
}
