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
func (loginsCategory) Tables() []string { return []string{"login_events"} }

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
