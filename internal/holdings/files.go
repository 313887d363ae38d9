package holdings

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DropFile lists a vault file for deletion, in the transaction that
// deletes its row: the file goes after the commit (PurgeFiles), and a
// crash in between leaves it listed rather than forgotten on disk.
func DropFile(tx *gorm.DB, key string, now time.Time) error {
	if key == "" {
		return nil
	}
	err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&models.VaultDeletion{FileKey: key, CreatedAt: now}).Error
	if err != nil {
		return fmt.Errorf("holdings: drop file: %w", err)
	}
	return nil
}

// PurgeFiles deletes the listed vault files, then their rows, at most
// limit of them (0: all); it returns how many it deleted. Erasure calls it
// after each category's commit, retention after each batch, and both
// again at their next run, so a crash costs nothing but a delay.
func PurgeFiles(ctx context.Context, db *gorm.DB, v *vault.Vault, limit int) (int, error) {
	n := 0
	for {
		var keys []string
		q := db.WithContext(ctx).Model(&models.VaultDeletion{}).Order("file_key")
		batch := 500
		if limit > 0 && limit-n < batch {
			batch = limit - n
		}
		if batch <= 0 {
			return n, nil
		}
		if err := q.Limit(batch).Pluck("file_key", &keys).Error; err != nil {
			return n, fmt.Errorf("holdings: purge files: %w", err)
		}
		if len(keys) == 0 {
			return n, nil
		}
		for _, k := range keys {
			if err := v.Delete(k); err != nil {
				return n, err
			}
		}
		if err := db.WithContext(ctx).Where("file_key IN ?", keys).Delete(&models.VaultDeletion{}).Error; err != nil {
			return n, fmt.Errorf("holdings: purge files: %w", err)
		}
		n += len(keys)
	}
}
