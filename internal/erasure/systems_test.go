package erasure

import (
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestAcknowledgeAuthorization(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newSystemsEnv(t, db, true)
		shop, shopCreds := e.webhook("Web shop", "https://93.184.215.14/a")
		_, mailCreds := e.webhook("Mailing tool", "https://93.184.215.14/b")
		u, r, er := e.waitingErasure("dee@example.test")
		must(t, db.Transaction(func(tx *gorm.DB) error {
			return e.s.Dispatch(tx, models.EventErasure, &r.ID, &er.ID, Subject{UserID: u.ID, Email: u.Email})
		}))
		var shopTask models.SystemTask
		for _, tk := range e.tasksOf(r.ID) {
			if tk.SystemID == shop.ID {
				shopTask = tk
			}
		}
		for name, c := range map[string]struct {
			token string
			id    int64
			kind  fault.Kind
		}{
			"no token":            {"", shopTask.ID, fault.Forbidden},
			"bad token":           {"ppsys_nope", shopTask.ID, fault.Forbidden},
			"other system's task": {mailCreds.Token, shopTask.ID, fault.NotFound},
			"unknown task":        {shopCreds.Token, shopTask.ID + 1000, fault.NotFound},
		} {
			if _, err := e.s.Acknowledge(e.ctx, c.token, c.id); !fault.Is(err, c.kind) {
				t.Errorf("%s: %v, want %v", name, err, c.kind)
			}
		}
		if got := e.task(shopTask.ID); got.Status != models.TaskPending {
			t.Fatalf("refused acks changed the task: %s", got.Status)
		}
		for range 2 { // idempotent
			if got, err := e.s.Acknowledge(e.ctx, shopCreds.Token, shopTask.ID); err != nil || got.Status != models.TaskDone {
				t.Fatalf("ack: %v %s", err, got.Status)
			}
		}
		var n int64
		must(t, db.Model(&models.AuditEntry{}).Where("action = ?", "tasks.acknowledged").Count(&n).Error)
		if n != 1 {
			t.Errorf("%d acknowledgement audit entries, want 1", n)
		}
		// Rotating the credentials retires the old token.
		creds, err := e.s.RotateCredentials(e.ctx, adminActor, shop.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SystemByToken(e.ctx, shopCreds.Token); !fault.Is(err, fault.Forbidden) {
			t.Errorf("old token after rotation: %v", err)
		}
		if sys, err := e.s.SystemByToken(e.ctx, creds.Token); err != nil || sys.ID != shop.ID {
			t.Errorf("new token: %v", err)
		}
		if creds.Secret == shopCreds.Secret {
			t.Error("rotation kept the secret")
		}
	})
}

// The erasure and its request complete only once every system's task is
// done: the webhook's acknowledgement alone leaves the manual task open.
func TestRequestCompletesWhenEveryTaskDone(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newSystemsEnv(t, db, true)
		shop, creds := e.webhook("Web shop", "https://93.184.215.14/a")
		e.manual("Print system")
		off, _, err := e.s.CreateSystem(e.ctx, adminActor, SystemInput{Name: "Old CRM", Kind: models.SystemManual,
			Instructions: "Nothing.", Enabled: false})
		must(t, err)
		u, r, er := e.waitingErasure("eve@example.test")
		must(t, db.Transaction(func(tx *gorm.DB) error {
			return e.s.Dispatch(tx, models.EventErasure, &r.ID, &er.ID, Subject{UserID: u.ID, Email: u.Email})
		}))
		ts := e.tasksOf(r.ID)
		if len(ts) != 2 {
			t.Fatalf("%d tasks, want one per enabled system", len(ts))
		}
		var manual models.SystemTask
		for _, tk := range ts {
			if tk.SystemID == off.ID {
				t.Error("a disabled system got a task")
			}
			if tk.SystemID != shop.ID {
				manual = tk
			}
			if !strings.Contains(tk.Payload, u.Email) {
				t.Errorf("payload %q does not name the customer", tk.Payload)
			}
		}
		var jobs int64
		must(t, db.Model(&models.Job{}).Where("kind = ?", jobDeliver).Count(&jobs).Error)
		if jobs != 1 {
			t.Errorf("%d delivery jobs, want 1 (the webhook only)", jobs)
		}
		status := func() (models.ErasureStatus, models.RequestStatus) {
			var cur models.Erasure
			var req models.PrivacyRequest
			must(t, db.Take(&cur, "id = ?", er.ID).Error)
			must(t, db.Take(&req, "id = ?", r.ID).Error)
			return cur.Status, req.Status
		}
		var shopTask int64
		for _, tk := range ts {
			if tk.SystemID == shop.ID {
				shopTask = tk.ID
			}
		}
		open, err := e.s.RequestTasks(e.ctx, r.ID)
		must(t, err)
		if len(open) != 2 || open[0].CustomerEmail != u.Email {
			t.Errorf("open tasks = %+v", open)
		}
		if _, err := e.s.Acknowledge(e.ctx, creds.Token, shopTask); err != nil {
			t.Fatal(err)
		}
		if es, rs := status(); es != models.ErasureWaiting || rs != models.StatusWaitingFulfilment {
			t.Fatalf("after the webhook only: %s %s", es, rs)
		}
		staff := actor.Actor{Kind: actor.Staff, UserID: 7}
		customer := actor.Actor{Kind: actor.Customer, UserID: u.ID}
		if err := e.s.CompleteTask(e.ctx, customer, r.ID, manual.ID, "done"); !fault.Is(err, fault.Forbidden) {
			t.Errorf("customer ticking a task off: %v", err)
		}
		if err := e.s.CompleteTask(e.ctx, staff, r.ID, manual.ID, "  "); fault.FieldsOf(err)["note"] != "tasks.error.note_required" {
			t.Errorf("no note: %v", err)
		}
		if err := e.s.CompleteTask(e.ctx, staff, r.ID+1, manual.ID, "Deleted."); !fault.Is(err, fault.NotFound) {
			t.Errorf("another request's task: %v", err)
		}
		must(t, e.s.CompleteTask(e.ctx, staff, r.ID, manual.ID, "Deleted in the print system."))
		if es, rs := status(); es != models.ErasureCompleted || rs != models.StatusCompleted {
			t.Fatalf("after every task: %s %s", es, rs)
		}
		rows, err := e.s.RequestTasks(e.ctx, r.ID)
		must(t, err)
		for _, row := range rows {
			if row.CustomerEmail != "" {
				t.Errorf("a done task still names the customer: %+v", row)
			}
		}
		if len(rows) != 2 || rows[0].SystemName == "" || rows[0].Task.Payload != "" {
			t.Errorf("rows = %+v", rows)
		}
		for _, row := range rows {
			if (row.Acknowledged() != nil) != (row.Task.SystemID == shop.ID) {
				t.Errorf("acknowledged %v for system %d", row.Acknowledged(), row.Task.SystemID)
			}
		}
	})
}

func TestSystemAdmin(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newSystemsEnv(t, db, false)
		staff := actor.Actor{Kind: actor.Staff, UserID: 7}
		if _, _, err := e.s.CreateSystem(e.ctx, staff, SystemInput{Name: "X", Kind: models.SystemManual, Instructions: "y"}); !fault.Is(err, fault.Forbidden) {
			t.Errorf("staff creating a system: %v", err)
		}
		_, _, err := e.s.CreateSystem(e.ctx, adminActor, SystemInput{Name: " ", Kind: models.SystemWebhook, URL: "http://93.184.215.14/"})
		if f := fault.FieldsOf(err); f["name"] != "systems.error.name_required" || f["url"] != urlScheme {
			t.Errorf("fields = %v", f)
		}
		_, _, err = e.s.CreateSystem(e.ctx, adminActor, SystemInput{Name: "X", Kind: "ftp"})
		if f := fault.FieldsOf(err); f["kind"] != "systems.error.kind" {
			t.Errorf("fields = %v", f)
		}
		sys, creds, err := e.s.CreateSystem(e.ctx, adminActor, SystemInput{Name: "Web shop", Kind: models.SystemWebhook,
			URL: "https://93.184.215.14/hooks", Enabled: true})
		must(t, err)
		stored, err := e.s.System(e.ctx, sys.ID)
		must(t, err)
		if !strings.HasPrefix(creds.Secret, "whsec_") || strings.Contains(stored.SecretSealed, creds.Secret) ||
			stored.TokenHash == "" || strings.Contains(stored.TokenHash, creds.Token) {
			t.Errorf("credentials stored in clear: %+v", stored)
		}
		if open, err := e.s.Secrets.Open(purposeSecret, stored.SecretSealed); err != nil || open != creds.Secret {
			t.Errorf("sealed secret does not open: %v", err)
		}
		must(t, e.s.UpdateSystem(e.ctx, adminActor, sys.ID, SystemInput{Name: "Shop", URL: "https://93.184.215.15/h", Enabled: false}))
		if got, _ := e.s.System(e.ctx, sys.ID); got.Name != "Shop" || got.Enabled || got.Kind != models.SystemWebhook {
			t.Errorf("updated = %+v", got)
		}
		if err := e.s.UpdateSystem(e.ctx, adminActor, sys.ID, SystemInput{Name: "Shop", URL: "https://10.0.0.1/"}); fault.FieldsOf(err)["url"] != urlPrivate {
			t.Errorf("update to a private URL: %v", err)
		}
		must(t, e.s.SetSystemEnabled(e.ctx, adminActor, sys.ID, true))
		manual := e.manual("Print system")
		if _, err := e.s.RotateCredentials(e.ctx, adminActor, manual.ID); !fault.Is(err, fault.Conflict) {
			t.Errorf("rotating a manual system: %v", err)
		}
		u, r, er := e.waitingErasure("fay@example.test")
		must(t, db.Transaction(func(tx *gorm.DB) error {
			return e.s.Dispatch(tx, models.EventErasure, &r.ID, &er.ID, Subject{UserID: u.ID, Email: u.Email})
		}))
		if err := e.s.DeleteSystem(e.ctx, adminActor, manual.ID); !fault.Is(err, fault.Conflict) {
			t.Errorf("deleting a system with an open task: %v", err)
		}
		must(t, e.s.CompleteTask(e.ctx, adminActor, r.ID, e.tasksOf(r.ID)[1].ID, "Done by hand."))
		must(t, e.s.DeleteSystem(e.ctx, adminActor, manual.ID))
		if err := e.s.DeleteSystem(e.ctx, adminActor, manual.ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("deleting twice: %v", err)
		}
		var actions []string
		must(t, db.Model(&models.AuditEntry{}).Where("action LIKE ?", "systems.%").Order("id").Pluck("action", &actions).Error)
		if want := "systems.created systems.updated systems.enabled systems.created systems.deleted"; strings.Join(actions, " ") != want {
			t.Errorf("audit = %v, want %s", actions, want)
		}
	})
}

// Rectifications and restrictions reach the systems too, with no erasure.
func TestPassOn(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	e := newSystemsEnv(t, db, false)
	e.manual("Print system")
	u, r, _ := e.waitingErasure("gus@example.test")
	must(t, db.Transaction(func(tx *gorm.DB) error { return e.s.PassOn(tx, &r, models.EventRectification) }))
	ts := e.tasksOf(r.ID)
	if len(ts) != 1 || ts[0].Event != models.EventRectification || ts[0].ErasureID != nil || !strings.Contains(ts[0].Payload, u.Email) {
		t.Fatalf("tasks = %+v", ts)
	}
}
