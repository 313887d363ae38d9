package holdings

import (
	"fmt"

	"gorm.io/gorm"
)

// A counted category's number of rows per customer, and its newest
// change, are kept in holding_tallies by triggers on its table (migration
// 00007), so neither the overview nor a list page counts a long history
// or looks for its newest row on every view, and every writer keeps them
// right: the portal, an import, a purge, an erasure or a cascade from a
// deleted account. TestTalliesStayRight holds the triggers to the truth.

// counted is the Tally of a category whose rows the triggers count.
var counted = Tally{Counted: true}

// talliesSQL reads every counted category's tally of one customer: one
// range of the table's primary key.
const talliesSQL = `SELECT category, n, last_change FROM holding_tallies WHERE user_id = ?`

// countSQL is one customer's count in one counted category (0 when the
// customer has no row there yet); it binds the customer's id and the key.
const countSQL = `SELECT COALESCE((SELECT n FROM holding_tallies WHERE user_id = ? AND category = ?), 0)`

// tallied is the customer's number of rows in a counted category.
func tallied(db *gorm.DB, userID int64, key string) (int64, error) {
	var n int64
	if err := db.Raw(countSQL, userID, key).Row().Scan(&n); err != nil {
		return 0, fmt.Errorf("holdings: %s tally: %w", key, err)
	}
	return n, nil
}
