package requests

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The staff desk's actions. Each loads the request locked, changes what
// the action records, and takes its one step through move, which checks
// the transition table and that nobody changed the status meanwhile
// (ErrWrongState otherwise). Staff and admins only.

// Field errors of the desk's forms (message ids; the keys are the forms'
// field names).
var (
	ErrTextRequired     = fault.InvalidFields("requests: a text is required", map[string]string{"text": "desk.error.text_required"})
	ErrQuestionRequired = fault.InvalidFields("requests: a question is required", map[string]string{"question": "desk.error.question_required"})
	ErrBodyRequired     = fault.InvalidFields("requests: a text is required", map[string]string{"body": "desk.error.body_required"})
	ErrDuplicateOf      = fault.InvalidFields("requests: not another open request of the same person", map[string]string{"of": "desk.error.duplicate_of"})
	ErrAssignee         = fault.InvalidFields("requests: not a staff member", map[string]string{"assignee": "desk.error.assignee"})
)

// maxText bounds what staff type into one field.
const maxText = 10_000

// act runs fn on request id, loaded for a change, in one transaction, if
// a is staff.
func (s *Service) act(ctx context.Context, a actor.Actor, id int64, fn func(tx *gorm.DB, r *models.PrivacyRequest) error) error {
	if !a.IsStaff() {
		return ErrStaffOnly
	}
	return s.within(ctx, func(tx *gorm.DB) error {
		r, err := s.lockForUpdate(tx, id)
		if err != nil {
			return err
		}
		return fn(tx, &r)
	})
}

func clean(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxText {
		s = s[:maxText]
	}
	return s
}

// VerifyIdentity accepts the requester's identity: the evidence says
// staff decided (unless a method was recorded already), who and when; a
// paused clock runs again.
func (s *Service) VerifyIdentity(ctx context.Context, a actor.Actor, id int64, note string) error {
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		now := s.now()
		// Decided on an ID document, the evidence says so, even where an
		// earlier check (the one staff doubted) recorded its method.
		var docs int64
		if err := tx.Model(&models.RequestDocument{}).Where("request_id = ? AND purpose = ? AND destroyed_at IS NULL",
			r.ID, models.DocumentIdentity).Count(&docs).Error; err != nil {
			return err
		}
		switch {
		case docs > 0:
			r.VerificationMethod = settings.VerifyDocument
		case r.VerificationMethod == "":
			r.VerificationMethod = "staff"
		}
		if note = clean(note); note != "" {
			r.VerificationNote = note
		}
		r.VerifiedByID, r.VerifiedAt = a.ID(), &now
		Resume(r, now)
		if err := s.move(tx, a, r, step{Action: ActVerify, Audit: map[string]string{"method": r.VerificationMethod}}); err != nil {
			return err
		}
		return s.decideDocuments(tx, r)
	})
}

// RejectIdentity refuses the requester's identity, which denies the
// request (insufficient verification) with text, mailed to them.
func (s *Service) RejectIdentity(ctx context.Context, a actor.Actor, id int64, text string) error {
	text = clean(text)
	if text == "" {
		return ErrTextRequired
	}
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		r.DenyCode, r.DenyText = "insufficient_verification", text
		r.VerifiedByID = a.ID()
		Resume(r, s.now())
		if err := s.move(tx, a, r, step{Action: ActRejectIdentity, Note: text, Audit: map[string]string{"code": r.DenyCode}}); err != nil {
			return err
		}
		if err := s.afterDenied(tx, a, r); err != nil {
			return err
		}
		return s.decideDocuments(tx, r)
	})
}

// RequireDocument records staff's reasonable doubt about the requester's
// identity (Art. 12(6)) and asks for an ID document; the GDPR clock
// pauses meanwhile when the settings say so.
func (s *Service) RequireDocument(ctx context.Context, a actor.Actor, id int64, reason string) error {
	reason = clean(reason)
	if reason == "" {
		return ErrReasonRequired
	}
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		r.DoubtReason, r.DocumentRequired = reason, true
		r.VerifiedAt, r.VerifiedByID = nil, nil
		if settings.RequestPauseForIdentity.Get(s.Settings) {
			Pause(r, s.now())
		}
		return s.move(tx, a, r, step{Action: ActRequireDocument})
	})
}

// Ask writes question to the requester and waits for their answer.
func (s *Service) Ask(ctx context.Context, a actor.Actor, id int64, question string) error {
	question = clean(question)
	if question == "" {
		return ErrQuestionRequired
	}
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		// The question first, so the mail move sends can find it.
		if err := tx.Create(&models.RequestMessage{RequestID: r.ID, At: s.now(), AuthorKind: "staff", AuthorID: a.ID(), Body: question}).Error; err != nil {
			return err
		}
		return s.move(tx, a, r, step{Action: ActAsk})
	})
}

// handedOff are the kinds fulfilled by later services (export, erasure):
// approved, they wait for fulfilment.
var handedOff = []models.RequestKind{models.RequestAccess, models.RequestPortability, models.RequestErasure}

// Approve approves the request. The kinds answered here are carried out in
// the same transaction and the request completes; the others are handed
// off to wait for fulfilment.
func (s *Service) Approve(ctx context.Context, a actor.Actor, id int64) error {
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		// Quiet when the completion or hand-off that follows in this
		// transaction tells the requester, once, that it is approved; a
		// rectification in free text stays approved until staff complete
		// it, so its approval is mailed.
		quiet := true
		if r.Kind == models.RequestRectification {
			has, err := hasCorrections(tx, r.ID)
			if err != nil {
				return err
			}
			quiet = has
		}
		if err := s.move(tx, a, r, step{Action: ActApprove, Quiet: quiet}); err != nil {
			return err
		}
		handled, err := s.fulfil(tx, a, r)
		switch {
		case err != nil:
			return err
		case handled:
			err = s.move(tx, actor.SystemActor(), r, step{Action: ActComplete})
		case slices.Contains(handedOff, r.Kind):
			// An erasure goes ahead for everything but what a legal hold
			// keeps, and the requester is told what that is.
			var note string
			if note, err = s.heldNote(tx, r); err != nil {
				return err
			}
			if hn := s.HandoffNotes[r.Kind]; hn != nil {
				extra, err := hn(tx, r)
				if err != nil {
					return err
				}
				note = strings.TrimSpace(extra + "\n\n" + note)
			}
			if err = s.move(tx, actor.SystemActor(), r, step{Action: ActHandOff, Note: note}); err == nil {
				err = s.handOff(tx, r)
			}
		}
		if err != nil {
			return err
		}
		// Completed here, the request is closed: an agent's permission
		// goes with it.
		return s.decideDocuments(tx, r)
	})
}

// Deny refuses the request with a reason code (one of DenyCodes) and a
// text, both sent to the requester with their right to complain (Art.
// 12(4)).
func (s *Service) Deny(ctx context.Context, a actor.Actor, id int64, code, text string) error {
	text = clean(text)
	fields := map[string]string{}
	switch {
	case code == "":
		fields["code"] = "desk.error.code_required"
	case !slices.Contains(DenyCodes, code):
		fields["code"] = "desk.error.code_unknown"
	}
	if text == "" {
		fields["text"] = "desk.error.text_required"
	}
	if len(fields) > 0 {
		return fault.InvalidFields("requests: deny", fields)
	}
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		r.DenyCode, r.DenyText = code, text
		if err := s.move(tx, a, r, step{Action: ActDeny, Note: text, Audit: map[string]string{"code": code}}); err != nil {
			return err
		}
		if err := s.afterDenied(tx, a, r); err != nil {
			return err
		}
		return s.decideDocuments(tx, r)
	})
}

// Extend moves the deadline to newDue once, before the first deadline has
// passed, with a reason the requester is sent (see Extension).
func (s *Service) Extend(ctx context.Context, a actor.Actor, id int64, newDue time.Time, reason string) error {
	return s.extend(ctx, a, id, func(models.PrivacyRequest) time.Time { return newDue }, reason)
}

// ExtendToDay is Extend to a calendar day, at the time of day the current
// deadline falls on: what a date picker means, and the longest extension
// the law allows is then one of its days.
func (s *Service) ExtendToDay(ctx context.Context, a actor.Actor, id int64, day time.Time, reason string) error {
	return s.extend(ctx, a, id, func(r models.PrivacyRequest) time.Time {
		due := r.DueAt.UTC()
		return time.Date(day.Year(), day.Month(), day.Day(), due.Hour(), due.Minute(), due.Second(), due.Nanosecond(), time.UTC)
	}, reason)
}

func (s *Service) extend(ctx context.Context, a actor.Actor, id int64, newDue func(models.PrivacyRequest) time.Time, reason string) error {
	reason = clean(reason)
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		// The status first: a closed request says so, not "too late".
		if _, err := next(ActExtend, r.Status, partyOf(a)); err != nil {
			return err
		}
		now := s.now()
		due, err := Extension(*r, newDue(*r), reason, now)
		if err != nil {
			return err
		}
		r.DueAt, r.ExtendedAt, r.ExtensionReason = due, &now, reason
		return s.move(tx, a, r, step{Action: ActExtend, Note: reason, Audit: map[string]string{"due": due.Format(time.DateOnly)}})
	})
}

// MarkDuplicate closes the request as the same as ofID, another open
// request of the same person.
func (s *Service) MarkDuplicate(ctx context.Context, a actor.Actor, id, ofID int64) error {
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		if _, err := next(ActMarkDuplicate, r.Status, partyOf(a)); err != nil {
			return err
		}
		if ofID == r.ID || ofID <= 0 {
			return ErrDuplicateOf
		}
		of, err := load(tx, ofID)
		if errors.Is(err, ErrNotFound) {
			return ErrDuplicateOf
		}
		if err != nil {
			return err
		}
		if !of.Status.Open() || !samePerson(*r, of) {
			return ErrDuplicateOf
		}
		r.DuplicateOfID = &of.ID
		if err := s.move(tx, a, r, step{Action: ActMarkDuplicate, Note: Number(of.ID),
			Audit: map[string]string{"of": strconv.FormatInt(of.ID, 10)}}); err != nil {
			return err
		}
		if err := s.afterDenied(tx, a, r); err != nil {
			return err
		}
		return s.decideDocuments(tx, r)
	})
}

// samePerson: the same customer, or the same requester's address.
func samePerson(a, b models.PrivacyRequest) bool {
	if a.UserID != nil && b.UserID != nil {
		return *a.UserID == *b.UserID
	}
	return strings.EqualFold(strings.TrimSpace(a.RequesterEmail), strings.TrimSpace(b.RequesterEmail))
}

// Complete closes an approved request as done, with a note for the
// requester.
func (s *Service) Complete(ctx context.Context, a actor.Actor, id int64, note string) error {
	note = clean(note)
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		// An erasure handed to the engine completes itself, once every
		// category and every connected system is done: completed by hand
		// it would lose its cool-off and its checks.
		if r.Kind == models.RequestErasure {
			var runs int64
			if err := tx.Model(&models.Erasure{}).Where("request_id = ?", r.ID).Count(&runs).Error; err != nil {
				return err
			}
			if runs > 0 {
				return ErrWrongState
			}
		}
		if err := s.move(tx, a, r, step{Action: ActComplete, Note: note}); err != nil {
			return err
		}
		return s.decideDocuments(tx, r)
	})
}

// Assign gives the request to a staff member or admin (userID), or to
// nobody (0). The requester is not told.
func (s *Service) Assign(ctx context.Context, a actor.Actor, id, userID int64) error {
	return s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		if userID < 0 {
			return ErrAssignee
		}
		var to *int64
		if userID > 0 {
			var n int64
			if err := tx.Model(&models.User{}).Where("id = ? AND role IN ?", userID,
				[]string{string(models.RoleStaff), string(models.RoleAdmin)}).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return ErrAssignee
			}
			to = &userID
		}
		r.AssigneeID = to
		who := ""
		if to != nil {
			who = strconv.FormatInt(*to, 10)
		}
		return s.move(tx, a, r, step{Action: ActAssign, Quiet: true, Audit: map[string]string{"assignee": who}})
	})
}
