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

// tallied is the customer's number of rows in a counted category.
func tallied(db *gorm.DB, userID int64, key string) (int64, error) {
	var n []int64
	err := db.Table("holding_tallies").Where("user_id = ? AND category = ?", userID, key).Limit(1).Pluck("n", &n).Error
	if err != nil {
		return 0, fmt.Errorf("holdings: %s tally: %w", key, err)
	}
	if len(n) == 0 {
		return 0, nil
	}
	return n[0], nil
}
