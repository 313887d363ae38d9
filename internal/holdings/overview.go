package holdings

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/photolab/privacyportal/models"
)

// overviewSQL is every registered category's tally as one UNION ALL
// statement: the kept tallies of the counted categories (one range of
// holding_tallies) and the others' own SELECTs. The overview is this one
// query (the categories are in memory), however much the customer has
// and however many categories there are.
var overviewSQL, overviewArgs = func() (string, int) {
	parts := []string{talliesSQL}
	n := 1
	for _, e := range registry {
		if t := e.Tally(); !t.Counted {
			parts = append(parts, t.SQL)
			n += t.Binds
		}
	}
	return strings.Join(parts, "\nUNION ALL\n"), n
}()

// ackKey marks the row of the union that carries the customer's
// acknowledgement of the policy in force (n is its version's id), so the
// overview page costs one statement besides the session. No category key
// has a colon.
const ackKey = "policy:ack"

// ackSQL is that row: present only if the customer acknowledged the
// version in force (its id is bound; 0 when there is none).
const ackSQL = `SELECT '` + ackKey + `', policy_version_id, acknowledged_at FROM policy_acks WHERE user_id = ? AND policy_version_id = ?`

// Overview returns one summary per category, in display order: how many of
// the customer's rows the category holds and when the newest changed.
// Categories added by an admin that no registry entry answers for show 0
// and have no page.
func (s *Store) Overview(ctx context.Context, userID int64) ([]Summary, error) {
	sums, _, _, err := s.OverviewAndPolicy(ctx, userID)
	return sums, err
}

// OverviewAndPolicy is Overview with what CurrentPolicy answers, read in
// the same statement: the overview page shows both.
func (s *Store) OverviewAndPolicy(ctx context.Context, userID int64) ([]Summary, *models.PolicyVersion, *models.PolicyAck, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	cats := snap.categories
	policy := snap.policyAt(s.now())
	var policyID int64
	if policy != nil {
		policyID = policy.ID
	}
	args := make([]any, overviewArgs, overviewArgs+2)
	for i := range args {
		args[i] = userID
	}
	args = append(args, userID, policyID)
	rows, err := s.DB.WithContext(ctx).Raw(overviewSQL+"\nUNION ALL\n"+ackSQL, args...).Rows()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("holdings: overview: %w", err)
	}
	defer rows.Close()
	found := make(map[string]Summary, len(registry))
	var ack *models.PolicyAck
	for rows.Next() {
		var k string
		var n int64
		var last dbTime
		if err := rows.Scan(&k, &n, &last); err != nil {
			return nil, nil, nil, fmt.Errorf("holdings: overview: %w", err)
		}
		if k == ackKey {
			ack = &models.PolicyAck{UserID: userID, PolicyVersionID: n, AcknowledgedAt: last.Time}
			continue
		}
		found[k] = Summary{Count: n, LastChange: last.ptr()}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("holdings: overview: %w", err)
	}
	out := make([]Summary, len(cats))
	for i, c := range cats {
		sum := found[c.Key]
		sum.Category = c
		if e, ok := Lookup(c.Key); ok {
			sum.Path = e.Path()
		}
		out[i] = sum
	}
	return out, policy, ack, nil
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

// dbTime scans a time column read by hand: a time from PostgreSQL and
// from SQLite's declared DATETIME columns, text where SQLite loses the
// declaration (through a CTE or an aggregate), or NULL.
type dbTime struct {
	Time  time.Time
	Valid bool
}

func (t *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*t = dbTime{}
		return nil
	case time.Time:
		*t = dbTime{Time: v.UTC(), Valid: true}
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("holdings: cannot scan %T as a time", v)
}

func (t *dbTime) parse(s string) error {
	parsed, err := parseDBTime(s)
	if err != nil {
		return err
	}
	*t = dbTime{Time: parsed, Valid: true}
	return nil
}

// ptr is the time for a nullable column.
func (t dbTime) ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}
