package holdings

import (
	"context"
	"errors"
	"fmt"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// KeyPhotos is the customer's uploaded photos. The rows name the files;
// the files themselves are encrypted in the vault under FileKey and
// ThumbKey, which erasure and retention must remove with the row.
const KeyPhotos = "photos"

type photosCategory struct{}

func (photosCategory) Key() string      { return KeyPhotos }
func (photosCategory) Path() string     { return "/account/data/photos" }
func (photosCategory) Tables() []string { return []string{"photos"} }

func (photosCategory) Tally() Tally {
	return counted
}

// Photos returns one page of the customer's photos, newest first.
func (s *Store) Photos(ctx context.Context, userID int64, limit, offset int) ([]models.Photo, int64, error) {
	rows, total, err := list[models.Photo](ctx, s.DB, KeyPhotos, userID, "uploaded_at DESC, id DESC", limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("holdings: photos: %w", err)
	}
	return rows, total, nil
}

// Photo returns one of the customer's photos. Another customer's photo is
// ErrNotFound, exactly like a photo that does not exist.
func (s *Store) Photo(ctx context.Context, userID, photoID int64) (models.Photo, error) {
	var p models.Photo
	err := s.DB.WithContext(ctx).Where("id = ? AND user_id = ?", photoID, userID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Photo{}, ErrNotFound
	}
	if err != nil {
		return models.Photo{}, fmt.Errorf("holdings: photo: %w", err)
	}
	return p, nil
}

// Correctable: none. Photos are files the customer uploaded; they delete
// or replace them, there is no value to correct.
func (photosCategory) Correctable() []Correctable { return nil }

// Export: every photo's details, and the original file itself in the
// ZIP's photos/ folder under a name the portal makes (Files).
func (photosCategory) Export() []Set {
	from, args := byUser("photos")
	return []Set{{Name: "photos", Table: "photos", From: from, Args: args, FileColumn: "file_key",
		Fields: []Field{f("id", FieldInt), fn("order_id", FieldInt), f("filename", FieldString), f("content_type", FieldString),
			f("size_bytes", FieldInt), f("width", FieldInt), f("height", FieldInt), f("uploaded_at", FieldTime), fn("paid_at", FieldTime)},
		Excluded: map[string]string{
			"user_id":   "the account the export is for",
			"file_key":  "the encrypted store's name for the file; the file itself is in photos/, named in the record's file",
			"thumb_key": "the store's name for the thumbnail, a smaller copy made by the portal from the original, which is included",
		}}}
}

// Erasure: the rows go, and their files after the commit.
func (photosCategory) Erasure() Erasure {
	return Erasure{Default: models.StrategyDelete, Allowed: []string{models.StrategyDelete}}
}

func (photosCategory) Erase(job EraseJob) (Outcome, error) { return erasePhotos(job) }

// Expiries: a printed photo goes six months after its payment, one never
// paid for six months after its upload; the files go with the row.
func (photosCategory) Expiries() []Expiry {
	files := []string{"file_key", "thumb_key"}
	return []Expiry{
		{Name: "photos_paid", Table: "photos", Key: "id", Where: "t.paid_at IS NOT NULL AND t.paid_at < ?",
			PeriodSetting: "retention.photos_paid", UserColumn: "user_id", FileColumns: files},
		{Name: "photos_unordered", Table: "photos", Key: "id", Where: "t.paid_at IS NULL AND t.uploaded_at < ?",
			PeriodSetting: "retention.photos_unordered", UserColumn: "user_id", FileColumns: files},
	}
}
