package export

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func customer(id int64) actor.Actor { return actor.Actor{Kind: actor.Customer, UserID: id} }

// built asks for userID's package of cats and builds it.
func built(t *testing.T, s *Service, userID int64, cats []string) models.Export {
	t.Helper()
	ctx := context.Background()
	e, err := s.Request(ctx, customer(userID), userID, cats, "en")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Build(ctx, e.ID); err != nil {
		t.Fatal(err)
	}
	e = reload(t, s, e.ID)
	if e.Status != models.ExportReady {
		t.Fatalf("package %d is %s after its build", e.ID, e.Status)
	}
	return e
}

func TestSelfServiceThrottle(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, clk := newService(t, db)
		uid := newCustomer(t, db, "ada@example.com")
		first, err := s.Request(ctx, customer(uid), uid, nil, "en")
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(23 * time.Hour)
		_, err = s.Request(ctx, customer(uid), uid, nil, "en")
		if !fault.Is(err, fault.Throttled) || fault.WaitOf(err) != time.Hour {
			t.Fatalf("second ask within 24 h: %v (wait %v), want Throttled for 1h", err, fault.WaitOf(err))
		}
		// A package that failed does not count: the customer may ask again.
		if err := s.fail(ctx, first.ID, "build_failed"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Request(ctx, customer(uid), uid, nil, "en"); err != nil {
			t.Fatalf("after a failed package: %v", err)
		}
		clk.Advance(24*time.Hour - time.Second)
		if _, err := s.Request(ctx, customer(uid), uid, nil, "en"); !fault.Is(err, fault.Throttled) || fault.WaitOf(err) != time.Second {
			t.Fatalf("one second early: %v (wait %v)", err, fault.WaitOf(err))
		}
		clk.Advance(time.Second)
		if _, err := s.Request(ctx, customer(uid), uid, nil, "en"); err != nil {
			t.Fatalf("after the interval: %v", err)
		}
		// Someone else may not ask for this customer.
		other := newCustomer(t, db, "bob@example.com")
		if _, err := s.Request(ctx, customer(other), uid, nil, "en"); err == nil {
			t.Error("another customer asked for Ada's data")
		}
	})
}

// categoriesIn lists the category keys in a package's data.json and csv/.
func categoriesIn(t *testing.T, files map[string][]byte) (inJSON, inCSV []string) {
	t.Helper()
	var data struct{ Categories map[string]json.RawMessage }
	if err := json.Unmarshal(files["data.json"], &data); err != nil {
		t.Fatal(err)
	}
	for k := range data.Categories {
		inJSON = append(inJSON, k)
	}
	for name := range files {
		if k, ok := strings.CutPrefix(name, "csv/"); ok {
			inCSV = append(inCSV, strings.TrimSuffix(k, ".csv"))
		}
	}
	sort.Strings(inJSON)
	sort.Strings(inCSV)
	return inJSON, inCSV
}

func TestChosenCategoriesOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		r := richCustomer(t, s, db)
		if _, err := s.Request(ctx, customer(r.UserID), r.UserID, []string{}, "en"); !errors.Is(err, ErrNoCategory) {
			t.Errorf("no category: %v", err)
		}
		if _, err := s.Request(ctx, customer(r.UserID), r.UserID, []string{"orders", "nope"}, "en"); !fault.Is(err, fault.Invalid) {
			t.Errorf("an unknown category: %v", err)
		}
		e := built(t, s, r.UserID, []string{"photos", "orders", "orders"})
		files := unzip(t, s, e)
		want := []string{"orders", "photos"}
		if j, c := categoriesIn(t, files); !slices.Equal(j, want) || !slices.Equal(c, want) {
			t.Errorf("chosen orders and photos; data.json has %v, csv/ %v", j, c)
		}
		if _, ok := files[PhotoPath(r.Photo.ID, "image/jpeg")]; !ok {
			t.Error("the chosen photos are not in the ZIP")
		}
		if strings.Contains(string(files["data.json"]), r.Message.Subject) {
			t.Error("a category left out is in data.json")
		}

		// A formal request's package holds everything, whatever was asked before.
		var pkg models.Export
		err := db.Transaction(func(tx *gorm.DB) error { return s.StartForRequest(tx, &r.Request) })
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.ForRequest(ctx, r.Request.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("ForRequest: %v, %d", err, len(list))
		}
		pkg = list[0]
		if pkg.Categories != "" || pkg.Locale != "fr" {
			t.Errorf("request package: categories %q, locale %q", pkg.Categories, pkg.Locale)
		}
		if err := s.Build(ctx, pkg.ID); err != nil {
			t.Fatal(err)
		}
		all := []string{"consents", "contact", "logins", "orders", "payments", "photos", "profile", "requests", "surveys"}
		if j, c := categoriesIn(t, unzip(t, s, reload(t, s, pkg.ID))); !slices.Equal(j, all) || !slices.Equal(c, all) {
			t.Errorf("request package: data.json %v, csv/ %v; want all %v", j, c, all)
		}
	})
}

func TestExpiryAndSweep(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, clk := newService(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		bob := newCustomer(t, db, "bob@example.com")
		cyd := newCustomer(t, db, "cyd@example.com")
		a, b := built(t, s, ada, nil), built(t, s, bob, nil)
		clk.Advance(24 * time.Hour)
		c := built(t, s, cyd, nil) // a day younger: not yet due

		_, rc, err := s.Download(ctx, customer(ada), ada, a.ID)
		if err != nil {
			t.Fatalf("download before expiry: %v", err)
		}
		rc.Close()
		clk.Advance(6 * 24 * time.Hour) // a and b: exactly export.keep old
		if _, _, err := s.Download(ctx, customer(ada), ada, a.ID); !errors.Is(err, ErrGone) || !fault.Is(err, fault.Gone) {
			t.Fatalf("download after expiry: %v, want ErrGone", err)
		}
		if s.Vault.Exists(a.FileKey) {
			t.Error("the expired package's file is still in the vault")
		}
		if got := reload(t, s, a.ID); got.Status != models.ExportExpired || got.DeletedAt == nil {
			t.Errorf("after a late download: %s, deleted %v", got.Status, got.DeletedAt)
		}
		if _, _, err := s.Download(ctx, customer(ada), ada, a.ID); !errors.Is(err, ErrGone) {
			t.Errorf("second download of an expired package: %v", err)
		}

		n, err := s.Sweep(ctx)
		if err != nil || n != 1 {
			t.Fatalf("sweep: %d, %v; want b alone retired", n, err)
		}
		if s.Vault.Exists(b.FileKey) || reload(t, s, b.ID).Status != models.ExportExpired {
			t.Error("the sweep left b's file or status")
		}
		if !s.Vault.Exists(c.FileKey) || reload(t, s, c.ID).Status != models.ExportReady {
			t.Error("the sweep touched a package not yet due")
		}
		if n, err := s.Sweep(ctx); err != nil || n != 0 {
			t.Errorf("second sweep: %d, %v; want nothing left", n, err)
		}
		clk.Advance(24 * time.Hour)
		if n, err := s.Sweep(ctx); err != nil || n != 1 || s.Vault.Exists(c.FileKey) {
			t.Errorf("c's sweep: %d, %v", n, err)
		}
		var audits int64
		db.Model(&models.AuditEntry{}).Where("action = ?", "export.expired").Count(&audits)
		if audits != 2 {
			t.Errorf("%d export.expired audit entries, want 2 (the sweeps)", audits)
		}
	})
}

func TestAnotherCustomersPackageIsNotFound(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		ada := newCustomer(t, db, "ada@example.com")
		bob := newCustomer(t, db, "bob@example.com")
		e := built(t, s, ada, nil)
		if _, err := s.One(ctx, customer(bob), bob, e.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("One of another's package: %v", err)
		}
		if _, rc, err := s.Download(ctx, customer(bob), bob, e.ID); !errors.Is(err, ErrNotFound) || rc != nil {
			t.Errorf("Download of another's package: %v", err)
		}
		if _, _, err := s.Download(ctx, customer(bob), bob, e.ID+1000); !errors.Is(err, ErrNotFound) {
			t.Errorf("Download of no package: %v", err)
		}
		// Asking under another's id is refused before any lookup.
		if _, _, err := s.Download(ctx, customer(bob), ada, e.ID); err == nil {
			t.Error("bob downloaded ada's package by naming her id")
		}
		if list, err := s.Mine(ctx, customer(bob), bob, 10); err != nil || len(list) != 0 {
			t.Errorf("bob's list: %d, %v", len(list), err)
		}
		if got := reload(t, s, e.ID); got.Downloads != 0 {
			t.Errorf("refused downloads counted: %d", got.Downloads)
		}
	})
}

// TestAccessRequestCompletesWithItsPackage: staff approve an access
// request; the hand-off queues the package; its build completes the
// request.
func TestAccessRequestCompletesWithItsPackage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		s.Requests.Handoffs = map[models.RequestKind]requests.Handoff{models.RequestAccess: s.StartForRequest}
		r := richCustomer(t, s, db)
		var staff models.User
		if err := db.Where("role = ?", models.RoleStaff).Take(&staff).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.Requests.Approve(ctx, actor.Actor{Kind: actor.Staff, UserID: staff.ID}, r.Request.ID); err != nil {
			t.Fatal(err)
		}
		status := func() models.RequestStatus {
			var pr models.PrivacyRequest
			if err := db.Where("id = ?", r.Request.ID).Take(&pr).Error; err != nil {
				t.Fatal(err)
			}
			return pr.Status
		}
		if st := status(); st != models.StatusWaitingFulfilment {
			t.Fatalf("after approval: %s", st)
		}
		list, err := s.ForRequest(ctx, r.Request.ID)
		if err != nil || len(list) != 1 || list[0].Status != models.ExportQueued {
			t.Fatalf("hand-off packages: %v %+v", err, list)
		}
		var jobs int64
		db.Model(&models.Job{}).Where("kind = ?", KindBuild).Count(&jobs)
		if jobs != 1 {
			t.Errorf("%d build jobs queued", jobs)
		}
		if err := s.Build(ctx, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if st := status(); st != models.StatusCompleted {
			t.Errorf("after the package: %s, want completed", st)
		}
		if e := reload(t, s, list[0].ID); e.Status != models.ExportReady {
			t.Errorf("package: %s", e.Status)
		}
		// Building again changes nothing: the request stays completed, once.
		if err := s.Build(ctx, list[0].ID); err != nil {
			t.Fatal(err)
		}
		var completes int64
		db.Model(&models.RequestEvent{}).Where("request_id = ? AND action = ?", r.Request.ID, "complete").Count(&completes)
		if completes != 1 {
			t.Errorf("%d completion events", completes)
		}
	})
}
