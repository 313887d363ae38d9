package export

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// MailReady is the "your data is ready" mail.
const MailReady = "export_ready"

// PageURL is the customer's page of package id.
func PageURL(id int64) string { return "/account/export/" + strconv.FormatInt(id, 10) }

// notifyReady mails "your data is ready" with the link and the expiry,
// in the package's language: to the account's email, or for a request
// without an account to the requester, with the request's status link.
// The expiry is shown in the recipient's zone (their profile's, else the
// shop's). The mail carries no data from the package: only where to get
// it, behind a sign-in or a fresh code.
func (s *Service) notifyReady(tx *gorm.DB, e *models.Export) error {
	if s.Mailer == nil || e.ExpiresAt == nil {
		return nil
	}
	to, name, zone := "", "", i18n.ShopZone()
	link, public, number := s.BaseURL+PageURL(e.ID), false, ""
	if e.UserID != nil {
		var u models.User
		if err := tx.Where("id = ?", *e.UserID).Take(&u).Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("export: notify %d: %w", e.ID, err)
		}
		to, name = u.Email, u.Name
		if u.TimeZone != "" {
			zone = i18n.LoadZone(u.TimeZone)
		}
	}
	if e.RequestID != nil {
		var r models.PrivacyRequest
		if err := tx.Where("id = ?", *e.RequestID).Take(&r).Error; err != nil {
			return fmt.Errorf("export: notify %d: request: %w", e.ID, err)
		}
		number = requests.Number(r.ID)
		// A request without an account is followed on its public page,
		// which asks for a fresh code. One matched to an account (the
		// public form's knowledge check) is answered in the account: the
		// package holds all of it, so it is behind the account's sign-in
		// (an emailed sign-in code works for a customer without a
		// password), never behind the mailed code alone.
		if r.UserID == nil {
			to, name, public = r.RequesterEmail, r.RequesterName, true
			link = s.BaseURL + "/requests/status/" + strconv.FormatInt(r.ID, 10)
		}
		if to == "" {
			to, name = r.RequesterEmail, r.RequesterName
		}
	}
	if to == "" {
		return nil // an account erased meanwhile: nobody to tell
	}
	data := map[string]any{"Name": name, "Link": link, "Public": public, "Number": number,
		"ExpiresAt": e.ExpiresAt.In(zone)}
	if _, err := s.Mailer.Queue(tx, mail.Message{To: to, Template: MailReady, Locale: e.Locale, Data: data}); err != nil {
		return fmt.Errorf("export: notify %d: %w", e.ID, err)
	}
	now := s.now()
	e.NotifiedAt = &now
	return tx.Model(&models.Export{}).Where("id = ?", e.ID).Update("notified_at", now).Error
}

// Resend mails "your data is ready" again for a ready package (staff: the
// customer lost the mail). A package past its expiry is ErrGone, one not
// ready ErrNotReady.
func (s *Service) Resend(ctx context.Context, a actor.Actor, exportID int64) error {
	if !a.IsStaff() {
		return requests.ErrStaffOnly
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		e, err := s.load(tx, exportID)
		if err != nil {
			return err
		}
		switch {
		case Expired(e, s.now()):
			return ErrGone
		case e.Status != models.ExportReady:
			return ErrNotReady
		}
		if err := audit.Append(tx, s.Dialect, audit.By(a, "export.resent", "export", strconv.FormatInt(e.ID, 10))); err != nil {
			return err
		}
		return s.notifyReady(tx, &e)
	})
}

// Expired reports whether e can no longer be downloaded at now: retired,
// or ready but past its expiry (the sweep may not have run yet).
func Expired(e models.Export, now time.Time) bool {
	return e.Status == models.ExportExpired || pastExpiry(e, now)
}

// pastExpiry is a ready package whose time is up: the one expiry rule
// of the pages, the download and the mail.
func pastExpiry(e models.Export, now time.Time) bool {
	return e.Status == models.ExportReady && e.ExpiresAt != nil && !now.Before(*e.ExpiresAt)
}

// Clock is the service's now, so pages agree with its expiries.
func (s *Service) Clock() time.Time { return s.now() }
