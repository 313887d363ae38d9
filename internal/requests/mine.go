package requests

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Mine is a page of customer userID's requests, newest first, and how
// many there are in all.
func (s *Service) Mine(ctx context.Context, userID int64, limit, offset int) ([]models.PrivacyRequest, int64, error) {
	db := s.DB.WithContext(ctx)
	var total int64
	if err := db.Model(&models.PrivacyRequest{}).Where("user_id = ?", userID).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("requests: mine: %w", err)
	}
	var out []models.PrivacyRequest
	if err := db.Where("user_id = ?", userID).Order("received_at DESC, id DESC").Limit(limit).Offset(offset).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("requests: mine: %w", err)
	}
	return out, total, nil
}

// loadMine loads request id for a signed-in customer: another person's
// request, or one that does not exist, is the same ErrNotFound.
func loadMine(tx *gorm.DB, a actor.Actor, id int64) (models.PrivacyRequest, error) {
	if a.Kind != actor.Customer || a.UserID == 0 {
		return models.PrivacyRequest{}, ErrNotFound
	}
	r, err := load(tx, id)
	if err != nil {
		return r, err
	}
	if r.UserID == nil || *r.UserID != a.UserID {
		return models.PrivacyRequest{}, ErrNotFound
	}
	return r, nil
}

// MineOne is the customer's own request id with its page: never staff's
// notes.
func (s *Service) MineOne(ctx context.Context, a actor.Actor, id int64) (Detail, error) {
	var d Detail
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := loadMine(tx, a, id)
		if err != nil {
			return err
		}
		d, err = detail(tx, r, false)
		return err
	})
	return d, err
}

// Cancel withdraws the customer's own request id while it is undecided.
func (s *Service) Cancel(ctx context.Context, a actor.Actor, id int64) error {
	return s.within(ctx, func(tx *gorm.DB) error {
		r, err := loadMine(tx, a, id)
		if err != nil {
			return err
		}
		return s.cancel(tx, a, &r)
	})
}

func (s *Service) cancel(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) error {
	if err := s.move(tx, a, r, step{Action: ActCancel}); err != nil {
		return err
	}
	// A withdrawn objection no longer holds its interim restriction.
	if err := s.afterDenied(tx, a, r); err != nil {
		return err
	}
	return s.decideDocuments(tx, r)
}

// Reply is the customer's message on their own request id; it answers
// staff's question when the request was waiting for them.
func (s *Service) Reply(ctx context.Context, a actor.Actor, id int64, body string) error {
	body, err := checkMessage(body)
	if err != nil {
		return err
	}
	return s.within(ctx, func(tx *gorm.DB) error {
		r, err := loadMine(tx, a, id)
		if err != nil {
			return err
		}
		return s.reply(tx, a, &r, body)
	})
}

// checkMessage trims a message and checks its length.
func checkMessage(body string) (string, error) {
	body = strings.TrimSpace(body)
	switch {
	case body == "":
		return "", fault.InvalidFields("requests: empty message", map[string]string{"body": "request.error.message_required"})
	case utf8.RuneCountInString(body) > MaxDetails:
		return "", fault.InvalidFields("requests: message too long", map[string]string{"body": "request.error.details_too_long"})
	}
	return body, nil
}

func (s *Service) reply(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest, body string) error {
	if !r.Status.Open() {
		return ErrWrongState
	}
	m := models.RequestMessage{RequestID: r.ID, At: s.now(), AuthorKind: "requester", AuthorID: a.ID(), Body: body}
	if err := tx.Create(&m).Error; err != nil {
		return fmt.Errorf("requests: message: %w", err)
	}
	e := audit.By(a, "request.message", "request", strconv.FormatInt(r.ID, 10))
	e.Details = map[string]string{"author": "requester"}
	if err := audit.Append(tx, s.Dialect, e); err != nil {
		return err
	}
	if r.Status == models.StatusWaitingRequester {
		// Their own message: no mail back to them about it.
		return s.move(tx, a, r, step{Action: ActAnswer, Quiet: true})
	}
	return nil
}
