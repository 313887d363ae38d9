package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/photolab/privacyportal/models"
)

// timeLayout fixes the hashed form of created_at: UTC, always six
// fractional digits, so the value read back hashes like the value written.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// hashOf is the row's chain hash: SHA-256 over a versioned encoding in
// which every field is length-prefixed, so no two different rows encode to
// the same bytes (moving a character from action to target_type changes
// the lengths). ID is left out: it is the database's, assigned after.
func hashOf(r *models.AuditEntry) string {
	actor := ""
	if r.ActorID != nil {
		actor = strconv.FormatInt(*r.ActorID, 10)
	}
	h := sha256.New()
	h.Write([]byte("audit-v1\n"))
	for _, f := range []string{
		r.PrevHash,
		r.CreatedAt.UTC().Format(timeLayout),
		actor,
		r.ActorRole,
		r.Action,
		r.TargetType,
		r.TargetID,
		r.IP,
		r.Details, // already canonical: JSON with sorted keys
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Report is what Verify found.
type Report struct {
	Checked  int64  // rows read, including the broken one
	BrokenID int64  // first row that fails; 0 if the chain is intact
	Reason   string // why BrokenID fails
	// LastHash is the hash of the newest row that passed (64 zeros for an
	// empty log). Recording it outside
	// the database (a ticket, a printout) lets a later Verify detect rows
	// cut from the end, which the chain alone cannot.
	LastHash string
}

// verifyBatch is how many rows Verify holds in memory at once.
const verifyBatch = 500

// Verify walks the whole chain in id order and reports the first row whose
// prev_hash is not the previous row's hash (a deleted or inserted row) or
// whose hash does not match its content (an edited row). Rows appended
// while it runs are checked too; the walk is not one snapshot, which is
// fine because appends only add to the end.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	return verifyBatches(ctx, l, verifyBatch)
}

func verifyBatches(ctx context.Context, l *Log, batch int) (Report, error) {
	rep := Report{LastHash: genesisHash}
	var afterID int64
	rows := make([]models.AuditEntry, 0, batch)
	for {
		rows = rows[:0]
		err := l.db.WithContext(ctx).Where("id > ?", afterID).Order("id").Limit(batch).Find(&rows).Error
		if err != nil {
			return rep, fmt.Errorf("audit: verify: %w", err)
		}
		for i := range rows {
			r := &rows[i]
			rep.Checked++
			switch {
			case r.PrevHash != rep.LastHash:
				rep.BrokenID, rep.Reason = r.ID, "prev_hash does not match the previous row's hash (a row was removed, inserted or re-hashed)"
			case hashOf(r) != r.Hash:
				rep.BrokenID, rep.Reason = r.ID, "hash does not match the row's content (the row was edited)"
			}
			if rep.BrokenID != 0 {
				return rep, nil
			}
			rep.LastHash = r.Hash
			afterID = r.ID
		}
		if len(rows) < batch {
			return rep, nil
		}
	}
}
