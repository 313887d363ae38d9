package erasure

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Webhooks follow the Standard Webhooks specification
// (https://www.standardwebhooks.com): the headers below, and a signature
// "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>" whose key is the
// base64 after the secret's "whsec_" prefix.
const (
	headerID        = "webhook-id"
	headerTimestamp = "webhook-timestamp"
	headerSignature = "webhook-signature"
	secretPrefix    = "whsec_"
	// secretBytes is the key's length: the spec asks for 24 to 64 bytes.
	secretBytes = 32
)

// Delivery: the job kind, how many times a task is tried before it is
// failed and shown to staff (the queue's backoff doubles the wait from 2 s,
// so eight attempts span about eight minutes), and how long one attempt
// may take (well inside the job's lease).
const (
	jobDeliver       = "webhook.deliver"
	webhookAttempts  = 8
	webhookTimeout   = 15 * time.Second
	maxDeliveryError = 300
)

// Seal purpose of a system's signing secret, MAC purpose of its token.
const (
	purposeSecret = "webhook-secret"
	purposeToken  = "system-token"
)

// newSigningSecret is a fresh "whsec_" secret.
func newSigningSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("erasure: signing secret: %w", err)
	}
	return secretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// signingKey is the HMAC key a secret stands for.
func signingKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || len(key) == 0 {
		return nil, errors.New("erasure: malformed signing secret")
	}
	return key, nil
}

// sign is the webhook-signature value of body sent as message id at ts.
func sign(secret, id string, ts int64, body []byte) (string, error) {
	key, err := signingKey(secret)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(strconv.FormatInt(ts, 10)))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// randomID is n random bytes, URL-safe base64.
func randomID(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// deliverJob is the payload of a delivery job: the task, nothing personal.
type deliverJob struct {
	Task int64 `json:"task"`
}

func (s *Service) enqueueDelivery(tx *gorm.DB, taskID int64) error {
	_, err := jobs.Enqueue(tx, jobDeliver, deliverJob{Task: taskID}, jobs.MaxAttempts(webhookAttempts), jobs.RunAt(s.now()))
	return err
}

// httpClient is what sends webhooks: s.HTTP, or a client whose dialer
// refuses private addresses at connect time (dialControl), that follows
// no redirect (a 3xx could point anywhere) and ignores proxy variables (a
// proxy would be the address checked, not the webhook's).
func (s *Service) httpClient() HTTPDoer {
	if s.HTTP != nil {
		return s.HTTP
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: s.dialControl}
	return &http.Client{
		Timeout: webhookTimeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			TLSHandshakeTimeout: 10 * time.Second,
			DisableKeepAlives:   true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// deliver is one attempt to deliver a webhook task. Every attempt is
// logged and, until the system acknowledges the task on the API, retried
// after the queue's backoff: a 2xx says the message arrived, not that the
// system did the work (the same message id each time, so a receiver
// refuses a replay it has already handled, and acknowledges it). The last
// attempt fails the task, which staff then see and retry.
func (s *Service) deliver(ctx context.Context, job *models.Job) error {
	var p deliverJob
	if err := json.Unmarshal([]byte(job.Payload), &p); err != nil {
		return fmt.Errorf("erasure: deliver: payload: %w", err)
	}
	var t models.SystemTask
	if err := s.DB.WithContext(ctx).Take(&t, "id = ?", p.Task).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil // its system was deleted
	} else if err != nil {
		return fmt.Errorf("erasure: deliver %d: %w", p.Task, err)
	}
	if t.Status != models.TaskPending {
		return nil
	}
	var sys models.ConnectedSystem
	if err := s.DB.WithContext(ctx).Take(&sys, "id = ?", t.SystemID).Error; err != nil {
		return fmt.Errorf("erasure: deliver %d: system: %w", t.ID, err)
	}
	attempt := t.Attempts + 1
	started := time.Now()
	code, derr := s.send(ctx, &sys, &t)
	row := models.WebhookDelivery{TaskID: t.ID, Attempt: attempt, StatusCode: code,
		DurationMS: time.Since(started).Milliseconds(), CreatedAt: s.now()}
	if derr != nil {
		row.Error = truncate(derr.Error(), maxDeliveryError)
	}
	last := job.Attempts >= job.MaxAttempts
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		set := map[string]any{"attempts": gorm.Expr("attempts + 1"), "last_error": row.Error, "updated_at": s.now()}
		switch {
		case derr != nil && last:
			set["status"] = models.TaskFailed
		case last:
			set["status"], set["last_error"] = models.TaskFailed, msgNeverAcknowledged
		}
		// Conditional: an acknowledgement may have come in while sending.
		return tx.Model(&models.SystemTask{}).Where("id = ? AND status = ?", t.ID, models.TaskPending).Updates(set).Error
	})
	if err != nil {
		return fmt.Errorf("erasure: deliver %d: log: %w", t.ID, err)
	}
	if derr != nil {
		s.log().Warn("erasure: webhook delivery failed", "task", t.ID, "system", sys.ID, "attempt", attempt, "status", code, "final", last)
		return fmt.Errorf("erasure: deliver task %d: %w", t.ID, derr)
	}
	if last {
		s.log().Warn("erasure: webhook never acknowledged", "task", t.ID, "system", sys.ID, "attempt", attempt)
		return nil
	}
	// Delivered, not yet acknowledged: the queue sends it again after
	// its backoff, unless the acknowledgement comes first.
	return fmt.Errorf("erasure: deliver task %d: %w", t.ID, errAwaitingAck)
}

// errAwaitingAck retries a delivered webhook until it is acknowledged.
var errAwaitingAck = errors.New("delivered, waiting for the acknowledgement")

// msgNeverAcknowledged is a failed task's error when every delivery
// arrived and none was acknowledged.
const msgNeverAcknowledged = "delivered, never acknowledged"

// send posts the task's payload, signed, and returns the status code.
func (s *Service) send(ctx context.Context, sys *models.ConnectedSystem, t *models.SystemTask) (int, error) {
	if !sys.Enabled {
		return 0, errors.New("the system is disabled")
	}
	if sys.Kind != models.SystemWebhook || sys.URL == "" {
		return 0, errors.New("the system has no webhook URL")
	}
	// The scheme is checked again at send time, like the address: the
	// setting that allowed an http URL may have been turned off since.
	if !strings.HasPrefix(sys.URL, "https://") && !s.privateWebhooks() {
		return 0, errors.New("webhook URLs must be https")
	}
	if sys.SecretSealed == "" {
		return 0, errors.New("the system has no signing secret yet: make its credentials")
	}
	secret, err := s.Secrets.Open(purposeSecret, sys.SecretSealed)
	if err != nil {
		return 0, err
	}
	body := []byte(t.Payload)
	ts := s.now().Unix()
	sig, err := sign(secret, t.MessageID, ts, body)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sys.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "privacy-portal-webhooks/1")
	req.Header.Set(headerID, t.MessageID)
	req.Header.Set(headerTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(headerSignature, sig)
	resp, err := s.httpClient().Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("answered %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
