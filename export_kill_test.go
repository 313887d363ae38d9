package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/export"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
)

// TestExportKillAndResume kills a real `portal serve` with SIGKILL while
// it writes a download package, and checks what the issue promises: no
// half-written package is ever offered, and the restarted instance
// builds it again into exactly one complete file.
func TestExportKillAndResume(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "portal")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dataDir := t.TempDir()
	env := append(os.Environ(), "PORTAL_DATA_DIR="+dataDir, "PORTAL_DATABASE_URL=", "PORTAL_JOB_WORKERS=1")

	// The data, written before the server starts: a customer with enough
	// photos that the package takes a few seconds to write.
	const photos, photoSize = 1200, 256 << 10
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
	u := models.User{Email: "heavy@example.com", Role: models.RoleCustomer, Name: "Heavy", Locale: "en"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	rows := make([]models.Photo, 0, photos)
	buf := make([]byte, photoSize)
	for i := range photos {
		rand.Read(buf)
		key, err := v.Put(buf)
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, models.Photo{UserID: u.ID, Filename: fmt.Sprintf("IMG_%04d.jpg", i), ContentType: "image/jpeg",
			SizeBytes: photoSize, FileKey: key, UploadedAt: time.Now().UTC()})
	}
	if err := db.CreateInBatches(rows, 500).Error; err != nil {
		t.Fatal(err)
	}
	exports := &export.Service{DB: db, Dialect: dialect, Vault: v}
	e, err := exports.Request(ctx, actor.Actor{Kind: actor.Customer, UserID: u.ID}, u.ID, nil, "en")
	if err != nil {
		t.Fatal(err)
	}
	row := func() models.Export {
		t.Helper()
		var got models.Export
		if err := db.Where("id = ?", e.ID).Take(&got).Error; err != nil {
			t.Fatal(err)
		}
		return got
	}

	// First instance: kill it as soon as it is copying photos.
	cmd, exited := serveForKill(t, bin, env)
	deadline := time.Now().Add(20 * time.Second)
	var mid models.Export
	for {
		mid = row()
		if mid.Status == models.ExportBuilding && mid.Step == export.StepPhotos && mid.Progress > 35 {
			break
		}
		if mid.Status == models.ExportReady || time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("never saw the package building its photos: %s %s %d%%", mid.Status, mid.Step, mid.Progress)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	t.Logf("killed at %s %d%%", mid.Step, mid.Progress)

	// Nothing is offered: the row is not ready and no file is under its key.
	after := row()
	if after.Status != models.ExportBuilding || after.ReadyAt != nil || after.FileKey == "" {
		t.Fatalf("after the kill: %s, ready at %v, key %q", after.Status, after.ReadyAt, after.FileKey)
	}
	if v.Exists(after.FileKey) {
		t.Fatal("a half-written package is under its key after the kill")
	}
	if _, temp := vaultFiles(t, dataDir); len(temp) != 1 {
		t.Errorf("after the kill %d temporary files, want the one being written", len(temp))
	}
	if _, _, err := exports.Download(ctx, actor.Actor{Kind: actor.Customer, UserID: u.ID}, u.ID, e.ID); !errors.Is(err, export.ErrNotReady) {
		t.Fatalf("download after the kill: %v, want not ready", err)
	}
	// The dead worker's lease (export.BuildLease, ten minutes) stands in
	// the way of the restart; expire it, as the clock would.
	res := db.Model(&models.Job{}).Where("kind = ? AND status = ?", export.KindBuild, models.JobRunning).
		Update("locked_until", time.Now().UTC().Add(-time.Second))
	if res.Error != nil || res.RowsAffected != 1 {
		t.Fatalf("the build job was not running when killed: %v, %d rows", res.Error, res.RowsAffected)
	}

	// Second instance: it takes the job over and finishes the package.
	startInstance(t, bin, env)
	deadline = time.Now().Add(30 * time.Second)
	for row().Status != models.ExportReady {
		if s := row().Status; s == models.ExportFailed || time.Now().After(deadline) {
			t.Fatalf("after the restart the package is %s", s)
		}
		time.Sleep(50 * time.Millisecond)
	}
	done := row()
	// The rerun wrote under a key of its own; the killed attempt's key
	// holds nothing.
	if done.FileKey == after.FileKey || v.Exists(after.FileKey) {
		t.Errorf("the rerun reused the killed attempt's key %q, or left a file under it", after.FileKey)
	}
	var job models.Job
	db.Where("kind = ?", export.KindBuild).Take(&job)
	if job.Attempts != 2 || job.Status != models.JobDone {
		t.Errorf("build job: %s after %d attempts, want done after 2", job.Status, job.Attempts)
	}

	// Exactly one package file: the photos and it, nothing else stored;
	// at most the killed build's temporary file, which the sweep removes
	// once it is a day old.
	stored, temp := vaultFiles(t, dataDir)
	if len(stored) != photos+1 || len(temp) > 1 {
		t.Errorf("%d files stored, %d temporary; want %d photos and one package, one temporary at most", len(stored), len(temp), photos)
	}
	checkZip(t, v, done, photos, photoSize)
	for _, p := range temp {
		old := time.Now().Add(-25 * time.Hour)
		os.Chtimes(p, old, old)
	}
	if _, err := exports.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if _, temp := vaultFiles(t, dataDir); len(temp) != 0 {
		t.Errorf("the sweep left %v", temp)
	}
	if !v.Exists(done.FileKey) {
		t.Error("the sweep deleted the ready package")
	}
}

// vaultFiles lists the vault's stored files and its temporary ones.
func vaultFiles(t *testing.T, dataDir string) (stored, temp []string) {
	t.Helper()
	err := filepath.WalkDir(filepath.Join(dataDir, "files"), func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || d.IsDir():
		case strings.HasPrefix(d.Name(), ".tmp-"):
			temp = append(temp, path)
		default:
			stored = append(stored, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return stored, temp
}

// checkZip opens the package from the vault and reads every entry (the
// reader checks each one's CRC): the photos are all there, whole.
func checkZip(t *testing.T, v *vault.Vault, e models.Export, photos, photoSize int) {
	t.Helper()
	r, err := v.Open(e.FileKey)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := os.Create(filepath.Join(t.TempDir(), "package.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := io.Copy(f, r)
	if err != nil || n != e.SizeBytes {
		t.Fatalf("package: %d bytes, %v; the row says %d", n, err, e.SizeBytes)
	}
	zr, err := zip.NewReader(f, n)
	if err != nil {
		t.Fatalf("the package does not open: %v", err)
	}
	got, names := 0, map[string]bool{}
	for _, zf := range zr.File {
		names[zf.Name] = true
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		size, err := io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		if strings.HasPrefix(zf.Name, "photos/") {
			got++
			if size != int64(photoSize) {
				t.Errorf("%s: %d bytes", zf.Name, size)
			}
		}
	}
	if got != photos {
		t.Errorf("%d photos in the package, want %d", got, photos)
	}
	for _, want := range []string{"index.html", "data.json", export.SchemaName, "csv/photos.csv"} {
		if !names[want] {
			t.Errorf("the package lacks %s", want)
		}
	}
}

// serveForKill runs `portal serve` on a free port until ready, for a
// test that kills it; exited is closed when it is gone.
func serveForKill(t *testing.T, bin string, env []string) (*exec.Cmd, <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(env, "PORTAL_ADDR="+addr, "PORTAL_BASE_URL=http://"+addr)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited })
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if res, err := http.Get("http://" + addr + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return cmd, exited
			}
		}
		select {
		case <-exited:
			t.Fatalf("instance exited\n%s", logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("instance not ready\n%s", logs.String())
	return nil, nil
}
