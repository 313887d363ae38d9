package holdings

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// exec runs one statement of an erasure in the job's transaction and
// returns how many rows it touched.
func (job EraseJob) exec(what, sql string, args ...any) (int64, error) {
	res := job.Tx.Exec(sql, args...)
	if res.Error != nil {
		return 0, fmt.Errorf("holdings: erase %s: %w", what, res.Error)
	}
	return res.RowsAffected, nil
}

// deleteOwn deletes the customer's rows of a table keyed by user_id.
func (job EraseJob) deleteOwn(table string) (int64, error) {
	if job.UserID == 0 {
		return 0, nil
	}
	return job.exec(table, "DELETE FROM "+table+" WHERE user_id = ?", job.UserID)
}

// dropFiles lists the vault files named by columns of the rows selected
// by from (a FROM … WHERE clause with its arguments) for deletion after
// the commit. It reads keys in pages so a large photo library is not one
// slice of every key at once.
func (job EraseJob) dropFiles(from string, args []any, columns ...string) error {
	for _, c := range columns {
		var keys []string
		q := "SELECT " + c + " FROM " + from + " AND " + c + " <> ''"
		if err := job.Tx.Raw(q, args...).Scan(&keys).Error; err != nil {
			return fmt.Errorf("holdings: erase files: %w", err)
		}
		for _, k := range keys {
			if err := job.drop(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// drop lists one key: through the engine's DropFile, or straight into
// vault_deletions when the job has none (tests, replay).
func (job EraseJob) drop(key string) error {
	if job.DropFile != nil {
		return job.DropFile(key)
	}
	return DropFile(job.Tx, key, job.Now)
}

// likeJSON is a LIKE pattern matching s as a JSON string anywhere in a
// payload, with LIKE's wildcards escaped (addresses often hold '_').
func likeJSON(s string) string {
	b, _ := json.Marshal(s)
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(string(b)) + "%"
}

// normEmail is the form addresses are stored and compared in (the
// account's and the requests' intake normalize them alike), so lookups by
// address use their indexes.
func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// dialect helpers: the lower-cased comparison both engines index alike.
func lowerEq(column string) string { return "LOWER(" + column + ") = ?" }

// isPostgres tells the job's engine.
func (job EraseJob) isPostgres() bool { return job.Dialect == models.Postgres }

// reasonHeld and the other report reasons are message ids of the erasure
// report (the catalogs hold erasure.reason.*).
const (
	ReasonHeld        = "erasure.reason.held"
	ReasonBookkeeping = "erasure.reason.bookkeeping"
	ReasonRecord      = "erasure.reason.request_record"
	ReasonLedger      = "erasure.reason.consent_ledger"
	ReasonAccount     = "erasure.reason.account_kept"
)

// Count is how many rows of the customer a category holds now, for the
// report of a held category (nothing of it is erased).
func Count(tx *gorm.DB, e Entry, userID int64) (int64, error) {
	t := e.Tally()
	if t.Counted {
		return tallied(tx, userID, e.Key())
	}
	args := make([]any, t.Binds)
	for i := range args {
		args[i] = userID
	}
	var row struct {
		K string
		N int64
	}
	if err := tx.Raw("SELECT k, n FROM ("+t.SQL+") x", args...).Scan(&row).Error; err != nil {
		return 0, fmt.Errorf("holdings: count %s: %w", e.Key(), err)
	}
	return row.N, nil
}
