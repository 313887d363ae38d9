package holdings

import (
	"context"
	"fmt"

	"github.com/photolab/privacyportal/models"
)

// KeyLogins is the customer's sign-in history: when, how, from which IP
// and user agent. internal/auth writes it; the customer reads it here.
const KeyLogins = "logins"

type loginsCategory struct{}

func (loginsCategory) Key() string      { return KeyLogins }
func (loginsCategory) Path() string     { return "/account/data/logins" }
func (loginsCategory) Tables() []string { return []string{"login_events", "sessions"} }

func (loginsCategory) Tally() Tally {
	return counted
}

// Logins returns one page of the customer's sign-in history, newest first.
func (s *Store) Logins(ctx context.Context, userID int64, limit, offset int) ([]models.LoginEvent, int64, error) {
	rows, total, err := list[models.LoginEvent](ctx, s.DB, KeyLogins, userID, "created_at DESC, id DESC", limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: logins: %w", err)
	}
	return rows, total, nil
}

// Correctable: none. The sign-in history is a security log of what the
// server saw; rewriting it would defeat its purpose.
func (loginsCategory) Correctable() []Correctable { return nil }

// Export: the sign-in history, and the sessions open now (the Security
// page lists and ends them).
func (loginsCategory) Export() []Set {
	from, args := byUser("login_events")
	sessions, _ := byUser("sessions")
	return []Set{
		{Name: "events", Table: "login_events", From: from, Args: args,
			Fields: []Field{f("id", FieldInt), f("created_at", FieldTime), f("event", FieldString), f("method", FieldString),
				f("ip", FieldString), f("user_agent", FieldString)},
			Excluded: map[string]string{"user_id": "the account the export is for"}},
		{Name: "sessions", Table: "sessions", From: sessions, Args: args,
			Fields: []Field{fn("created_at", FieldTime), f("last_seen_at", FieldTime), f("expires_at", FieldTime),
				f("ip", FieldString), f("user_agent", FieldString)},
			Excluded: map[string]string{
				"id":         "the portal's number for the session",
				"user_id":    "the account the export is for",
				"token_hash": "the hash of the session's cookie: a credential",
				"data":       "the session's working state (a sign-in step, a one-time message); read by the portal between two pages, not information about the customer",
			}},
	}
}

// Erasure: the sign-in history, the sessions and the codes go.
func (loginsCategory) Erasure() Erasure {
	return Erasure{Default: models.StrategyDelete, Allowed: []string{models.StrategyDelete}}
}

func (loginsCategory) Erase(job EraseJob) (Outcome, error) { return eraseLogins(job) }

// Expiries: the sign-in history goes after retention.logins (12 months),
// except each customer's newest sign-in: the dormant-account rule
// (years without a sign-in or an order) could not tell an account in use
// from a forgotten one without it. A session goes once it has expired (it
// can no longer be used).
func (loginsCategory) Expiries() []Expiry {
	return []Expiry{
		{Name: "login_events", Table: "login_events", Key: "id",
			Where: "t.created_at < ? AND (t.event <> 'signin' OR EXISTS (SELECT 1 FROM login_events n" +
				" WHERE n.user_id = t.user_id AND n.event = 'signin' AND n.created_at > t.created_at))",
			PeriodSetting: "retention.logins", UserColumn: "user_id"},
		{Name: "sessions_expired", Table: "sessions", Key: "id", Where: "t.expires_at < ?", UserColumn: "user_id"},
	}
}
