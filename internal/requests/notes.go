package requests

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// AddNote writes an internal note on request id. Notes live in their own
// table: no requester query reads it and no mail carries it.
func (s *Service) AddNote(ctx context.Context, a actor.Actor, id int64, body string) (models.RequestNote, error) {
	var n models.RequestNote
	if body = clean(body); body == "" {
		if !a.IsStaff() {
			return n, ErrStaffOnly
		}
		return n, ErrBodyRequired
	}
	err := s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		n = models.RequestNote{RequestID: r.ID, At: s.now(), AuthorID: a.UserID, Body: body}
		if err := tx.Create(&n).Error; err != nil {
			return fmt.Errorf("requests: note: %w", err)
		}
		return audit.Append(tx, s.Dialect, audit.By(a, "request.note", "request", strconv.FormatInt(r.ID, 10)))
	})
	return n, err
}

// StaffMessage writes to the requester of request id, who is told by mail
// that a message waits on their request's page.
func (s *Service) StaffMessage(ctx context.Context, a actor.Actor, id int64, body string) (models.RequestMessage, error) {
	var m models.RequestMessage
	if body = clean(body); body == "" {
		if !a.IsStaff() {
			return m, ErrStaffOnly
		}
		return m, ErrBodyRequired
	}
	err := s.act(ctx, a, id, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		m = models.RequestMessage{RequestID: r.ID, At: s.now(), AuthorKind: "staff", AuthorID: a.ID(), Body: body}
		if err := tx.Create(&m).Error; err != nil {
			return fmt.Errorf("requests: message: %w", err)
		}
		e := audit.By(a, "request.message", "request", strconv.FormatInt(r.ID, 10))
		e.Details = map[string]string{"side": "staff"}
		if err := audit.Append(tx, s.Dialect, e); err != nil {
			return err
		}
		return s.notifyMessage(tx, r)
	})
	return m, err
}

// ErrWithholdReason is an exemption code that is not one of
// models.WithholdReasons.
var ErrWithholdReason = fault.InvalidFields("requests: withhold reason", map[string]string{"reason": "request.note.withheld_error"})

// WithholdNote leaves note noteID of request requestID out of the
// customer's export under an exemption (models.WithholdReasons: another
// person's rights, legal privilege), or puts it back with reason "". The
// export then says that a note was withheld and why, never its text.
func (s *Service) WithholdNote(ctx context.Context, a actor.Actor, requestID, noteID int64, reason string) error {
	if reason != "" && !slices.Contains(models.WithholdReasons, reason) {
		if !a.IsStaff() {
			return ErrStaffOnly
		}
		return ErrWithholdReason
	}
	return s.act(ctx, a, requestID, func(tx *gorm.DB, r *models.PrivacyRequest) error {
		var n models.RequestNote
		if err := tx.Where("id = ? AND request_id = ?", noteID, r.ID).Take(&n).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		if n.Withheld == reason {
			return nil
		}
		set := map[string]any{"withheld": reason, "withheld_at": nil}
		if reason != "" {
			set["withheld_at"] = s.now()
		}
		if err := tx.Model(&models.RequestNote{}).Where("id = ?", n.ID).Updates(set).Error; err != nil {
			return fmt.Errorf("requests: withhold note: %w", err)
		}
		e := audit.By(a, "request.note_withheld", "request", strconv.FormatInt(r.ID, 10))
		e.Details = map[string]string{"note": strconv.FormatInt(n.ID, 10), "reason": reason}
		if reason == "" {
			e.Details["reason"] = "included"
		}
		return audit.Append(tx, s.Dialect, e)
	})
}
