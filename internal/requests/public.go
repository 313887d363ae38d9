package requests

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// PublicFiling is what the public form (no account) asks for. An agent
// filing for someone gives their own name and email too; the person's
// email still receives the code.
type PublicFiling struct {
	Name, Email     string
	Kind            models.RequestKind
	Details         string
	Categories      []string
	ObjectionGround string
	AgentName       string
	AgentEmail      string
}

// maxName matches the requester_name column.
const maxName = 200

// checkPublic validates a public filing, returning the normalised
// emails and the field errors (message ids).
func checkPublic(f PublicFiling) (email, agentEmail string, errs map[string]string) {
	errs = checkFiling(f.Kind, f.Details, f.Categories, f.ObjectionGround, false)
	name := strings.TrimSpace(f.Name)
	if name == "" {
		errs["name"] = "request.error.name_required"
	} else if utf8.RuneCountInString(name) > maxName {
		errs["name"] = "request.error.name_too_long"
	}
	email, err := account.NormalizeEmail(f.Email)
	if err != nil {
		errs["email"] = "request.error.email_invalid"
	}
	agentName := strings.TrimSpace(f.AgentName)
	if agentName != "" || strings.TrimSpace(f.AgentEmail) != "" {
		if agentName == "" {
			errs["agent_name"] = "request.error.name_required"
		} else if utf8.RuneCountInString(agentName) > maxName {
			errs["agent_name"] = "request.error.name_too_long"
		}
		if agentEmail, err = account.NormalizeEmail(f.AgentEmail); err != nil {
			errs["agent_email"] = "request.error.email_invalid"
		} else if agentEmail == email {
			errs["agent_email"] = "request.error.agent_same_email"
		}
	}
	return email, agentEmail, errs
}

// FilePublic files a request from the public form: it waits for the
// email to be proven with the code mailed now, then for the knowledge
// check. The clock pauses while
// identity is owed, when the setting says so.
func (s *Service) FilePublic(ctx context.Context, a actor.Actor, f PublicFiling) (models.PrivacyRequest, error) {
	if a.Kind != actor.Requester {
		return models.PrivacyRequest{}, ErrNotYours
	}
	f.Categories = cleanCategories(f.Categories)
	if f.Kind != models.RequestObjection {
		f.ObjectionGround = ""
	}
	email, agentEmail, errs := checkPublic(f)
	if len(errs) > 0 {
		return models.PrivacyRequest{}, fault.InvalidFields("requests: invalid public filing", errs)
	}
	channel := models.ChannelPublic
	if agentEmail != "" {
		channel = models.ChannelAgent
	}
	r := s.newRequest(f.Kind, channel, f.Details, f.Categories, f.ObjectionGround)
	r.RequesterEmail, r.RequesterName, r.Locale = email, strings.TrimSpace(f.Name), a.Locale
	if agentEmail != "" {
		r.AgentName, r.AgentEmail = strings.TrimSpace(f.AgentName), agentEmail
	}
	if settings.RequestPauseForIdentity.Get(s.Settings) {
		Pause(&r, r.ReceivedAt)
	}
	err := s.within(ctx, func(tx *gorm.DB) error {
		// The receipt goes at once (notify says the email still needs its
		// proof); the code follows in its own mail, sealed in the outbox.
		if err := s.move(tx, a, &r, step{Action: ActFile, Audit: map[string]string{"channel": channel}}); err != nil {
			return err
		}
		return s.issueCode(tx, &r, CodeVerify)
	})
	if err != nil {
		return models.PrivacyRequest{}, err
	}
	return r, nil
}

// publicOnly is a request the public pages may act on: one filed on the
// public form (a portal request is followed in the account).
func publicOnly(r models.PrivacyRequest) bool {
	return r.Channel == models.ChannelPublic || r.Channel == models.ChannelAgent
}

// awaitingEmail reports whether r still waits for its email's proof.
func awaitingEmail(r models.PrivacyRequest) bool {
	return publicOnly(r) && r.Status == models.StatusAwaitingVerification && r.EmailVerifiedAt == nil
}

// ResendVerifyCode mails request id's requester a new email code, if it
// still waits for one; it answers the same whatever the id.
func (s *Service) ResendVerifyCode(ctx context.Context, a actor.Actor, id int64) error {
	err := s.within(ctx, func(tx *gorm.DB) error {
		r, err := load(tx, id)
		if err != nil || !awaitingEmail(r) {
			return err
		}
		return s.issueCode(tx, &r, CodeVerify)
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// ConfirmEmail proves request id's email with the mailed code. A wrong
// code, and a request that does not exist or needs no proof, give the
// same ErrCodeInvalid.
func (s *Service) ConfirmEmail(ctx context.Context, a actor.Actor, id int64, code string) error {
	var r models.PrivacyRequest
	if err := s.DB.WithContext(ctx).Take(&r, "id = ?", id).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrCodeInvalid
		}
		return fmt.Errorf("requests: confirm: %w", err)
	}
	if !awaitingEmail(r) {
		return ErrCodeInvalid
	}
	return s.spendCode(ctx, id, CodeVerify, code, func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&models.PrivacyRequest{}).Where("id = ? AND email_verified_at IS NULL", id).
			Updates(map[string]any{"email_verified_at": now, "updated_at": now})
		if res.Error != nil {
			return fmt.Errorf("requests: confirm: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrCodeInvalid
		}
		return audit.Append(tx, s.Dialect, audit.By(a, "request.email_confirmed", "request", strconv.FormatInt(id, 10)))
	})
}

// SendStatusCode mails a code that opens request id's status page, to
// the request's own email only. It answers the same whatever the id, so
// the page cannot tell which requests exist; the code table caps the
// mails.
func (s *Service) SendStatusCode(ctx context.Context, a actor.Actor, id int64) error {
	err := s.within(ctx, func(tx *gorm.DB) error {
		r, err := load(tx, id)
		if err != nil || !publicOnly(r) {
			return err
		}
		return s.issueCode(tx, &r, CodeStatus)
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// CheckStatusCode checks a status code for request id; on nil the
// handler grants the session a pass for this one request.
func (s *Service) CheckStatusCode(ctx context.Context, a actor.Actor, id int64, code string) error {
	return s.spendCode(ctx, id, CodeStatus, code, nil)
}

// PublicOne is request id's page for the public requester holding its
// pass (the handler checked it): never staff's notes.
func (s *Service) PublicOne(ctx context.Context, id int64) (Detail, error) {
	var d Detail
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := loadPublic(tx, id)
		if err != nil {
			return err
		}
		d, err = detail(tx, r, false)
		return err
	})
	return d, err
}

func loadPublic(tx *gorm.DB, id int64) (models.PrivacyRequest, error) {
	r, err := load(tx, id)
	if err != nil {
		return r, err
	}
	if !publicOnly(r) {
		return models.PrivacyRequest{}, ErrNotFound
	}
	return r, nil
}

// PublicCancel withdraws request id for the public requester holding its
// pass.
func (s *Service) PublicCancel(ctx context.Context, a actor.Actor, id int64) error {
	if a.Kind != actor.Requester {
		return ErrNotYours
	}
	return s.within(ctx, func(tx *gorm.DB) error {
		r, err := loadPublic(tx, id)
		if err != nil {
			return err
		}
		return s.cancel(tx, a, &r)
	})
}

// PublicReply is the public requester's message on request id.
func (s *Service) PublicReply(ctx context.Context, a actor.Actor, id int64, body string) error {
	if a.Kind != actor.Requester {
		return ErrNotYours
	}
	body, err := checkMessage(body)
	if err != nil {
		return err
	}
	return s.within(ctx, func(tx *gorm.DB) error {
		r, err := loadPublic(tx, id)
		if err != nil {
			return err
		}
		return s.reply(tx, a, &r, body)
	})
}
