package requests

import (
	"fmt"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Requester mail templates, by what happened.
const (
	MailReceived  = "request_received"  // filed: the receipt, at once
	MailDenied    = "request_denied"    // refused, or identity rejected: reason and the right to complain
	MailExpired   = "request_expired"   // never verified: closed, with the same rights
	MailExtended  = "request_extended"  // the deadline moved: new date and why
	MailQuestion  = "request_question"  // staff asked something
	MailCompleted = "request_completed" // done
	MailMessage   = "request_message"   // staff wrote in the thread
	MailUpdate    = "request_update"    // any other step
)

// requesterTemplate is the mail for an action.
func requesterTemplate(a Action) string {
	switch a {
	case ActFile:
		return MailReceived
	case ActDeny, ActRejectIdentity:
		return MailDenied
	case ActExpire:
		return MailExpired
	case ActExtend:
		return MailExtended
	case ActAsk:
		return MailQuestion
	case ActComplete:
		return MailCompleted
	}
	return MailUpdate
}

// notify mails the requester, in their language, what just happened to
// their request: every transition and action reaches them, but for the
// ones a step marks quiet. The mail carries no personal data beyond what
// the requester gave, and never a staff note: the only free text is the
// event's Note, which move shows the requester on the timeline too.
func (s *Service) notify(tx *gorm.DB, r *models.PrivacyRequest, ev models.RequestEvent) error {
	if s.Mailer == nil {
		return nil
	}
	name := requesterTemplate(Action(ev.Action))
	data := s.requesterData(r)
	switch name {
	case MailReceived:
		// A public requester proves the address with a code mailed
		// separately; a signed-in customer's account already did.
		data["ConfirmEmail"] = r.Channel != models.ChannelPortal && r.EmailVerifiedAt == nil
	case MailDenied:
		lang := i18n.Match(r.Locale)
		code := r.DenyCode
		if code == "" && Action(ev.Action) == ActRejectIdentity {
			code = "insufficient_verification"
		}
		data["Reason"] = ""
		if code != "" {
			data["Reason"] = i18n.Tl(lang, "request.deny."+code)
		}
		data["Text"] = firstNonEmpty(ev.Note, r.DenyText)
		s.authorityData(data)
	case MailExpired:
		data["NewLink"] = s.BaseURL + "/requests/new"
		s.authorityData(data)
	case MailExtended:
		data["FirstDueAt"] = r.FirstDueAt
		data["Reason"] = firstNonEmpty(ev.Note, r.ExtensionReason)
	case MailQuestion:
		// The desk writes the question into the thread just before this
		// step (Ask); the mail carries it, as the template expects.
		q := ev.Note
		if q == "" {
			var bodies []string
			if err := tx.Model(&models.RequestMessage{}).Where("request_id = ? AND author_kind = ?", r.ID, "staff").
				Order("id DESC").Limit(1).Pluck("body", &bodies).Error; err != nil {
				return fmt.Errorf("requests: question of %d: %w", r.ID, err)
			}
			if len(bodies) > 0 {
				q = bodies[0]
			}
		}
		data["Question"] = q
	case MailCompleted:
		data["Note"] = ev.Note
		data["CompletedAt"] = ev.At
	default:
		data["Action"] = ev.Action
		data["Note"] = ev.Note
		data["DuplicateOf"] = ""
		data["Jurisdiction"] = i18n.Tl(i18n.Match(r.Locale), "request.jurisdiction."+r.Jurisdiction)
		if r.DuplicateOfID != nil {
			data["DuplicateOf"] = Number(*r.DuplicateOfID)
		}
	}
	if _, err := s.Mailer.Queue(tx, mail.Message{To: r.RequesterEmail, Template: name, Locale: r.Locale, Data: data}); err != nil {
		return fmt.Errorf("requests: notify %d: %w", r.ID, err)
	}
	return nil
}

// requesterData is what every requester mail shows: the request's number,
// kind and status in the reader's language, its dates and its link.
func (s *Service) requesterData(r *models.PrivacyRequest) map[string]any {
	lang := i18n.Match(r.Locale)
	return map[string]any{
		"Name":       r.RequesterName,
		"Number":     Number(r.ID),
		"Kind":       i18n.Tl(lang, "request.kind."+string(r.Kind)),
		"Status":     i18n.Tl(lang, "request.status."+string(r.Status)),
		"ReceivedAt": r.ReceivedAt,
		"DueAt":      r.DueAt,
		"Link":       s.linkFor(r),
		"Open":       r.Status.Open(), // a closed request has no due date left
		// The public status page asks for a fresh code before it opens.
		"Public": r.UserID == nil || r.Channel != models.ChannelPortal,
	}
}

// authorityData adds the supervisory authority a refusal points to (Art.
// 12(4)); empty names leave the templates' generic sentence.
func (s *Service) authorityData(data map[string]any) {
	data["Authority"] = settings.RequestAuthorityName.Get(s.Settings)
	data["AuthorityURL"] = settings.RequestAuthorityURL.Get(s.Settings)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
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
// the mail says there is a message, and the page shows it: the message
// itself stays behind the sign-in or the code.
func (s *Service) notifyMessage(tx *gorm.DB, r *models.PrivacyRequest) error {
	if s.Mailer == nil {
		return nil
	}
	if _, err := s.Mailer.Queue(tx, mail.Message{To: r.RequesterEmail, Template: MailMessage, Locale: r.Locale,
		Data: s.requesterData(r)}); err != nil {
		return fmt.Errorf("requests: notify message %d: %w", r.ID, err)
	}
	return nil
}
