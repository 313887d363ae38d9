package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MailDormantWarning is the template of the warning before a dormant
// account is erased.
const MailDormantWarning = "dormant_warning"

// dormantUser is what the warning and the erasure need of an account.
type dormantUser struct {
	ID     int64
	Email  string
	Name   string
	Locale string
}

// Conditions on users u shared by the warning and the erasure: a
// customer with no sign-in and no order since the cutoff, no erasure
// under way, no legal hold and no restriction (retention never erases
// what a hold or a restriction keeps).
const (
	activeSince = ` AND NOT EXISTS (SELECT 1 FROM login_events l WHERE l.user_id = u.id AND l.event = ? AND l.created_at >= ?)` +
		` AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id AND o.placed_at >= ?)`
	untouchable = ` AND NOT EXISTS (SELECT 1 FROM erasures e WHERE e.user_id = u.id AND e.status IN ?)` +
		` AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.user_id = u.id AND h.released_at IS NULL)` +
		` AND NOT EXISTS (SELECT 1 FROM restrictions x WHERE x.user_id = u.id AND x.lifted_at IS NULL)`
)

// openErasures are the statuses of an erasure still to finish.
var openErasures = []models.ErasureStatus{models.ErasureCoolingOff, models.ErasureRunning, models.ErasureWaiting}

// dormantSQL selects the users to warn (notice false) or to erase
// (notice true: warned, their grace over), at most limit.
func dormantSQL(cutoff, now time.Time, notice bool, limit int) (string, []any) {
	q := `SELECT u.id, u.email, u.name, u.locale FROM users u WHERE u.role = ? AND u.created_at < ?`
	args := []any{models.RoleCustomer, cutoff}
	if notice {
		q += ` AND EXISTS (SELECT 1 FROM dormancy_notices n WHERE n.user_id = u.id AND n.erases_at <= ?)`
		args = append(args, now)
	} else {
		q += ` AND NOT EXISTS (SELECT 1 FROM dormancy_notices n WHERE n.user_id = u.id)`
	}
	q += activeSince + untouchable + ` ORDER BY u.id LIMIT ?`
	return q, append(args, auth.EventSignIn, cutoff, cutoff, openErasures, limit)
}

// revivedSQL deletes the notices of customers who signed in or ordered
// since their warning.
const revivedSQL = `DELETE FROM dormancy_notices WHERE user_id IN (SELECT n.user_id FROM dormancy_notices n WHERE` +
	` EXISTS (SELECT 1 FROM login_events l WHERE l.user_id = n.user_id AND l.event = ? AND l.created_at > n.warned_at)` +
	` OR EXISTS (SELECT 1 FROM orders o WHERE o.user_id = n.user_id AND o.placed_at > n.warned_at))`

// dormantCutoff is the last activity an account must not have had since
// to be dormant; ok is false when the rule is off.
func (s *Service) dormantCutoff(now time.Time) (time.Time, bool) {
	years := settings.RetentionDormantYears.Get(s.Settings)
	if years == 0 {
		return time.Time{}, false
	}
	return now.AddDate(-years, 0, 0), true
}

// dormant forgets the notices of accounts used again, warns the newly
// dormant accounts (a notice and a mail in their language) and starts the
// erasure of those warned whose grace is over.
func (s *Service) dormant(ctx context.Context, now time.Time, limit int, counts Counts) error {
	cutoff, on := s.dormantCutoff(now)
	if !on {
		return nil
	}
	db := s.DB.WithContext(ctx)
	res := db.Exec(revivedSQL, auth.EventSignIn)
	if res.Error != nil {
		return fmt.Errorf("retention: dormant notices: %w", res.Error)
	}
	counts["dormant_revived"] = res.RowsAffected
	grace := settings.RetentionDormantGrace.Get(s.Settings)
	var warn []dormantUser
	q, args := dormantSQL(cutoff, now, false, limit)
	if err := db.Raw(q, args...).Scan(&warn).Error; err != nil {
		return fmt.Errorf("retention: dormant accounts: %w", err)
	}
	for _, u := range warn {
		err := db.Transaction(func(tx *gorm.DB) error {
			n := models.DormancyNotice{UserID: u.ID, WarnedAt: now, ErasesAt: now.Add(grace)}
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&n)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			counts["dormant_warned"]++
			return s.warn(tx, u, n.ErasesAt)
		})
		if err != nil {
			return fmt.Errorf("retention: dormant warning: %w", err)
		}
	}
	if s.StartErasure == nil {
		return nil
	}
	var due []dormantUser
	q, args = dormantSQL(cutoff, now, true, limit)
	if err := db.Raw(q, args...).Scan(&due).Error; err != nil {
		return fmt.Errorf("retention: dormant erasures: %w", err)
	}
	for _, u := range due {
		if err := db.Transaction(func(tx *gorm.DB) error {
			return s.StartErasure(tx, u.ID, u.Email, u.Locale)
		}); err != nil {
			return fmt.Errorf("retention: dormant erasure: %w", err)
		}
		counts["dormant_erased"]++
	}
	return nil
}

// warn queues the warning mail, in tx with its notice.
func (s *Service) warn(tx *gorm.DB, u dormantUser, erasesAt time.Time) error {
	if s.Mailer == nil {
		return nil
	}
	_, err := s.Mailer.Queue(tx, mail.Message{To: u.Email, Template: MailDormantWarning, Locale: u.Locale,
		Data: map[string]any{"Name": u.Name, "ErasesAt": erasesAt, "Link": s.BaseURL + "/signin"}})
	return err
}
