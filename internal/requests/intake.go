package requests

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Filing is what a signed-in customer asks for.
type Filing struct {
	Kind    models.RequestKind
	Details string
	// Categories names registry keys for a restriction, an objection or
	// an erasure; empty means all.
	Categories      []string
	ObjectionGround string // models.ObjectMarketing or models.ObjectLegitimate, for an objection
	// Corrections are a rectification's structured changes (checked by
	// checkCorrections, stored with the request).
	Corrections []models.RequestCorrection
}

// MaxDetails is the longest free text a request or a message may carry,
// in characters.
const MaxDetails = 4000

// KindTakesCategories reports whether a kind may name categories (the
// others are about all the customer's data, or name fields instead).
func KindTakesCategories(k models.RequestKind) bool {
	return k == models.RequestRestriction || k == models.RequestErasure || k == models.RequestObjection
}

// checkFiling is the validation every channel shares: field → message id.
// hasCorrections says a rectification names its changes structurally, so
// its details may stay empty.
func checkFiling(kind models.RequestKind, details string, categories []string, ground string, hasCorrections bool) map[string]string {
	errs := map[string]string{}
	if !slices.Contains(models.RequestKinds, kind) {
		errs["kind"] = "request.error.kind"
		return errs
	}
	if utf8.RuneCountInString(details) > MaxDetails {
		errs["details"] = "request.error.details_too_long"
	}
	if kind == models.RequestRectification && !hasCorrections && strings.TrimSpace(details) == "" {
		errs["details"] = "request.error.details_required"
	}
	if len(categories) > 0 && !KindTakesCategories(kind) {
		errs["categories"] = "request.error.category"
	}
	for _, c := range categories {
		if _, ok := holdings.Lookup(c); !ok {
			errs["categories"] = "request.error.category"
		}
	}
	if kind == models.RequestObjection {
		switch ground {
		case models.ObjectMarketing:
		case models.ObjectLegitimate:
			// Art. 21(1): grounds relating to the person's particular
			// situation; staff cannot weigh what is not said.
			if strings.TrimSpace(details) == "" {
				errs["details"] = "request.error.details_required"
			}
		default:
			errs["objection_ground"] = "request.error.ground_required"
		}
	} else if ground != "" {
		errs["objection_ground"] = "request.error.ground_required"
	}
	return errs
}

// cleanCategories trims, drops empties and duplicates, keeping order.
func cleanCategories(in []string) []string {
	var out []string
	for _, c := range in {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func (s *Service) jurisdiction() string { return settings.RequestJurisdiction.Get(s.Settings) }

// newRequest is a request received now, with its first deadline.
func (s *Service) newRequest(kind models.RequestKind, channel, details string, categories []string, ground string) models.PrivacyRequest {
	now := s.now()
	j := s.jurisdiction()
	due := FirstDue(j, now)
	return models.PrivacyRequest{Kind: kind, Channel: channel, Jurisdiction: j, Details: strings.TrimSpace(details),
		Categories: strings.Join(categories, ","), ObjectionGround: ground, ReceivedAt: now, FirstDueAt: due, DueAt: due}
}

// FileAsCustomer files a request of the signed-in customer userID: the
// recent re-authentication the route asks for verifies them (unless a
// rule wants an ID document), a second open request of the same kind is
// marked a duplicate of the first, and a repeat inside 12 months is
// flagged for staff.
func (s *Service) FileAsCustomer(ctx context.Context, a actor.Actor, userID int64, f Filing) (models.PrivacyRequest, error) {
	if err := a.MayActOn(userID); err != nil {
		return models.PrivacyRequest{}, err
	}
	if a.Kind != actor.Customer {
		return models.PrivacyRequest{}, ErrNotYours
	}
	f.Categories = cleanCategories(f.Categories)
	if f.Kind != models.RequestObjection {
		f.ObjectionGround = ""
	}
	if errs := checkFiling(f.Kind, f.Details, f.Categories, f.ObjectionGround, len(f.Corrections) > 0); len(errs) > 0 {
		return models.PrivacyRequest{}, fault.InvalidFields("requests: invalid filing", errs)
	}
	if f.Kind != models.RequestRectification {
		f.Corrections = nil
	}
	r := s.newRequest(f.Kind, models.ChannelPortal, f.Details, f.Categories, f.ObjectionGround)
	r.UserID = &userID
	err := s.within(ctx, func(tx *gorm.DB) error {
		var u models.User
		if err := tx.Take(&u, "id = ? AND role = ?", userID, models.RoleCustomer).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return fmt.Errorf("requests: file: %w", err)
		}
		var p models.Profile
		if err := tx.Where("user_id = ?", userID).Limit(1).Find(&p).Error; err != nil {
			return fmt.Errorf("requests: file: %w", err)
		}
		r.RequesterEmail = u.Email
		r.RequesterName = requesterName(u, p)
		r.Locale = firstOf(p.PreferredLanguage, u.Locale, a.Locale)
		// A rectification is structured: it names what to correct. Other
		// kinds carry no corrections.
		switch {
		case f.Kind == models.RequestRectification:
			if err := s.checkCorrections(tx, userID, f.Corrections); err != nil {
				return err
			}
		case len(f.Corrections) > 0:
			return fault.InvalidFields("requests: corrections on another kind", map[string]string{"kind": MsgNoCorrections})
		}
		rule := settings.VerifyPortal[string(f.Kind)].Get(s.Settings)
		if rule == settings.VerifyDocument {
			r.DocumentRequired = true
			if settings.RequestPauseForIdentity.Get(s.Settings) {
				Pause(&r, r.ReceivedAt)
			}
		}
		if err := s.flagRepeat(tx, &r); err != nil {
			return err
		}
		if err := s.move(tx, a, &r, step{Action: ActFile}); err != nil {
			return err
		}
		for _, c := range f.Corrections {
			c.ID, c.RequestID, c.AppliedAt = 0, r.ID, nil
			if err := tx.Create(&c).Error; err != nil {
				return fmt.Errorf("requests: correction: %w", err)
			}
		}
		dup, err := s.markIfDuplicate(tx, &r)
		if err != nil || dup || rule == settings.VerifyDocument {
			return err
		}
		now := s.now()
		r.VerificationMethod, r.VerifiedAt = settings.VerifySession, &now
		return s.move(tx, actor.SystemActor(), &r, step{Action: ActVerify, Audit: map[string]string{"method": settings.VerifySession}})
	})
	if err != nil {
		return models.PrivacyRequest{}, err
	}
	return r, nil
}

func requesterName(u models.User, p models.Profile) string {
	if n := strings.TrimSpace(p.FirstName + " " + p.LastName); n != "" {
		return n
	}
	return u.Name
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// markIfDuplicate closes r as the duplicate of an open request of the
// same kind for the same customer, filed earlier; the mail names it.
func (s *Service) markIfDuplicate(tx *gorm.DB, r *models.PrivacyRequest) (bool, error) {
	if r.UserID == nil {
		return false, nil
	}
	var firsts []models.PrivacyRequest
	if err := tx.Where("user_id = ? AND kind = ? AND id <> ? AND status IN ?", *r.UserID, r.Kind, r.ID, openStatuses()).
		Order("id").Limit(1).Find(&firsts).Error; err != nil {
		return false, fmt.Errorf("requests: duplicates: %w", err)
	}
	if len(firsts) == 0 {
		return false, nil
	}
	first := firsts[0].ID
	r.DuplicateOfID = &first
	// The note is the requester's to read, in their language, on the
	// timeline and in the mail.
	note := i18n.Tl(i18n.Match(r.Locale), "myrequests.duplicate_note", "Number", Number(first))
	return true, s.move(tx, actor.SystemActor(), r, step{Action: ActMarkDuplicate, Note: note,
		Audit: map[string]string{"duplicate_of": fmt.Sprint(first)}})
}

func openStatuses() []string {
	out := make([]string, 0, len(open))
	for _, st := range open {
		out = append(out, string(st))
	}
	return out
}

// flagRepeat sets r.RepeatOfID from the customer's earlier requests.
func (s *Service) flagRepeat(tx *gorm.DB, r *models.PrivacyRequest) error {
	if r.UserID == nil || !isRequestToKnow(r.Kind) {
		return nil
	}
	var earlier []models.PrivacyRequest
	if err := tx.Select("id", "kind", "status", "received_at").
		Where("user_id = ? AND kind IN ? AND id <> ?", *r.UserID, []string{string(models.RequestAccess), string(models.RequestPortability)}, r.ID).
		Find(&earlier).Error; err != nil {
		return fmt.Errorf("requests: repeats: %w", err)
	}
	r.RepeatOfID = repeatOf(r.Jurisdiction, r.Kind, r.ReceivedAt, earlier)
	return nil
}

// isRequestToKnow: access and portability both give the person a copy
// of their data, so the yearly allowance counts them together.
func isRequestToKnow(k models.RequestKind) bool {
	return k == models.RequestAccess || k == models.RequestPortability
}

// repeatOf is the earlier request that makes a request of kind received
// at a repeat to flag for staff, or nil. GDPR Art. 15(3): the first copy
// is free and further copies may carry a fee, so any earlier request to
// know inside 12 months is flagged. CCPA §1798.130(b): a business need not
// answer more than twice in 12 months, so the third is flagged. Requests
// that were denied, cancelled, expired or duplicates gave nothing and do
// not count.
func repeatOf(jurisdiction string, kind models.RequestKind, at time.Time, earlier []models.PrivacyRequest) *int64 {
	if !isRequestToKnow(kind) {
		return nil
	}
	since := at.AddDate(-1, 0, 0)
	var counted []models.PrivacyRequest
	for _, e := range earlier {
		switch e.Status {
		case models.StatusDenied, models.StatusCancelled, models.StatusExpired, models.StatusDuplicate:
			continue
		}
		if !isRequestToKnow(e.Kind) || e.ReceivedAt.Before(since) || e.ReceivedAt.After(at) {
			continue
		}
		counted = append(counted, e)
	}
	free := 0
	if jurisdiction == models.JurisdictionCCPA {
		free = 1 // two in 12 months: this one is free while at most one came before
	}
	if len(counted) <= free {
		return nil
	}
	latest := counted[0]
	for _, e := range counted[1:] {
		if e.ReceivedAt.After(latest.ReceivedAt) || (e.ReceivedAt.Equal(latest.ReceivedAt) && e.ID > latest.ID) {
			latest = e
		}
	}
	id := latest.ID
	return &id
}
