package export

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"slices"

	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// reportBatch is how many rows the report is handed at a time.
const reportBatch = 200

// writeReport streams index.html through the Reporter.
func (b *builder) writeReport(ctx context.Context, db *gorm.DB, zw *zip.Writer) error {
	b.progress(ctx, StepReport, 0, 0, true)
	if b.s.Report == nil {
		return fmt.Errorf("export: no report renderer wired")
	}
	f, err := zw.Create("index.html")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	ctx = i18n.WithZone(ctx, b.info.Zone)
	rep := b.s.Report
	if err := rep.Begin(ctx, w, b.info); err != nil {
		return err
	}
	batch := make([][]any, 0, reportBatch)
	for _, c := range b.cats {
		if err := rep.Category(ctx, w, c); err != nil {
			return err
		}
		for _, set := range c.Sets {
			if err := rep.SetStart(ctx, w, c, set); err != nil {
				return err
			}
			batch = batch[:0]
			err := b.each(ctx, db, set, func(rec []any) error {
				batch = append(batch, append([]any(nil), rec...))
				b.progress(ctx, StepReport, 1, 1, false)
				if len(batch) == reportBatch {
					err := rep.Rows(ctx, w, c, set, batch)
					batch = batch[:0]
					return err
				}
				return nil
			})
			if err != nil {
				return err
			}
			if len(batch) > 0 {
				if err := rep.Rows(ctx, w, c, set, batch); err != nil {
					return err
				}
			}
			if err := rep.SetEnd(ctx, w, c, set); err != nil {
				return err
			}
		}
		if err := rep.CategoryEnd(ctx, w, c); err != nil {
			return err
		}
	}
	if err := rep.End(ctx, w, b.info); err != nil {
		return err
	}
	return w.Flush()
}

// reportInfo gathers what the report says besides the rows.
func (s *Service) reportInfo(ctx context.Context, e *models.Export) (*ReportInfo, error) {
	info := &ReportInfo{GeneratedAt: s.now(), Locale: e.Locale, Zone: i18n.ShopZone(),
		AuthorityName: settings.RequestAuthorityName.Get(s.Settings), AuthorityURL: settings.RequestAuthorityURL.Get(s.Settings),
		AutomatedDecisions: settings.PrivacyAutomatedDecisions.Get(s.Settings),
		AutomatedLogic:     settings.PrivacyAutomatedLogic.Get(s.Settings), Transfers: settings.PrivacyTransfers.Get(s.Settings)}
	db := s.DB.WithContext(ctx)
	if e.UserID != nil {
		var u models.User
		if err := db.Where("id = ?", *e.UserID).Take(&u).Error; err != nil {
			return nil, fmt.Errorf("export: account: %w", err)
		}
		info.Email, info.Name = u.Email, u.Name
		if u.TimeZone != "" {
			info.Zone = i18n.LoadZone(u.TimeZone)
		}
	}
	if e.RequestID != nil {
		var r models.PrivacyRequest
		if err := db.Where("id = ?", *e.RequestID).Take(&r).Error; err != nil {
			return nil, fmt.Errorf("export: request: %w", err)
		}
		info.Request = &r
		if info.Email == "" {
			info.Email, info.Name = r.RequesterEmail, r.RequesterName
		}
	}
	if info.Locale == "" || !i18n.Valid(info.Locale) {
		info.Locale = "en"
	}
	cats, err := s.Holdings.Categories(ctx)
	if err != nil {
		return nil, err
	}
	include := map[string]bool{}
	for _, k := range splitKeys(e.Categories) {
		include[k] = true
	}
	for _, c := range cats {
		entry, ok := holdings.Lookup(c.Key)
		if !ok {
			continue
		}
		rc := &ReportCategory{Key: c.Key, Texts: c.In(info.Locale), Included: len(include) == 0 || include[c.Key]}
		for _, p := range c.Purposes {
			rc.Bases = append(rc.Bases, p.Basis)
		}
		for _, set := range entry.Export() {
			rs := &ReportSet{Set: set, FileIndex: -1}
			if set.FileColumn != "" {
				rs.FileIndex = len(set.Fields)
			}
			rc.Sets = append(rc.Sets, rs)
		}
		info.Categories = append(info.Categories, rc)
	}
	return info, nil
}

// withheld lists the subject's staff notes withheld under an exemption,
// read in the build's snapshot (db) so the report's list matches the
// notes data.json leaves without a body. Notes are the requests
// category's: a package without it withholds nothing.
func (b *builder) withheld(ctx context.Context, db *gorm.DB) error {
	if !slices.ContainsFunc(b.cats, func(c *ReportCategory) bool { return c.Key == holdings.KeyRequests }) {
		return nil
	}
	info, e := b.info, b.e
	var uid, rid int64
	if e.UserID != nil {
		uid = *e.UserID
	}
	if e.RequestID != nil {
		rid = *e.RequestID
	}
	var notes []models.RequestNote
	err := db.WithContext(ctx).Table("request_notes t").Select("t.*").
		Joins("JOIN privacy_requests r ON r.id = t.request_id").
		Where("(r.user_id = ? OR r.id = ?) AND t.withheld <> ''", uid, rid).Order("t.at, t.id").Find(&notes).Error
	if err != nil {
		return fmt.Errorf("export: withheld notes: %w", err)
	}
	for _, n := range notes {
		info.Withheld = append(info.Withheld, Withheld{RequestID: n.RequestID, At: n.At, Reason: n.Withheld})
	}
	return nil
}
