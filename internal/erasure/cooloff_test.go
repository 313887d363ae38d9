package erasure

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

type coolClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *coolClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *coolClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var coolNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

// TestCoolOffEndsBeforeTheDeadline: the cool-off is the setting's length
// unless that would leave less than RunMargin before the request's due
// date; it never ends before now, nor after the due date.
func TestCoolOffEndsBeforeTheDeadline(t *testing.T) {
	t.Parallel()
	s := &Service{}
	day := 24 * time.Hour
	cases := []struct {
		name string
		due  time.Time
		want time.Time
	}{
		{"a month left: the full 14 days", coolNow.Add(30 * day), coolNow.Add(14 * day)},
		{"10 days left: shortened to a day before the deadline", coolNow.Add(10 * day), coolNow.Add(9 * day)},
		{"exactly 15 days left: the full 14", coolNow.Add(15 * day), coolNow.Add(14 * day)},
		{"hours left: none at all", coolNow.Add(10 * time.Hour), coolNow},
		{"overdue: none at all", coolNow.Add(-day), coolNow},
	}
	for _, c := range cases {
		r := &models.PrivacyRequest{DueAt: c.due}
		got := s.CoolOffEnd(r, coolNow)
		if !got.Equal(c.want) {
			t.Errorf("%s: CoolOffEnd = %s, want %s", c.name, got, c.want)
		}
		if got.After(c.due) && c.due.After(coolNow) {
			t.Errorf("%s: the cool-off ends after the due date", c.name)
		}
	}
}

type coolFixture struct {
	s     *Service
	clock *coolClock
	db    *dbtest.DB
	staff actor.Actor
}

func newCoolFixture(t *testing.T, db *dbtest.DB) *coolFixture {
	t.Helper()
	c := &coolClock{t: coolNow}
	if err := holdings.SeedCategories(context.Background(), db.DB); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "https://portal.example.com"}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	req := &requests.Service{DB: db.DB, Dialect: db.Dialect, Mailer: mailer, BaseURL: "https://portal.example.com", Now: c.Now, Logger: quiet}
	s := &Service{DB: db.DB, Dialect: db.Dialect, Mailer: mailer, Requests: req, Now: c.Now, Logger: quiet}
	req.Handoffs = map[models.RequestKind]requests.Handoff{models.RequestErasure: s.Schedule}
	req.HandoffNotes = map[models.RequestKind]func(tx *gorm.DB, r *models.PrivacyRequest) (string, error){models.RequestErasure: s.CoolOffNote}
	return &coolFixture{s: s, clock: c, db: db}
}

func (f *coolFixture) customer(t *testing.T, email string) actor.Actor {
	t.Helper()
	u := models.User{Email: email, Role: models.RoleCustomer, Name: "Ada Lovelace", Locale: "en"}
	if err := f.db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return actor.Actor{Kind: actor.Customer, UserID: u.ID}
}

// approvedErasure files an erasure as a, verified and approved by staff.
func (f *coolFixture) approvedErasure(t *testing.T, a actor.Actor) models.PrivacyRequest {
	t.Helper()
	ctx := context.Background()
	if f.staff.UserID == 0 {
		staff := models.User{Email: "sam@shop.example", Role: models.RoleStaff, Name: "Sam"}
		if err := f.db.Create(&staff).Error; err != nil {
			t.Fatal(err)
		}
		f.staff = actor.Actor{Kind: actor.Staff, UserID: staff.ID}
	}
	sa := f.staff
	r, err := f.s.Requests.FileAsCustomer(ctx, a, a.UserID, requests.Filing{Kind: models.RequestErasure})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status == models.StatusAwaitingVerification {
		if err := f.s.Requests.VerifyIdentity(ctx, sa, r.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.s.Requests.Approve(ctx, sa, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Take(&r, r.ID).Error; err != nil {
		t.Fatal(err)
	}
	return r
}

func TestApprovalStartsTheCoolOff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newCoolFixture(t, db)
		ctx := context.Background()
		me := f.customer(t, "ada@example.com")
		other := f.customer(t, "grace@example.com")
		r := f.approvedErasure(t, me)
		if r.Status != models.StatusWaitingFulfilment {
			t.Fatalf("approved erasure is %s, want waiting for fulfilment", r.Status)
		}
		e, found, err := f.s.Mine(ctx, me, r.ID)
		if err != nil || !found {
			t.Fatalf("Mine = %v, %v", found, err)
		}
		if e.Status != models.ErasureCoolingOff || !e.CoolOffUntil.Equal(f.s.CoolOffEnd(&r, coolNow)) ||
			e.ReportEmail != "ada@example.com" || e.UserID == nil || *e.UserID != me.UserID {
			t.Errorf("erasure after approval = %+v", e)
		}
		// The requester is told the date with the approval.
		var ev models.RequestEvent
		if err := db.Where("request_id = ? AND action = ?", r.ID, string(requests.ActHandOff)).Take(&ev).Error; err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ev.Note, "Your data will be erased on") {
			t.Errorf("hand-off note %q does not give the date", ev.Note)
		}
		// Another customer sees nothing of it, and cannot touch it.
		if _, found, err := f.s.Mine(ctx, other, r.ID); found || !errors.Is(err, nil) && !errors.Is(err, ErrNotFound) {
			t.Errorf("another customer's Mine = %v, %v", found, err)
		}
		for name, act := range map[string]func(context.Context, actor.Actor, int64) error{"Cancel": f.s.Cancel, "Waive": f.s.Waive} {
			if err := act(ctx, other, r.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s by another customer = %v, want not found", name, err)
			}
			if err := act(ctx, actor.Actor{Kind: actor.Staff, UserID: me.UserID}, r.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s by staff = %v, want not found (it is the customer's choice)", name, err)
			}
		}
	})
}

func TestCancelDuringTheCoolOff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newCoolFixture(t, db)
		ctx := context.Background()
		me := f.customer(t, "ada@example.com")
		r := f.approvedErasure(t, me)
		f.clock.Advance(24 * time.Hour)
		if err := f.s.Cancel(ctx, me, r.ID); err != nil {
			t.Fatal(err)
		}
		var e models.Erasure
		db.Where("request_id = ?", r.ID).Take(&e)
		if e.Status != models.ErasureCancelled || e.CancelledAt == nil {
			t.Errorf("erasure after cancel = %+v", e)
		}
		db.Take(&r, r.ID)
		if r.Status != models.StatusCancelled {
			t.Errorf("request after cancel is %s, want cancelled", r.Status)
		}
		if err := f.s.Cancel(ctx, me, r.ID); !errors.Is(err, ErrStarted) {
			t.Errorf("second cancel = %v, want ErrStarted", err)
		}
		var n int64
		db.Model(&models.AuditEntry{}).Where("action = ?", "erasure.cancelled").Count(&n)
		if n != 1 {
			t.Errorf("%d erasure.cancelled audit entries, want 1", n)
		}
	})
}

func TestCoolOffOverOrWaived(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newCoolFixture(t, db)
		ctx := context.Background()
		late := f.customer(t, "late@example.com")
		r := f.approvedErasure(t, late)
		e, _, _ := f.s.Mine(ctx, late, r.ID)
		f.clock.Advance(e.CoolOffUntil.Sub(coolNow))
		if err := f.s.Cancel(ctx, late, r.ID); !errors.Is(err, ErrStarted) {
			t.Errorf("cancel once the cool-off is over = %v, want ErrStarted", err)
		}

		eager := f.customer(t, "eager@example.com")
		r2 := f.approvedErasure(t, eager)
		if err := f.s.Waive(ctx, eager, r2.ID); err != nil {
			t.Fatal(err)
		}
		e2, _, _ := f.s.Mine(ctx, eager, r2.ID)
		if e2.WaivedAt == nil || e2.CoolOffUntil.After(f.clock.Now()) || e2.Status != models.ErasureCoolingOff {
			t.Errorf("erasure after waiving = %+v", e2)
		}
		if err := f.s.Cancel(ctx, eager, r2.ID); !errors.Is(err, ErrStarted) {
			t.Errorf("cancel after waiving = %v, want ErrStarted", err)
		}
		db.Take(&r2, r2.ID)
		if r2.Status != models.StatusWaitingFulfilment {
			t.Errorf("a waived erasure's request is %s, want still waiting for fulfilment", r2.Status)
		}
	})
}

// TestCoolOffFollowsAnEarlierDeadline: staff changing the jurisdiction
// of an approved erasure to one with an earlier deadline end its cool-off
// earlier too, never after the new due date.
func TestCoolOffFollowsAnEarlierDeadline(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newCoolFixture(t, db)
		ctx := context.Background()
		me := f.customer(t, "ada@example.com")
		r := f.approvedErasure(t, me)
		// Filed under the CCPA (45 days), the cool-off runs its 14 days.
		if err := db.Model(&models.PrivacyRequest{}).Where("id = ?", r.ID).Updates(map[string]any{"jurisdiction": models.JurisdictionCCPA,
			"first_due_at": requests.FirstDue(models.JurisdictionCCPA, coolNow.Add(-20*24*time.Hour)), "received_at": coolNow.Add(-20 * 24 * time.Hour),
			"due_at": requests.FirstDue(models.JurisdictionCCPA, coolNow.Add(-20*24*time.Hour))}).Error; err != nil {
			t.Fatal(err)
		}
		before, _, _ := f.s.Mine(ctx, me, r.ID)
		if err := f.s.Requests.SetJurisdiction(ctx, f.staff, r.ID, models.JurisdictionGDPR); err != nil {
			t.Fatal(err)
		}
		db.Take(&r, r.ID)
		e, _, _ := f.s.Mine(ctx, me, r.ID)
		if !before.CoolOffUntil.After(r.DueAt.Add(-RunMargin)) {
			t.Fatalf("the case is wrong: the cool-off (%s) already ended before the new deadline (%s)", before.CoolOffUntil, r.DueAt)
		}
		if !e.CoolOffUntil.Equal(r.DueAt.Add(-RunMargin)) {
			t.Errorf("cool-off until %s, want a day before the new deadline %s", e.CoolOffUntil, r.DueAt)
		}
	})
}
