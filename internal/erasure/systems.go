package erasure

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// HTTPDoer sends a webhook (an *http.Client).
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// Subject is whom an event passed on to connected systems is about.
type Subject struct {
	UserID int64
	Email  string
	// Erased and Held are an erasure's categories (nil for other events).
	Erased, Held []string
}

// systemJobs is the webhook delivery. Its lease covers one attempt's
// timeout with room to log it.
func (s *Service) systemJobs() []jobs.Spec {
	return []jobs.Spec{{Kind: jobDeliver, Handle: s.deliver, Lease: 2 * webhookTimeout}}
}

// TaskPayload is the JSON body a connected system receives (Standard
// Webhooks' type/timestamp/data envelope). It names the customer so the
// system can find them; it is cleared from the task once done.
type TaskPayload struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      TaskData  `json:"data"`
}

// TaskData is what the event is about and how to acknowledge it.
type TaskData struct {
	TaskID    int64        `json:"task_id"`
	MessageID string       `json:"message_id"`
	Request   string       `json:"request,omitempty"` // the request's number, "#12"
	Customer  TaskCustomer `json:"customer"`
	// Erased and Held are an erasure's categories (registry keys): what
	// the system erases too, and what it keeps because a legal hold does.
	Erased []string `json:"erased,omitempty"`
	Held   []string `json:"held,omitempty"`
	AckURL string   `json:"ack_url"`
}

// TaskCustomer identifies the customer in the connected system.
type TaskCustomer struct {
	ID    int64  `json:"id,omitempty"`
	Email string `json:"email"`
}

// Dispatch creates, in tx, one task per enabled connected system for
// event about subj (webhook ones are queued for delivery).
func (s *Service) Dispatch(tx *gorm.DB, event string, requestID, erasureID *int64, subj Subject) error {
	var systems []models.ConnectedSystem
	if err := tx.Where("enabled = ?", true).Order("id").Find(&systems).Error; err != nil {
		return fmt.Errorf("erasure: dispatch %s: %w", event, err)
	}
	now := s.now()
	for _, sys := range systems {
		t := models.SystemTask{SystemID: sys.ID, RequestID: requestID, ErasureID: erasureID, Event: event,
			Status: models.TaskPending, MessageID: "msg_" + randomID(18), CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&t).Error; err != nil {
			return fmt.Errorf("erasure: dispatch %s: %w", event, err)
		}
		p := TaskPayload{Type: "privacy." + event, Timestamp: now, Data: TaskData{
			TaskID: t.ID, MessageID: t.MessageID, Customer: TaskCustomer{ID: subj.UserID, Email: subj.Email}, Erased: subj.Erased, Held: subj.Held,
			AckURL: s.BaseURL + "/api/v1/tasks/" + strconv.FormatInt(t.ID, 10) + "/ack"}}
		if requestID != nil {
			p.Data.Request = "#" + strconv.FormatInt(*requestID, 10)
		}
		body, err := json.Marshal(p)
		if err != nil {
			return fmt.Errorf("erasure: dispatch %s: %w", event, err)
		}
		if err := tx.Model(&t).Update("payload", string(body)).Error; err != nil {
			return fmt.Errorf("erasure: dispatch %s: %w", event, err)
		}
		if sys.Kind == models.SystemWebhook {
			if err := s.enqueueDelivery(tx, t.ID); err != nil {
				return fmt.Errorf("erasure: dispatch %s: %w", event, err)
			}
		}
	}
	return nil
}

// PassOn tells the connected systems about a rectification or a
// restriction of request r (GDPR Art. 19), in the transaction that
// applied it. The requests service calls it through its PassOn hook.
func (s *Service) PassOn(tx *gorm.DB, r *models.PrivacyRequest, event string) error {
	subj := Subject{Email: r.RequesterEmail}
	if r.UserID != nil {
		var u models.User
		if err := tx.Select("id", "email").Take(&u, "id = ?", *r.UserID).Error; err != nil {
			return fmt.Errorf("erasure: pass on %s: %w", event, err)
		}
		subj = Subject{UserID: u.ID, Email: u.Email}
	}
	return s.Dispatch(tx, event, &r.ID, nil, subj)
}
