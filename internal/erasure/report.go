package erasure

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// MailReport is the erasure report mailed to the requester.
const MailReport = "erasure_report"

// Report is what an erasure did, per category in registry order: counts
// and reasons, never contents. Staff see it on the request; the requester
// receives it by mail.
type Report struct {
	Erasure models.Erasure
	Lines   []ReportLine
}

// ReportLine is one category of a report.
type ReportLine struct {
	Category string // registry key
	Name     string // the category's name in the report's language
	Strategy string
	Removed  int64
	Retained int64
	// Reason is the message id of why anything was retained ("" if
	// nothing was); Basis the legal basis text; Until the end of the
	// retention (nil: until a hold is released).
	Reason string
	Basis  string
	Until  *time.Time
}

// ReportFor is the report of the erasure of request id, for staff, in
// lang; found is false before the request was approved.
func (s *Service) ReportFor(ctx context.Context, a actor.Actor, requestID int64, lang string) (Report, bool, error) {
	if !a.IsStaff() {
		return Report{}, false, ErrNotFound
	}
	e, found, err := s.ForRequest(ctx, requestID)
	if err != nil || !found {
		return Report{}, false, err
	}
	r, err := s.report(s.DB.WithContext(ctx), e, lang)
	return r, true, err
}

// report reads e's steps as a report in lang.
func (s *Service) report(db *gorm.DB, e models.Erasure, lang string) (Report, error) {
	var steps []models.ErasureStep
	if err := db.Where("erasure_id = ?", e.ID).Find(&steps).Error; err != nil {
		return Report{}, fmt.Errorf("erasure: report %d: %w", e.ID, err)
	}
	var cats []models.DataCategory
	if err := db.Find(&cats).Error; err != nil {
		return Report{}, fmt.Errorf("erasure: report %d: %w", e.ID, err)
	}
	names := map[string]string{}
	for _, c := range cats {
		names[c.Key] = holdings.Localized(c.Name, lang)
	}
	byKey := map[string]models.ErasureStep{}
	for _, st := range steps {
		byKey[st.Category] = st
	}
	rep := Report{Erasure: e}
	for _, en := range holdings.Entries() {
		st, ok := byKey[en.Key()]
		if !ok {
			continue
		}
		name := names[en.Key()]
		if name == "" {
			name = en.Key()
		}
		rep.Lines = append(rep.Lines, ReportLine{Category: st.Category, Name: name, Strategy: st.Strategy, Removed: st.Removed,
			Retained: st.Retained, Reason: st.Reason, Basis: st.Basis, Until: st.RetainedUntil})
	}
	return rep, nil
}

// mailReport queues the erasure report to e.ReportEmail in its locale, in
// the run's final transaction. The mail forgets its address once
// delivered (mail.Message.Forget), and the erasure forgets it now: from
// here on the address is only in the outbox row, until it is sent.
func (s *Service) mailReport(tx *gorm.DB, e *models.Erasure) error {
	if e.ReportEmail == "" || s.Mailer == nil {
		return nil
	}
	lang := i18n.Match(e.ReportLocale)
	rep, err := s.report(tx, *e, lang)
	if err != nil {
		return err
	}
	type line struct {
		Name, Outcome string
	}
	var lines []line
	for _, l := range rep.Lines {
		lines = append(lines, line{Name: l.Name, Outcome: l.Outcome(lang)})
	}
	number := ""
	if e.RequestID != nil {
		number = requests.Number(*e.RequestID)
	}
	id, err := s.Mailer.Queue(tx, mail.Message{To: e.ReportEmail, Template: MailReport, Locale: lang, Forget: true,
		Data: map[string]any{"Number": number, "Lines": lines, "When": s.now().In(i18n.ShopZone())}})
	if err != nil {
		return fmt.Errorf("erasure: report %d: %w", e.ID, err)
	}
	e.ReportMailID, e.ReportEmail = &id, ""
	return tx.Model(&models.Erasure{}).Where("id = ?", e.ID).
		Updates(map[string]any{"report_mail_id": id, "report_email": "", "updated_at": s.now()}).Error
}

// Outcome says in lang what happened to a category: how many items were
// removed, and how many kept, why and until when.
func (l ReportLine) Outcome(lang string) string {
	out := i18n.Tl(lang, "erasure.report.removed", "Count", l.Removed)
	if l.Retained == 0 {
		return out
	}
	why := l.Reason
	if why == "" || !i18n.Has(why) {
		why = "erasure.reason.other"
	}
	kept := i18n.Tl(lang, "erasure.report.retained", "Count", l.Retained, "Reason", i18n.Tl(lang, why))
	if l.Until != nil {
		kept = i18n.Tl(lang, "erasure.report.retained_until", "Count", l.Retained, "Reason", i18n.Tl(lang, why),
			"Date", i18n.FormatDateTime(lang, *l.Until, i18n.ShopZone()))
	}
	return out + " " + kept
}
