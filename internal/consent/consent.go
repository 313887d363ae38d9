// Package consent holds marketing preferences: the topics, the
// append-only consent ledger with its projection, double opt-in,
// one-click unsubscribe tokens, and the audience query the shop's
// mailing tool reads. Every change is one transaction: the ledger
// events, their evidence and the projection together.
package consent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Service records and reads consent.
type Service struct {
	DB       *gorm.DB
	Dialect  models.Dialect
	Secrets  *vault.KeyRing // keys the email hashes and the mail tokens
	Settings *settings.Service
	Mailer   *mail.Mailer
	BaseURL  string
	Now      func() time.Time // nil: the wall clock
	Logger   *slog.Logger
	// Withdrawn hears every withdrawal Apply appends, in its transaction
	// before the commit (the erasure journal: suppress.go).
	Withdrawn func(tx *gorm.DB, w Withdrawal) error
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger.With("component", "consent")
	}
	return slog.Default().With("component", "consent")
}

// Choice is one thing a subject chooses: a purpose, and for marketing
// a topic and a channel.
type Choice struct {
	Purpose, Topic, Channel string
}

// Marketing is the choice of topic on channel.
func Marketing(topic, channel string) Choice {
	return Choice{Purpose: models.PurposeMarketing, Topic: topic, Channel: channel}
}

// Profiling and SaleShare are the two choices without topic or channel.
var (
	Profiling = Choice{Purpose: models.PurposeProfiling}
	SaleShare = Choice{Purpose: models.PurposeSaleShare}
)

// Change sets a choice to a status (models.ConsentGranted, Withdrawn or
// Pending).
type Change struct {
	Choice
	Status string
	// PendingUntil is when a pending opt-in expires.
	PendingUntil *time.Time
}

// Evidence is how a change was made: the method, the language of the
// page or mail, the exact wording shown beside the choice (hashed into
// the ledger), and the request's IP (truncated) and user agent, which
// go to the erasable side table.
type Evidence struct {
	Method    string
	Locale    string
	Wording   string
	IP        string
	UserAgent string
}

// WordingHash is the ledger's fingerprint of a wording.
func WordingHash(wording string) string {
	if wording == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(wording))
	return hex.EncodeToString(sum[:])
}

// TruncateIP keeps the network, not the host: an IPv4 address to its
// /24, an IPv6 one to its /48. Evidence enough of where a change came
// from, without pointing at one device.
func TruncateIP(ip string) string {
	parsed := net.ParseIP(strings.TrimSpace(ip))
	switch {
	case parsed == nil:
		return ""
	case parsed.To4() != nil:
		return parsed.Mask(net.CIDRMask(24, 32)).String()
	default:
		return parsed.Mask(net.CIDRMask(48, 128)).String()
	}
}

// SubjectOf is the ledger's subject for an account, created on first use.
func (s *Service) SubjectOf(tx *gorm.DB, userID int64) (int64, error) {
	var sub models.ConsentSubject
	if err := tx.Where("user_id = ?", userID).Limit(1).Find(&sub).Error; err != nil {
		return 0, fmt.Errorf("consent: subject: %w", err)
	}
	if sub.ID != 0 {
		return sub.ID, nil
	}
	// An address that opted out signed-out before it had an account (or
	// objected by email) keeps that choice: its subject becomes the
	// account's.
	var email string
	if err := tx.Model(&models.User{}).Where("id = ?", userID).Select("email").Scan(&email).Error; err != nil {
		return 0, fmt.Errorf("consent: subject: %w", err)
	}
	if email != "" {
		res := tx.Model(&models.ConsentSubject{}).Where("user_id IS NULL AND email_hash IN ?", s.Secrets.MACs("consent.email", normalize(email))).
			Update("user_id", userID)
		if res.Error != nil {
			return 0, fmt.Errorf("consent: subject: %w", res.Error)
		}
		if res.RowsAffected > 0 {
			if err := tx.Where("user_id = ?", userID).Take(&sub).Error; err != nil {
				return 0, fmt.Errorf("consent: subject: %w", err)
			}
			return sub.ID, nil
		}
	}
	uid := userID
	sub = models.ConsentSubject{UserID: &uid, CreatedAt: s.now()}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&sub).Error; err != nil {
		return 0, fmt.Errorf("consent: subject: %w", err)
	}
	if sub.ID == 0 { // created meanwhile by another transaction
		if err := tx.Where("user_id = ?", userID).Take(&sub).Error; err != nil {
			return 0, fmt.Errorf("consent: subject: %w", err)
		}
	}
	return sub.ID, nil
}

// normalize is the form of an address its hash is made of.
func normalize(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// EmailHash is the keyed hash standing for an address (current key).
func (s *Service) EmailHash(email string) string {
	return s.Secrets.MAC("consent.email", normalize(email))
}

// SubjectOfEmail is the subject standing for an address without an
// account (the signed-out opt-out), found by its hash under any key
// version, created on first use. An address of an account is that
// account's subject.
func (s *Service) SubjectOfEmail(tx *gorm.DB, email string) (int64, error) {
	var u models.User
	if err := tx.Where("email = ?", normalize(email)).Limit(1).Find(&u).Error; err != nil {
		return 0, fmt.Errorf("consent: subject: %w", err)
	}
	if u.ID != 0 {
		return s.SubjectOf(tx, u.ID)
	}
	var sub models.ConsentSubject
	if err := tx.Where("email_hash IN ?", s.Secrets.MACs("consent.email", normalize(email))).Limit(1).Find(&sub).Error; err != nil {
		return 0, fmt.Errorf("consent: subject: %w", err)
	}
	if sub.ID != 0 {
		return sub.ID, nil
	}
	h := s.EmailHash(email)
	sub = models.ConsentSubject{EmailHash: &h, CreatedAt: s.now()}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&sub).Error; err != nil {
		return 0, fmt.Errorf("consent: subject: %w", err)
	}
	if sub.ID == 0 { // the same new address in another transaction
		if err := tx.Where("email_hash = ?", h).Take(&sub).Error; err != nil {
			return 0, fmt.Errorf("consent: subject: %w", err)
		}
	}
	return sub.ID, nil
}

// lockSubject serializes changes to one subject: the current state is
// read and the events appended under it, so concurrent saves (two tabs,
// two instances) leave a ledger whose last event per choice is the
// state. SQLite's write transactions are serialized already.
func (s *Service) lockSubject(tx *gorm.DB, subjectID int64) error {
	if s.Dialect != models.Postgres {
		return nil
	}
	var id int64
	return tx.Raw("SELECT id FROM consent_subjects WHERE id = ? FOR UPDATE", subjectID).Scan(&id).Error
}

// restrictsMarketing lists, as SQL, the restricted categories that stop
// marketing (Art. 18): all the customer's data (”), the profile (the
// contact details marketing is sent to) and the consents themselves. A
// restriction of another category (survey answers being checked) does
// not.
const restrictsMarketing = "('', 'profile', 'consents')"

// ErrUnknownChoice is a change naming no known purpose, topic or channel.
var ErrUnknownChoice = errors.New("consent: unknown choice")

// Apply records changes for a subject in tx: for each change that
// differs from the current state, one ledger event, its evidence and the
// new state. A change to the state already held appends nothing, so a
// repeated click, or a mail provider retrying a one-click unsubscribe,
// leaves the ledger as it was. It returns the events appended.
func (s *Service) Apply(tx *gorm.DB, subjectID int64, changes []Change, ev Evidence) ([]models.ConsentEvent, error) {
	if err := s.lockSubject(tx, subjectID); err != nil {
		return nil, fmt.Errorf("consent: lock: %w", err)
	}
	current, err := states(tx, subjectID)
	if err != nil {
		return nil, err
	}
	policy, err := policyVersion(tx, s.now())
	if err != nil {
		return nil, err
	}
	var out []models.ConsentEvent
	now := s.now()
	ip, ua := TruncateIP(ev.IP), ev.UserAgent
	if len(ua) > 512 {
		ua = ua[:512]
	}
	for _, c := range changes {
		if !validStatus(c.Status) || c.Purpose == "" {
			return nil, ErrUnknownChoice
		}
		if cur, ok := current[c.Choice]; ok && cur.Status == c.Status {
			continue
		}
		if _, ok := current[c.Choice]; !ok && c.Status == models.ConsentWithdrawn && c.Purpose == models.PurposeMarketing {
			// Never given: withdrawing changes nothing, and proves nothing.
			continue
		}
		e := models.ConsentEvent{SubjectID: subjectID, Purpose: c.Purpose, Topic: c.Topic, Channel: c.Channel, Action: c.Status,
			Method: ev.Method, PolicyVersion: policy, WordingHash: WordingHash(ev.Wording), Locale: ev.Locale, At: now}
		if err := tx.Create(&e).Error; err != nil {
			return nil, fmt.Errorf("consent: event: %w", err)
		}
		if ip != "" || ua != "" {
			if err := tx.Create(&models.ConsentEvidence{EventID: e.ID, IP: ip, UserAgent: ua}).Error; err != nil {
				return nil, fmt.Errorf("consent: evidence: %w", err)
			}
		}
		st := models.ConsentState{SubjectID: subjectID, Purpose: c.Purpose, Topic: c.Topic, Channel: c.Channel, Status: c.Status,
			PendingUntil: c.PendingUntil, EventID: e.ID, UpdatedAt: now}
		// The state takes the event's time (UpdateAll would stamp the
		// upsert with the wall clock instead).
		if err := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "subject_id"}, {Name: "purpose"}, {Name: "topic"}, {Name: "channel"}},
			DoUpdates: clause.AssignmentColumns([]string{"status", "pending_until", "event_id", "updated_at"}),
		}).Create(&st).Error; err != nil {
			return nil, fmt.Errorf("consent: state: %w", err)
		}
		current[c.Choice] = st
		out = append(out, e)
	}
	if err := s.heardWithdrawals(tx, subjectID, out); err != nil {
		return nil, err
	}
	return out, nil
}

func validStatus(s string) bool {
	return s == models.ConsentGranted || s == models.ConsentWithdrawn || s == models.ConsentPending
}

// states is a subject's current state per choice.
func states(tx *gorm.DB, subjectID int64) (map[Choice]models.ConsentState, error) {
	var rows []models.ConsentState
	if err := tx.Where("subject_id = ?", subjectID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("consent: states: %w", err)
	}
	out := make(map[Choice]models.ConsentState, len(rows))
	for _, r := range rows {
		out[Choice{Purpose: r.Purpose, Topic: r.Topic, Channel: r.Channel}] = r
	}
	return out, nil
}

// States is a subject's current state per choice (a choice never made
// is absent: marketing off, profiling and sale allowed unless the rules
// for minors say otherwise).
func (s *Service) States(ctx context.Context, subjectID int64) (map[Choice]models.ConsentState, error) {
	return states(s.DB.WithContext(ctx), subjectID)
}

// policyVersion is the privacy policy version in force at now.
func policyVersion(tx *gorm.DB, now time.Time) (string, error) {
	var v models.PolicyVersion
	if err := tx.Where("published_at <= ?", now).Order("published_at DESC").Limit(1).Find(&v).Error; err != nil {
		return "", fmt.Errorf("consent: policy version: %w", err)
	}
	return v.Version, nil
}

// History is a subject's ledger, newest first, with the evidence kept.
type HistoryEntry struct {
	models.ConsentEvent
	IP, UserAgent string
	// TopicName is the topic's name by language (JSON), "" for none.
	TopicName string
}

// historyQuery is the ledger joined with its evidence and its topics'
// names: the one read behind the history page, the staff panel and the
// consent proof. extra adds select columns (", COUNT(*) OVER () …").
func historyQuery(db *gorm.DB, extra string) *gorm.DB {
	return db.Table("consent_events e").
		Select("e.*, COALESCE(v.ip, '') AS ip, COALESCE(v.user_agent, '') AS user_agent, COALESCE(ct.name, '') AS topic_name" + extra).
		Joins("LEFT JOIN consent_evidences v ON v.event_id = e.id").
		Joins("LEFT JOIN consent_topics ct ON ct.key = e.topic AND e.topic <> ''")
}

// History lists a subject's events, newest first (limit 0: all).
func (s *Service) History(ctx context.Context, subjectID int64, limit int) ([]HistoryEntry, error) {
	var out []HistoryEntry
	q := historyQuery(s.DB.WithContext(ctx), "").Where("e.subject_id = ?", subjectID).Order("e.at DESC, e.id DESC")
	if limit > 0 {
		q = q.Limit(limit)
	}
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("consent: history: %w", err)
	}
	return out, nil
}
