package requests

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Restriction grounds (models.Restriction.Ground).
const (
	groundRequest   = "request"   // an Art. 18 request, or an objection upheld
	groundObjection = "objection" // while an Art. 21(1) objection is weighed (Art. 18(1)(d))
)

// ReasonObjectionUpheld is the reason of a restriction that stays because
// staff upheld an objection on legitimate interests.
const ReasonObjectionUpheld = "objection_upheld"

// ErrNotStaff refuses anyone but staff (and admins) a staff-only action.
var ErrNotStaff = fault.New(fault.Forbidden, "requests: staff only")

func requireStaff(a actor.Actor) error {
	if !a.IsStaff() {
		return ErrNotStaff
	}
	return nil
}

// splitCategories reads a request's comma-separated registry keys.
func splitCategories(s string) []string {
	var out []string
	for _, c := range strings.Split(s, ",") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// restrict marks the categories r names (all the customer's data when it
// names none) as restricted on ground, once per category and request. A
// request about nobody the shop knows has nothing to restrict.
func (s *Service) restrict(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest, ground, reason string) error {
	if r.UserID == nil {
		return nil
	}
	cats := splitCategories(r.Categories)
	if len(cats) == 0 {
		cats = []string{""}
	}
	now := s.now()
	placed := false
	for _, c := range cats {
		var n int64
		if err := tx.Model(&models.Restriction{}).Where("request_id = ? AND category = ? AND lifted_at IS NULL", r.ID, c).
			Count(&n).Error; err != nil {
			return fmt.Errorf("requests: restrict: %w", err)
		}
		if n > 0 {
			continue
		}
		id := r.ID
		row := models.Restriction{UserID: *r.UserID, Category: c, RequestID: &id, Ground: ground, Reason: reason, PlacedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return fmt.Errorf("requests: restrict: %w", err)
		}
		e := audit.By(a, "restriction.placed", "user", strconv.FormatInt(*r.UserID, 10))
		e.Details = map[string]string{"restriction": strconv.FormatInt(row.ID, 10), "request": strconv.FormatInt(r.ID, 10),
			"category": c, "ground": ground}
		if err := audit.Append(tx, s.Dialect, e); err != nil {
			return err
		}
		placed = true
	}
	if placed {
		return s.passOn(tx, r, models.EventRestriction)
	}
	return nil
}

// Restrictions lists customer userID's restrictions, active and past,
// newest first, for staff.
func (s *Service) Restrictions(ctx context.Context, a actor.Actor, userID int64) ([]models.Restriction, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	var out []models.Restriction
	err := s.DB.WithContext(ctx).Where("user_id = ?", userID).Order("placed_at DESC, id DESC").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("requests: restrictions: %w", err)
	}
	return out, nil
}

// IsRestricted reports whether customer userID's data in category is
// restricted: by a restriction of that category or of all their data,
// not yet lifted (an announced lifting has not taken effect). Marketing
// and every processing beyond storage must ask it first.
func (s *Service) IsRestricted(ctx context.Context, userID int64, category string) (bool, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&models.Restriction{}).
		Where("user_id = ? AND lifted_at IS NULL AND (category = '' OR category = ?)", userID, category).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("requests: is restricted: %w", err)
	}
	return n > 0, nil
}

// ErrLiftAnnounced is returned when a restriction's lifting was already
// announced or done.
var ErrLiftAnnounced = fault.New(fault.Conflict, "requests: the restriction's lifting is already announced")

// LiftRestriction announces, for staff, that a restriction will be
// lifted: the requester is mailed first, and the lifting takes effect
// after the notice period (settings.RequestLiftNotice), done by LiftDue
// (Art. 18(3)).
func (s *Service) LiftRestriction(ctx context.Context, a actor.Actor, restrictionID int64) error {
	if err := requireStaff(a); err != nil {
		return err
	}
	return s.within(ctx, func(tx *gorm.DB) error {
		var row models.Restriction
		err := tx.Take(&row, "id = ?", restrictionID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("requests: lift: %w", err)
		}
		if row.LiftNoticeAt != nil || row.LiftedAt != nil {
			return ErrLiftAnnounced
		}
		return s.announceLift(tx, a, &row)
	})
}

// announceLift mails the requester that row will be lifted, then sets
// when: the mail is in the outbox before the lifting can happen.
func (s *Service) announceLift(tx *gorm.DB, a actor.Actor, row *models.Restriction) error {
	now := s.now()
	lifts := now.Add(settings.RequestLiftNotice.Get(s.Settings))
	to, name, locale, number, link, err := s.liftRecipient(tx, row)
	if err != nil {
		return err
	}
	if s.Mailer != nil && to != "" {
		lang := i18n.Match(locale)
		category := i18n.Tl(lang, "restriction.scope.all")
		if row.Category != "" {
			var names []string
			if err := tx.Model(&models.DataCategory{}).Where("key = ?", row.Category).Limit(1).Pluck("name", &names).Error; err != nil {
				return fmt.Errorf("requests: lift notice: %w", err)
			}
			category = row.Category
			if len(names) > 0 {
				category = holdings.Localized(names[0], lang)
			}
		}
		_, err := s.Mailer.Queue(tx, mail.Message{To: to, Template: "restriction_lift", Locale: locale,
			Data: map[string]any{"Name": name, "Number": number, "Category": category, "LiftsAt": lifts,
				"Link": link}})
		if err != nil {
			return fmt.Errorf("requests: lift notice %d: %w", row.ID, err)
		}
	}
	res := tx.Model(&models.Restriction{}).Where("id = ? AND lift_notice_at IS NULL AND lifted_at IS NULL", row.ID).
		Updates(map[string]any{"lift_notice_at": now, "lifts_at": lifts, "lifted_by_id": a.ID()})
	if res.Error != nil {
		return fmt.Errorf("requests: lift %d: %w", row.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrLiftAnnounced
	}
	row.LiftNoticeAt, row.LiftsAt, row.LiftedByID = &now, &lifts, a.ID()
	e := audit.By(a, "restriction.lift_announced", "user", strconv.FormatInt(row.UserID, 10))
	e.Details = map[string]string{"restriction": strconv.FormatInt(row.ID, 10), "category": row.Category,
		"lifts_at": lifts.Format("2006-01-02T15:04:05Z")}
	return audit.Append(tx, s.Dialect, e)
}

// liftRecipient is who is told of a lifting: the requester of the
// restriction's request, else the customer.
func (s *Service) liftRecipient(tx *gorm.DB, row *models.Restriction) (to, name, locale, number, link string, err error) {
	if row.RequestID != nil {
		r, err := load(tx, *row.RequestID)
		if err == nil {
			return r.RequesterEmail, r.RequesterName, r.Locale, Number(r.ID), s.linkFor(&r), nil
		}
		if !errors.Is(err, ErrNotFound) {
			return "", "", "", "", "", err
		}
	}
	var u models.User
	if err := tx.Select("email", "name", "locale").Take(&u, "id = ?", row.UserID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return "", "", "", "", "", nil
		}
		return "", "", "", "", "", fmt.Errorf("requests: lift recipient: %w", err)
	}
	return u.Email, u.Name, u.Locale, "", s.BaseURL + "/account/requests", nil
}

// LiftDue lifts the restrictions whose announced lifting has come. A
// rerun finds them lifted and does nothing.
func (s *Service) LiftDue(ctx context.Context) (int, error) {
	now := s.now()
	var due []models.Restriction
	err := s.DB.WithContext(ctx).Where("lifted_at IS NULL AND lift_notice_at IS NOT NULL AND lifts_at <= ?", now).
		Order("id").Limit(500).Find(&due).Error
	if err != nil {
		return 0, fmt.Errorf("requests: lift due: %w", err)
	}
	lifted := 0
	sys := actor.SystemActor()
	for _, row := range due {
		done := false
		err := s.within(ctx, func(tx *gorm.DB) error {
			res := tx.Model(&models.Restriction{}).Where("id = ? AND lifted_at IS NULL", row.ID).Update("lifted_at", now)
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			e := audit.By(sys, "restriction.lifted", "user", strconv.FormatInt(row.UserID, 10))
			e.Details = map[string]string{"restriction": strconv.FormatInt(row.ID, 10), "category": row.Category}
			done = true
			return audit.Append(tx, s.Dialect, e)
		})
		if err != nil {
			return lifted, fmt.Errorf("requests: lift %d: %w", row.ID, err)
		}
		// Counted once committed: a rolled-back lifting lifted nothing.
		if done {
			lifted++
		}
	}
	return lifted, nil
}
