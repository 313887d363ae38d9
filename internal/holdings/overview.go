package holdings

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// overviewParts counts the customer's rows per category key. Each part is
// served by the (user_id, time) index of its table, and all of them run as
// one UNION ALL statement: the overview costs two queries (this one and
// the categories) however much the customer has.
var overviewParts = []struct {
	key, sql string
	args     int // how many times the user id is bound
}{
	{"profile", `SELECT 'profile' AS k,
		(SELECT COUNT(*) FROM profiles WHERE user_id = ?) + (SELECT COUNT(*) FROM addresses WHERE user_id = ?) AS n,
		(SELECT updated_at FROM profiles WHERE user_id = ?) AS last`, 3},
	{"orders", `SELECT 'orders', COUNT(*), MAX(placed_at) FROM orders WHERE user_id = ?`, 1},
	{"payments", `SELECT 'payments', COUNT(*), MAX(paid_at) FROM payments WHERE user_id = ?`, 1},
	{"photos", `SELECT 'photos', COUNT(*), MAX(uploaded_at) FROM photos WHERE user_id = ?`, 1},
	{"contact", `SELECT 'contact', COUNT(*), MAX(created_at) FROM contact_messages WHERE user_id = ?`, 1},
	{"surveys", `SELECT 'surveys', COUNT(*), MAX(answered_at) FROM survey_answers WHERE user_id = ?`, 1},
	{"logins", `SELECT 'logins', COUNT(*), MAX(created_at) FROM login_events WHERE user_id = ?`, 1},
}

var overviewSQL, overviewArgs = func() (string, int) {
	parts := make([]string, len(overviewParts))
	n := 0
	for i, p := range overviewParts {
		parts[i] = p.sql
		n += p.args
	}
	return strings.Join(parts, "\nUNION ALL\n"), n
}()

type overviewRow struct {
	K    string
	N    int64
	Last sql.NullString
}

// Overview returns one summary per category, in display order: how many of
// the customer's rows the category holds and when the newest changed.
// Categories added by an admin that the portal does not count show 0.
func (s *Store) Overview(ctx context.Context, userID int64) ([]Summary, error) {
	cats, err := s.Categories(ctx)
	if err != nil {
		return nil, err
	}
	args := make([]any, overviewArgs)
	for i := range args {
		args[i] = userID
	}
	rows, err := s.DB.WithContext(ctx).Raw(overviewSQL, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("holdings: overview: %w", err)
	}
	defer rows.Close()
	found := make(map[string]Summary, len(overviewParts))
	for rows.Next() {
		var r overviewRow
		if err := rows.Scan(&r.K, &r.N, &r.Last); err != nil {
			return nil, fmt.Errorf("holdings: overview: %w", err)
		}
		sum := Summary{Count: r.N}
		if r.K == "profile" {
			sum.Count = min(r.N, 1) // one profile, however many addresses
		}
		if r.Last.Valid {
			t, err := parseDBTime(r.Last.String)
			if err != nil {
				return nil, fmt.Errorf("holdings: overview: %w", err)
			}
			sum.LastChange = &t
		}
		found[r.K] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("holdings: overview: %w", err)
	}
	out := make([]Summary, len(cats))
	for i, c := range cats {
		sum := found[c.Key]
		sum.Category = c
		out[i] = sum
	}
	return out, nil
}

// An aggregate of a time column comes back as text from SQLite (the driver
// converts only declared DATETIME columns) and as a time from PostgreSQL,
// which database/sql renders as RFC 3339 when scanning into a string.
var dbTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02",
}

func parseDBTime(s string) (time.Time, error) {
	for _, layout := range dbTimeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}
