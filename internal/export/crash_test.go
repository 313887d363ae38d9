package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

// watchReport is the plain report that reads the package's row as the
// page would while it is written, and can fail like a crash mid-build.
type watchReport struct {
	plainReport
	s    *Service
	id   int64
	seen []string // step/progress as the row said, at each call
	fail error    // returned from Rows, once rows are being written
}

func (w *watchReport) look(ctx context.Context) {
	var e models.Export
	if err := w.s.DB.WithContext(ctx).Where("id = ?", w.id).Take(&e).Error; err == nil {
		w.seen = append(w.seen, fmt.Sprintf("%s %s %d", e.Status, e.Step, e.Progress))
	}
}

func (w *watchReport) Begin(ctx context.Context, out io.Writer, info *ReportInfo) error {
	w.look(ctx)
	return w.plainReport.Begin(ctx, out, info)
}

func (w *watchReport) Rows(ctx context.Context, out io.Writer, c *ReportCategory, s *ReportSet, rows [][]any) error {
	if w.fail != nil {
		return w.fail
	}
	w.look(ctx)
	return w.plainReport.Rows(ctx, out, c, s, rows)
}

// TestProgressMovesDuringTheBuild: the page polls the row; it must see
// the steps advance while the package is written, not 0 then 100.
func TestProgressMovesDuringTheBuild(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		s.ProgressEvery = 1 // every row writes it, so the test sees each step
		uid := newCustomer(t, db, "ada@example.com")
		addOrders(t, db, uid, 30, 3)
		for i := range 5 {
			addPhoto(t, s, uid, fmt.Sprintf("p%d.jpg", i), []byte("jpeg"))
		}
		e, err := s.Request(ctx, customer(uid), uid, nil, "en")
		if err != nil {
			t.Fatal(err)
		}
		w := &watchReport{s: s, id: e.ID}
		s.Report = w
		if err := s.Build(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if len(w.seen) < 3 {
			t.Fatalf("saw %v", w.seen)
		}
		var last int
		for i, line := range w.seen {
			var status, step string
			var pct int
			fmt.Sscanf(line, "%s %s %d", &status, &step, &pct)
			if status != string(models.ExportBuilding) || step != StepReport || pct < stepStart[StepReport] || pct > 99 || pct < last {
				t.Errorf("during the report, call %d: %q (want building report, %d..99, never back)", i, line, stepStart[StepReport])
			}
			last = pct
		}
		if first, end := w.seen[0], w.seen[len(w.seen)-1]; first == end {
			t.Errorf("progress did not move during the report: %v", w.seen)
		}
		if got := reload(t, s, e.ID); got.Progress != 100 || got.Step != "" || got.Status != models.ExportReady {
			t.Errorf("after: %s %q %d", got.Status, got.Step, got.Progress)
		}
	})
}

// TestCrashMidBuildLeavesNoPackage: a build that dies while writing
// leaves nothing under its key (at most a temporary file) and the row
// building; the rerun writes the one package, under the same key.
func TestCrashMidBuildLeavesNoPackage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		uid := newCustomer(t, db, "ada@example.com")
		addOrders(t, db, uid, 5, 2)
		ph := addPhoto(t, s, uid, "a.jpg", []byte("jpeg bytes"))
		e, err := s.Request(ctx, customer(uid), uid, nil, "en")
		if err != nil {
			t.Fatal(err)
		}
		crash := errors.New("power cut")
		s.Report = &watchReport{s: s, id: e.ID, fail: crash}
		if err := s.Build(ctx, e.ID); !errors.Is(err, crash) {
			t.Fatalf("build: %v, want the crash", err)
		}
		mid := reload(t, s, e.ID)
		if mid.Status != models.ExportBuilding || mid.FileKey == "" || mid.ReadyAt != nil {
			t.Fatalf("after the crash: %+v", mid)
		}
		if s.Vault.Exists(mid.FileKey) {
			t.Error("a half-written package is under its key")
		}
		stored, temp := vaultFiles(t, s)
		if len(stored) != 1 || len(temp) > 1 {
			t.Errorf("after the crash the vault holds %v and temporary %v; want the photo alone, one temp at most", stored, temp)
		}
		if _, _, err := s.Download(ctx, customer(uid), uid, e.ID); !errors.Is(err, ErrNotReady) {
			t.Errorf("download after the crash: %v", err)
		}

		// A cancelled job (the process stopping) is a crash too.
		cctx, cancel := context.WithCancel(ctx)
		s.Report = &cancelReport{cancel: cancel}
		if err := s.Build(cctx, e.ID); err == nil {
			t.Fatal("a cancelled build succeeded")
		}
		cancelled := reload(t, s, e.ID)
		if s.Vault.Exists(mid.FileKey) || s.Vault.Exists(cancelled.FileKey) || cancelled.Status != models.ExportBuilding {
			t.Error("a cancelled build left a package")
		}

		s.Report = plainReport{}
		if err := s.Build(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		done := reload(t, s, e.ID)
		// Each attempt writes under a key of its own.
		if done.Status != models.ExportReady || done.FileKey == mid.FileKey || !s.Vault.Exists(done.FileKey) {
			t.Fatalf("after the rerun: %+v", done)
		}
		stored, _ = vaultFiles(t, s)
		packages := 0
		for _, name := range stored {
			if name == done.FileKey {
				packages++
			}
		}
		if packages != 1 || len(stored) != 2 {
			t.Errorf("vault after the rerun: %v; want the photo and one package", stored)
		}
		if _, ok := unzip(t, s, done)[PhotoPath(ph.ID, "image/jpeg")]; !ok {
			t.Error("the rebuilt package lacks the photo")
		}
		// A build of a ready package leaves it alone.
		if err := s.Build(ctx, e.ID); err != nil || reload(t, s, e.ID).SHA256 != done.SHA256 {
			t.Errorf("a second build of a ready package: %v", err)
		}
	})
}

// cancelReport cancels the build's context as the report's rows start,
// and carries on: the builder must notice by itself.
type cancelReport struct {
	plainReport
	cancel func()
}

func (c *cancelReport) Rows(ctx context.Context, out io.Writer, cat *ReportCategory, s *ReportSet, rows [][]any) error {
	c.cancel()
	return c.plainReport.Rows(ctx, out, cat, s, rows)
}
