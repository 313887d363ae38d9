package holdings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// tr is one text in the three languages the portal ships with.
type tr struct{ en, fr, zh string }

// JSON renders the text as the {"en","fr","zh-CN"} object the text columns
// hold. HTML escaping is off: the texts are rendered by templates, which
// escape, and an admin editing "&" should see "&", not "\u0026".
func (t tr) JSON() string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	m := map[string]string{"en": t.en, "fr": t.fr, "zh-CN": t.zh}
	if err := enc.Encode(m); err != nil {
		panic(err) // a map of strings always encodes
	}
	return string(bytes.TrimSpace(b.Bytes()))
}

type purposeSeed struct {
	basis models.LawfulBasis
	text  tr
}

type categorySeed struct {
	key           string
	name, desc    tr
	retention     tr
	retentionDays int
	source        tr
	recipients    tr
	customerEdits bool
	purposes      []purposeSeed
}

// SeedCategories adds the standard categories that are missing, each with
// its purposes. A category that already exists is left as it is, with its
// purposes: admins edit these texts as data, and reseeding the demo or
// restarting must not undo their edits. Running it twice changes nothing.
func SeedCategories(ctx context.Context, db *gorm.DB) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := time.Now().UTC()
		for i, c := range categorySeeds {
			cat := models.DataCategory{
				Key:           c.key,
				Sort:          (i + 1) * 10,
				Name:          c.name.JSON(),
				Description:   c.desc.JSON(),
				RetentionText: c.retention.JSON(),
				RetentionDays: c.retentionDays,
				Source:        c.source.JSON(),
				Recipients:    c.recipients.JSON(),
				CustomerEdits: c.customerEdits,
				UpdatedAt:     now,
			}
			res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(&cat)
			if res.Error != nil {
				return fmt.Errorf("holdings: seed category %s: %w", c.key, res.Error)
			}
			if res.RowsAffected == 0 {
				continue // already there
			}
			purposes := make([]models.DataPurpose, len(c.purposes))
			for j, p := range c.purposes {
				purposes[j] = models.DataPurpose{CategoryID: cat.ID, Sort: (j + 1) * 10, Basis: p.basis, Text: p.text.JSON()}
			}
			if len(purposes) > 0 {
				if err := tx.Create(&purposes).Error; err != nil {
					return fmt.Errorf("holdings: seed purposes of %s: %w", c.key, err)
				}
			}
		}
		return nil
	})
}

// DemoPolicyVersion is the version number of the demo shop's policy, in
// the numbering the seeds use.
const DemoPolicyVersion = "V.100000002"

// SeedPolicy publishes the demo shop's privacy policy if it is not there.
func SeedPolicy(ctx context.Context, db *gorm.DB) error {
	db = db.WithContext(ctx)
	var existing models.PolicyVersion
	err := db.Where("version = ?", DemoPolicyVersion).Take(&existing).Error
	if err == nil {
		return nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("holdings: seed policy: %w", err)
	}
	v := models.PolicyVersion{
		Version:     DemoPolicyVersion,
		PublishedAt: time.Date(2025, time.January, 15, 9, 0, 0, 0, time.UTC),
		Body:        demoPolicy.JSON(),
	}
	err = db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "version"}}, DoNothing: true}).Create(&v).Error
	if err != nil {
		return fmt.Errorf("holdings: seed policy: %w", err)
	}
	return nil
}
