package holdings

import (
	"fmt"

	"gorm.io/gorm"
)

// A counted category's number of rows per customer is kept in
// holding_tallies by triggers on its table (migration 00007), so neither
// the overview nor a list page counts a long history on every view, and
// every writer keeps it right: the portal, an import, a purge, an erasure
// or a cascade from a deleted account. The newest change is still read
// from the table: MAX over the (user_id, time) index is one index seek.

// countedTally is the Tally of a counted category: key names its row in
// holding_tallies, table and timeColumn where its newest change is.
func countedTally(key, table, timeColumn string) Tally {
	return Tally{SQL: `SELECT '` + key + `', COALESCE((SELECT n FROM holding_tallies WHERE user_id = ? AND category = '` + key + `'), 0), ` +
		`(SELECT MAX(` + timeColumn + `) FROM ` + table + ` WHERE user_id = ?)`, Binds: 2}
}

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
