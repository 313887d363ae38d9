package requests

import (
	"context"
	"fmt"
	"strconv"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
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
