package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

// TestErasureKillAndResume kills a real `portal serve` with SIGKILL
// between two categories of an erasure, and checks what the issue
// promises: the restarted instance resumes the run and finishes it
// without an error and without doing anything twice (one invoice per
// paid order, each category's step written once, before the kill for
// the ones done by then).
func TestErasureKillAndResume(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "portal")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dataDir := t.TempDir()
	env := append(os.Environ(), "PORTAL_DATA_DIR="+dataDir, "PORTAL_DATABASE_URL=", "PORTAL_JOB_WORKERS=1")

	// A customer with enough orders (kept as invoices) and contact
	// history that the run takes long enough to be killed inside it.
	const orders, contacts, photos = 30000, 150000, 40
	ctx := context.Background()
	db, dialect, err := models.Open(filepath.Join(dataDir, "portal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(db) })
	if err := models.Migrate(ctx, db, dialect); err != nil {
		t.Fatal(err)
	}
	if err := holdings.SeedCategories(ctx, db); err != nil {
		t.Fatal(err)
	}
	v, err := vault.OpenDirs(filepath.Join(dataDir, "files"), filepath.Join(dataDir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	u := models.User{Email: "killed-midway@example.com", Role: models.RoleCustomer, Name: "Kim Midway", Locale: "en"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Add(-time.Hour)
	seed := []struct {
		sql  string
		args []any
	}{
		{fmt.Sprintf(`INSERT INTO orders (user_id, number, placed_at, status, delivery_status, total_cents, tax_cents, currency, paid_at)
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			SELECT ?, 'K-' || i, ?, 'delivered', 'delivered', 2400, 400, 'EUR', ? FROM n`, orders), []any{u.ID, now, now}},
		{`INSERT INTO order_items (order_id, description, quantity, unit_price_cents)
			SELECT id, 'Print 10x15', 2, 1200 FROM orders WHERE user_id = ?`, []any{u.ID}},
		{`INSERT INTO payments (user_id, order_id, provider, method, last4, amount_cents, currency, paid_at)
			SELECT user_id, id, 'stripe', 'card', '4242', 2400, 'EUR', placed_at FROM orders WHERE user_id = ?`, []any{u.ID}},
		{fmt.Sprintf(`INSERT INTO contact_messages (user_id, created_at, channel, direction, subject, body)
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			SELECT ?, ?, 'email', 'in', 'Order ' || i, 'Where is my parcel?' FROM n`, contacts), []any{u.ID, now}},
	}
	for _, q := range seed {
		if err := db.Exec(q.sql, q.args...).Error; err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	var files []string
	for i := range photos {
		key, err := v.Put([]byte(fmt.Sprintf("photo %d", i)))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, key)
		if err := db.Create(&models.Photo{UserID: u.ID, Filename: fmt.Sprintf("IMG_%d.jpg", i), ContentType: "image/jpeg",
			FileKey: key, UploadedAt: now}).Error; err != nil {
			t.Fatal(err)
		}
	}

	// First instance: once it is ready, the erasure is due and its run
	// queued; kill it when the first categories are done and others not.
	cmd, exited := serveForKill(t, bin, env)
	uid := u.ID
	e := models.Erasure{UserID: &uid, Status: models.ErasureCoolingOff, CoolOffUntil: now, ReportEmail: u.Email, CreatedAt: now}
	if err := db.Create(&e).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := jobs.Enqueue(db, erasure.KindRun, map[string]int64{"erasure_id": e.ID}); err != nil {
		t.Fatal(err)
	}
	steps := func() []models.ErasureStep {
		var out []models.ErasureStep
		if err := db.Where("erasure_id = ?", e.ID).Order("category").Find(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	status := func() models.ErasureStatus {
		var got models.Erasure
		if err := db.Take(&got, e.ID).Error; err != nil {
			t.Fatal(err)
		}
		return got.Status
	}
	var before []models.ErasureStep
	for deadline := time.Now().Add(60 * time.Second); ; {
		before = steps()
		if len(before) > 0 {
			break
		}
		if s := status(); s != models.ErasureCoolingOff && s != models.ErasureRunning || time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("never saw the run between categories: %s", s)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	before = steps()
	if s := status(); s != models.ErasureRunning || len(before) == len(holdings.Entries()) {
		t.Fatalf("killed too late: %s with %d steps", s, len(before))
	}
	t.Logf("killed after %d of %d categories", len(before), len(holdings.Entries()))
	var invoices int64
	db.Model(&models.RetainedInvoice{}).Count(&invoices)
	if invoices != orders {
		t.Fatalf("%d invoices after the kill, want the orders step's %d", invoices, orders)
	}
	// The dead worker's lease stands in the way of the restart; expire
	// it, as the clock would.
	res := db.Model(&models.Job{}).Where("kind = ? AND status = ?", erasure.KindRun, models.JobRunning).
		Update("locked_until", time.Now().UTC().Add(-time.Second))
	if res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("the run job was not running when killed: %v, %d rows", res.Error, res.RowsAffected)
	}

	// Second instance: it takes the job over and finishes the erasure.
	startInstance(t, bin, env)
	for deadline := time.Now().Add(60 * time.Second); status() == models.ErasureRunning; {
		if time.Now().After(deadline) {
			t.Fatal("the erasure did not finish after the restart")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if s := status(); s != models.ErasureCompleted {
		t.Fatalf("after the restart the erasure is %s", s)
	}
	after := steps()
	if len(after) != len(holdings.Entries()) {
		t.Fatalf("%d steps after the restart", len(after))
	}
	done := map[string]models.ErasureStep{}
	for _, st := range after {
		done[st.Category] = st
	}
	for _, st := range before {
		if a := done[st.Category]; !a.DoneAt.Equal(st.DoneAt) || a.Removed != st.Removed || a.Retained != st.Retained {
			t.Errorf("%s done again after the restart: %+v, then %+v", st.Category, st, a)
		}
	}
	db.Model(&models.RetainedInvoice{}).Count(&invoices)
	if invoices != orders {
		t.Errorf("%d invoices after the restart, want %d", invoices, orders)
	}
	if done[holdings.KeyContact].Removed != contacts || done[holdings.KeyPhotos].Removed != photos {
		t.Errorf("contact %d, photos %d removed", done[holdings.KeyContact].Removed, done[holdings.KeyPhotos].Removed)
	}
	var left int64
	db.Model(&models.User{}).Where("id = ?", u.ID).Count(&left)
	if left != 0 {
		t.Error("the account is still there")
	}
	for _, k := range files {
		if v.Exists(k) {
			t.Errorf("photo file %s survived", k)
		}
	}
	var job models.Job
	db.Where("kind = ?", erasure.KindRun).Order("id").Take(&job)
	if job.Status != models.JobDone || job.Attempts != 2 || job.LastError != "" {
		t.Errorf("run job: %s after %d attempts (%q), want done after 2 without an error", job.Status, job.Attempts, job.LastError)
	}
}
