package export

import (
	"context"
	"io"
	"strconv"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// takeoverReport stands for a second worker taking the build over while
// this one still writes (its lease ran out): at Begin, it starts the
// other attempt, which takes a new key.
type takeoverReport struct {
	plainReport
	s    *Service
	id   int64
	done bool
}

func (r *takeoverReport) Begin(ctx context.Context, w io.Writer, info *ReportInfo) error {
	if !r.done {
		r.done = true
		if _, err := r.s.begin(ctx, r.id); err != nil {
			return err
		}
	}
	return r.plainReport.Begin(ctx, w, info)
}

// TestOverlappingAttemptsLeaveOnePackage: the attempt overtaken by
// another does not offer its file, and deletes it; the other attempt's
// rerun offers exactly one package, described by its own file.
func TestOverlappingAttemptsLeaveOnePackage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		uid := newCustomer(t, db, "ada@example.com")
		addPhoto(t, s, uid, "a.jpg", []byte("jpeg bytes"))
		e, err := s.Request(ctx, customer(uid), uid, nil, "en")
		if err != nil {
			t.Fatal(err)
		}
		s.Report = &takeoverReport{s: s, id: e.ID}
		if err := s.Build(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		mid := reload(t, s, e.ID)
		if mid.Status != models.ExportBuilding {
			t.Fatalf("the overtaken attempt offered its file: %s", mid.Status)
		}
		if stored, _ := vaultFiles(t, s); len(stored) != 1 {
			t.Errorf("after the overtaken attempt the vault holds %v, want the photo alone", stored)
		}
		s.Report = plainReport{}
		if err := s.Build(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		done := reload(t, s, e.ID)
		if done.Status != models.ExportReady || done.FileKey == mid.FileKey {
			t.Fatalf("after the rerun: %s, key %q (the overtaken one's %q)", done.Status, done.FileKey, mid.FileKey)
		}
		if stored, _ := vaultFiles(t, s); len(stored) != 2 {
			t.Errorf("vault %v: want the photo and one package", stored)
		}
		if _, rc, err := s.Download(ctx, customer(uid), uid, e.ID); err != nil {
			t.Fatal(err)
		} else {
			n, _ := io.Copy(io.Discard, rc)
			rc.Close()
			if n != done.SizeBytes {
				t.Errorf("the file has %d bytes, the row says %d", n, done.SizeBytes)
			}
		}
	})
}

// TestSweepGivesUpADeadBuild: a package whose build job died for good
// (its worker killed on the last attempt, so no handler said so) is
// failed by the sweep, audited, and the file its attempt left is deleted;
// staff may then rebuild it.
func TestSweepGivesUpADeadBuild(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		uid := newCustomer(t, db, "ada@example.com")
		e, err := s.Request(ctx, customer(uid), uid, nil, "en")
		if err != nil {
			t.Fatal(err)
		}
		if e.JobID == nil || reload(t, s, e.ID).JobID == nil {
			t.Fatal("the package does not name its build job")
		}
		// An attempt that stored its file, then died with its process.
		started, err := s.begin(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.Vault.Create(started.FileKey)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("a whole package"))
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		if n, err := s.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("a package whose job still waits was swept: %d, %v", n, err)
		}
		if err := db.Model(&models.Job{}).Where("id = ?", *e.JobID).Update("status", models.JobDead).Error; err != nil {
			t.Fatal(err)
		}
		if n, err := s.Sweep(ctx); err != nil || n != 1 {
			t.Fatalf("sweep: %d, %v; want the dead build given up", n, err)
		}
		got := reload(t, s, e.ID)
		if got.Status != models.ExportFailed || got.Failure != "build_died" || got.DeletedAt == nil || s.Vault.Exists(started.FileKey) {
			t.Errorf("after the sweep: %s %q, deleted %v, file there %v", got.Status, got.Failure, got.DeletedAt, s.Vault.Exists(started.FileKey))
		}
		var audited int64
		db.Model(&models.AuditEntry{}).Where("action = ? AND target_id = ?", "export.failed", strconv.FormatInt(got.ID, 10)).Count(&audited)
		if audited != 1 {
			t.Errorf("%d export.failed audit entries, want 1", audited)
		}
		if _, err := s.Rebuild(ctx, staffActor(t, db), e.ID); err != nil {
			t.Errorf("staff cannot rebuild a failed package: %v", err)
		}
	})
}

// staffActor is a new staff member.
func staffActor(t testing.TB, db *dbtest.DB) actor.Actor {
	t.Helper()
	u := models.User{Email: "desk@shop.test", Role: models.RoleStaff, Name: "Desk"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return actor.Actor{Kind: actor.Staff, UserID: u.ID}
}
