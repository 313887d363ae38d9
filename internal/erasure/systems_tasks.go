package erasure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TaskRow is a task as staff see it on the request page.
type TaskRow struct {
	Task       models.SystemTask
	SystemName string
	SystemKind string
	// Instructions say what staff do for a manual system.
	Instructions string
	// DeliveredAt is the first 2xx answer to the webhook.
	DeliveredAt *time.Time
	// CustomerEmail is whom the task is about, read from its payload
	// while it is open: after an erasure the request no longer says, and
	// staff need it to find the customer in a manual system.
	CustomerEmail string
}

// Acknowledged is when a system acknowledged the task on the API (nil if
// it was ticked off by staff, or is not done).
func (r TaskRow) Acknowledged() *time.Time {
	if r.Task.DoneByKind == string(actor.API) {
		return r.Task.DoneAt
	}
	return nil
}

var errTaskNotFound = fault.New(fault.NotFound, "erasure: task not found")

// RequestTasks lists the tasks passed on for request requestID.
func (s *Service) RequestTasks(ctx context.Context, requestID int64) ([]TaskRow, error) {
	var tasks []models.SystemTask
	db := s.DB.WithContext(ctx)
	if err := db.Where("request_id = ?", requestID).Order("id").Find(&tasks).Error; err != nil {
		return nil, fmt.Errorf("erasure: request tasks: %w", err)
	}
	if len(tasks) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(tasks))
	sysIDs := make([]int64, len(tasks))
	for i, t := range tasks {
		ids[i], sysIDs[i] = t.ID, t.SystemID
	}
	var systems []models.ConnectedSystem
	if err := db.Where("id IN ?", sysIDs).Find(&systems).Error; err != nil {
		return nil, fmt.Errorf("erasure: request tasks: %w", err)
	}
	byID := map[int64]models.ConnectedSystem{}
	for _, sys := range systems {
		byID[sys.ID] = sys
	}
	var delivered []struct {
		TaskID int64
		At     time.Time
	}
	if err := db.Model(&models.WebhookDelivery{}).Select("task_id, MIN(created_at) AS at").
		Where("task_id IN ? AND status_code BETWEEN 200 AND 299", ids).Group("task_id").Scan(&delivered).Error; err != nil {
		return nil, fmt.Errorf("erasure: request tasks: %w", err)
	}
	at := map[int64]time.Time{}
	for _, d := range delivered {
		at[d.TaskID] = d.At
	}
	out := make([]TaskRow, len(tasks))
	for i, t := range tasks {
		sys := byID[t.SystemID]
		out[i] = TaskRow{Task: t, SystemName: sys.Name, SystemKind: sys.Kind, Instructions: sys.Instructions}
		var p TaskPayload
		if t.Payload != "" && json.Unmarshal([]byte(t.Payload), &p) == nil {
			out[i].CustomerEmail = p.Data.Customer.Email
		}
		if d, ok := at[t.ID]; ok {
			d := d.UTC()
			out[i].DeliveredAt = &d
		}
	}
	return out, nil
}

// requestTask loads task id of request requestID for update in tx: a task
// of another request is not found, whatever its id.
func requestTask(tx *gorm.DB, requestID, id int64) (models.SystemTask, error) {
	var t models.SystemTask
	err := tx.Take(&t, "id = ? AND request_id = ?", id, requestID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return t, errTaskNotFound
	}
	return t, err
}

// finishTask marks t done by who, clears its payload (it names the
// customer) and settles its erasure.
func (s *Service) finishTask(tx *gorm.DB, t *models.SystemTask, byKind string, byID *int64, note string) error {
	now := s.now()
	res := tx.Model(&models.SystemTask{}).Where("id = ? AND status <> ?", t.ID, models.TaskDone).Updates(map[string]any{
		"status": models.TaskDone, "payload": "", "note": note, "done_by_kind": byKind, "done_by_id": byID,
		"done_at": now, "updated_at": now})
	if res.Error != nil {
		return fmt.Errorf("erasure: finish task %d: %w", t.ID, res.Error)
	}
	if t.ErasureID == nil {
		return nil
	}
	return s.settle(tx, *t.ErasureID)
}

// CompleteTask is staff ticking a task of request requestID off with a
// note saying what they did (a manual system, or a webhook one they
// reached by hand).
func (s *Service) CompleteTask(ctx context.Context, a actor.Actor, requestID, id int64, note string) error {
	if !a.IsStaff() {
		return fault.New(fault.Forbidden, "erasure: staff only")
	}
	note = strings.TrimSpace(note)
	switch n := utf8.RuneCountInString(note); {
	case n == 0:
		return fault.InvalidFields("erasure: task note", map[string]string{"note": "tasks.error.note_required"})
	case n > 2000:
		return fault.InvalidFields("erasure: task note", map[string]string{"note": "tasks.error.note_long"})
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := requestTask(tx, requestID, id)
		if err != nil {
			return err
		}
		if t.Status == models.TaskDone {
			return fault.New(fault.Conflict, "erasure: task already done")
		}
		if err := s.finishTask(tx, &t, string(a.Kind), a.ID(), note); err != nil {
			return err
		}
		return audit.Append(tx, s.Dialect, audit.By(a, "tasks.completed", "system_task", strconv.FormatInt(id, 10)))
	})
}

// RetryTask sends a failed webhook task again, with a fresh round of
// attempts.
func (s *Service) RetryTask(ctx context.Context, a actor.Actor, requestID, id int64) error {
	if !a.IsStaff() {
		return fault.New(fault.Forbidden, "erasure: staff only")
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := requestTask(tx, requestID, id)
		if err != nil {
			return err
		}
		var sys models.ConnectedSystem
		if err := tx.Take(&sys, "id = ?", t.SystemID).Error; err != nil {
			return err
		}
		if t.Status != models.TaskFailed || sys.Kind != models.SystemWebhook {
			return fault.New(fault.Conflict, "erasure: only a failed webhook task is retried")
		}
		if err := tx.Model(&models.SystemTask{}).Where("id = ?", id).
			Updates(map[string]any{"status": models.TaskPending, "updated_at": s.now()}).Error; err != nil {
			return err
		}
		if err := s.enqueueDelivery(tx, id); err != nil {
			return err
		}
		return audit.Append(tx, s.Dialect, audit.By(a, "tasks.retried", "system_task", strconv.FormatInt(id, 10)))
	})
}
