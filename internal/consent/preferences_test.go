package consent

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
)

func TestAgeOn(t *testing.T) {
	t.Parallel()
	for ymd, want := range map[string]int{"2010-03-10": 16, "2010-03-11": 15, "2013-03-09": 13, "": -1, "10/03/2010": -1, "2030-01-01": 0} {
		if got := ageOn(ymd, testNow); got != want {
			t.Errorf("ageOn(%q) = %d, want %d", ymd, got, want)
		}
	}
}

type prefsEnv struct {
	s  *Service
	db *dbtest.DB
	p  Person
}

func newPrefsEnv(t *testing.T, db *dbtest.DB, birth string) prefsEnv {
	return newPrefsEnvFor(t, db, birth, "ada@example.com")
}

func newPrefsEnvFor(t *testing.T, db *dbtest.DB, birth, email string) prefsEnv {
	t.Helper()
	s := newTestService(t, db)
	uid := newUser(t, db, email)
	if birth != "" {
		if err := db.Create(&models.Profile{UserID: uid, BirthDate: birth}).Error; err != nil {
			t.Fatal(err)
		}
	}
	return prefsEnv{s: s, db: db, p: Person{UserID: uid, Email: email}}
}

var ev = Evidence{Method: models.MethodPortal, Locale: "en", IP: "203.0.113.9", UserAgent: "test"}

func (e prefsEnv) prefs(t *testing.T, gpc bool) Preferences {
	t.Helper()
	p, err := e.s.Preferences(context.Background(), e.p, gpc, ev)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e prefsEnv) events(t *testing.T, where string, args ...any) int64 {
	t.Helper()
	var n int64
	q := e.db.Model(&models.ConsentEvent{})
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func tick(choices ...Choice) SaveForm {
	f := SaveForm{Ticked: map[Choice]bool{}, Wording: func(c Choice) string { return "label of " + c.Topic + c.Purpose }}
	for _, c := range choices {
		f.Ticked[c] = true
	}
	return f
}

// TestSaveEmailPendingOthersGranted: an email opt-in waits for its
// confirmation until the window closes; post is granted at once; the
// wording recorded is each choice's own.
func TestSaveEmailPendingOthersGranted(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newPrefsEnv(t, db, "1980-01-01")
		news, post := Marketing("newsletter", models.ChannelEmail), Marketing("catalogues", models.ChannelPost)
		if err := e.s.Save(context.Background(), e.p, tick(news, post), false, ev); err != nil {
			t.Fatal(err)
		}
		st, _ := e.s.States(context.Background(), e.prefs(t, false).SubjectID)
		if st[news].Status != models.ConsentPending || st[news].PendingUntil == nil || !st[news].PendingUntil.Equal(testNow.Add(7*24*time.Hour)) {
			t.Errorf("newsletter by email: %+v, want pending for 7 days", st[news])
		}
		if st[post].Status != models.ConsentGranted {
			t.Errorf("catalogues by post: %+v, want granted", st[post])
		}
		if n := e.events(t, "wording_hash = ?", WordingHash("label of catalogues"+models.PurposeMarketing)); n != 1 {
			t.Errorf("%d events with the catalogue's wording", n)
		}
		// Saving the same form again appends nothing.
		if err := e.s.Save(context.Background(), e.p, tick(news, post), false, ev); err != nil {
			t.Fatal(err)
		}
		if n := e.events(t, ""); n != 2 {
			t.Errorf("%d events after saving twice, want 2", n)
		}
	})
}

// TestUnsubscribeAllIsOneStep: one call withdraws everything given or
// pending, as many steps as giving took (one).
func TestUnsubscribeAllIsOneStep(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newPrefsEnv(t, db, "")
		all := []Choice{Marketing("newsletter", models.ChannelEmail), Marketing("offers", models.ChannelSMS), Marketing("partners", models.ChannelPost)}
		if err := e.s.Save(context.Background(), e.p, tick(all...), false, ev); err != nil {
			t.Fatal(err)
		}
		if err := e.s.UnsubscribeAll(context.Background(), e.p, ev); err != nil {
			t.Fatal(err)
		}
		for _, tc := range e.prefs(t, false).Topics {
			for _, c := range tc.Channels {
				if c.On() {
					t.Errorf("%s by %s still on (%s)", tc.Topic.Key, c.Channel, c.Status)
				}
			}
		}
		if n := e.events(t, "action = ?", models.ConsentWithdrawn); n != 3 {
			t.Errorf("%d withdrawals, want 3", n)
		}
	})
}

// TestGPCOptsOutOnce: the signal opts out of sale even after an explicit
// allow, is recorded once with method gpc, and its absence later does
// not opt back in.
func TestGPCOptsOutOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newPrefsEnv(t, db, "1980-01-01")
		if p := e.prefs(t, false); p.NoSaleShare || p.GPCHonoured {
			t.Fatalf("an adult without choices: %+v", p)
		}
		// Explicitly allow (untick "don't sell"): it is the default, so record it
		// by opting out and back in.
		f := tick()
		f.NoSaleShare = true
		if err := e.s.Save(context.Background(), e.p, f, false, ev); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Save(context.Background(), e.p, tick(), false, ev); err != nil {
			t.Fatal(err)
		}
		if p := e.prefs(t, false); p.NoSaleShare {
			t.Fatal("sharing not allowed after the explicit allow")
		}
		for range 3 {
			if p := e.prefs(t, true); !p.NoSaleShare || !p.GPCHonoured {
				t.Fatalf("with the signal: %+v", p)
			}
		}
		if n := e.events(t, "method = ?", models.MethodGPC); n != 1 {
			t.Errorf("%d gpc events, want 1", n)
		}
		if p := e.prefs(t, false); !p.NoSaleShare || p.GPCHonoured {
			t.Errorf("a visit without the signal: %+v (still opted out, no banner)", p)
		}
		// A form whose box was not shown ticked is no allow under the signal.
		if err := e.s.Save(context.Background(), e.p, tick(), true, ev); err != nil {
			t.Fatal(err)
		}
		if p := e.prefs(t, false); !p.NoSaleShare {
			t.Fatal("a form posted under the signal, its box never shown ticked, allowed sharing")
		}
		// Allowing again is the customer's explicit choice, after the signal:
		// unticking the box shown ticked.
		again := tick()
		again.SaleShownOff = true
		if err := e.s.Save(context.Background(), e.p, again, true, ev); err != nil {
			t.Fatal(err)
		}
		if p := e.prefs(t, false); p.NoSaleShare {
			t.Error("the explicit allow after the signal was not recorded")
		}
	})
}

// TestAgeRules: under the threshold an opt-in is refused and nothing is
// saved; under 16 sale is off by default; under 13 it cannot be allowed;
// an unknown age asks first where the shop serves minors.
func TestAgeRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		teen := newPrefsEnv(t, db, "2011-06-01") // 14
		news := Marketing("newsletter", models.ChannelEmail)
		err := teen.s.Save(ctx, teen.p, tick(news, Marketing("catalogues", models.ChannelPost)), false, ev)
		if !fault.Is(err, fault.Invalid) || fault.FieldsOf(err)[FieldName(news)] != BlockUnderAge {
			t.Fatalf("a 14-year-old's opt-in: %v %v", err, fault.FieldsOf(err))
		}
		if n := teen.events(t, "subject_id IN (SELECT id FROM consent_subjects WHERE user_id = ?)", teen.p.UserID); n != 0 {
			t.Errorf("%d events after a refused save", n)
		}
		p := teen.prefs(t, false)
		if p.Blocked != BlockUnderAge || !p.NoSaleShare || !p.Minor {
			t.Errorf("a 14-year-old's page: %+v", p)
		}
		// A 14-year-old may allow sharing themselves (CCPA: 13 to 15 opt in).
		if err := teen.s.Save(ctx, teen.p, tick(), false, ev); err != nil {
			t.Errorf("a 14-year-old allowing sharing: %v", err)
		}

		child := newPrefsEnvFor(t, db, "2016-01-01", "child@example.com") // 10
		if err := child.s.Save(ctx, child.p, tick(), false, ev); !fault.Is(err, fault.Invalid) || fault.FieldsOf(err)["no_sale_share"] == "" {
			t.Errorf("a 10-year-old allowing sharing: %v", err)
		}
		if p := child.prefs(t, false); p.Blocked != BlockUnder13 || !p.Under13 {
			t.Errorf("a 10-year-old's page: %+v", p)
		}

		unknown := newPrefsEnvFor(t, db, "", "unknown@example.com")
		unknown.s.Settings = settings.New(unknown.db.DB, unknown.db.Dialect, settings.Options{})
		if err := unknown.s.Settings.Set(ctx, actor.SystemActor(), settings.ConsentServesMinors.Key(), true); err != nil {
			t.Fatal(err)
		}
		if p := unknown.prefs(t, false); !p.AskAge || p.Blocked != "" {
			t.Errorf("unknown age, serving minors: %+v", p)
		}
		err = unknown.s.Save(ctx, unknown.p, tick(news), false, ev)
		if fault.FieldsOf(err)[FieldName(news)] != "prefs.error.age_needed" {
			t.Errorf("an opt-in without the age: %v", err)
		}
		f := tick(news)
		f.Age = "15"
		if err := unknown.s.Save(ctx, unknown.p, f, false, ev); fault.FieldsOf(err)[FieldName(news)] != BlockUnderAge {
			t.Errorf("declared 15: %v", err)
		}
		f.Age = "30"
		if err := unknown.s.Save(ctx, unknown.p, f, false, ev); err != nil {
			t.Errorf("declared 30: %v", err)
		}
	})
}

// TestRestrictionAndObjectionBlockOptIn: either keeps marketing off
// whatever the age, and the page says why; withdrawing still works.
func TestRestrictionAndObjectionBlockOptIn(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		e := newPrefsEnv(t, db, "1980-01-01")
		sms := Marketing("offers", models.ChannelSMS)
		if err := e.s.Save(ctx, e.p, tick(sms), false, ev); err != nil {
			t.Fatal(err)
		}
		post := Marketing("catalogues", models.ChannelPost)
		// A restriction of a category marketing does not use blocks nothing.
		if err := db.Create(&models.Restriction{UserID: e.p.UserID, Category: "orders", Ground: "request", PlacedAt: testNow}).Error; err != nil {
			t.Fatal(err)
		}
		if p := e.prefs(t, false); p.Blocked != "" {
			t.Errorf("restricted orders block marketing: %q", p.Blocked)
		}
		if err := db.Create(&models.Restriction{UserID: e.p.UserID, Category: "", Ground: "request", PlacedAt: testNow}).Error; err != nil {
			t.Fatal(err)
		}
		err := e.s.Save(ctx, e.p, tick(sms, post), false, ev)
		if fault.FieldsOf(err)[FieldName(post)] != BlockRestricted {
			t.Errorf("restricted opt-in: %v", err)
		}
		if p := e.prefs(t, false); p.Blocked != BlockRestricted {
			t.Errorf("restricted page: %+v", p)
		}
		if err := e.s.Save(ctx, e.p, tick(), false, ev); err != nil {
			t.Errorf("a restricted customer withdrawing: %v", err)
		}

		// An objection by email alone (made without signing in) counts too.
		o := newPrefsEnvFor(t, db, "", "grace@example.com")
		if err := o.db.Create(&models.MarketingObjection{Email: "grace@example.com", RecordedAt: testNow}).Error; err != nil {
			t.Fatal(err)
		}
		if err := o.s.Save(ctx, o.p, tick(post), false, ev); fault.FieldsOf(err)[FieldName(post)] != BlockObjected {
			t.Errorf("an objector's opt-in: %v", err)
		}
		if n := o.events(t, "subject_id IN (SELECT id FROM consent_subjects WHERE user_id = ?)", o.p.UserID); n != 0 {
			t.Errorf("%d events after the objector's refused save", n)
		}
	})
}

// TestOptOutPublic: the signed-out opt-out records sale withdrawn with
// method public, for an account's address and for an unknown one alike.
func TestOptOutPublic(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newPrefsEnv(t, db, "1980-01-01")
		ctx := context.Background()
		for _, addr := range []string{" Ada@Example.com", "nobody@example.net"} {
			if err := e.s.OptOutPublic(ctx, addr, ev); err != nil {
				t.Fatal(err)
			}
		}
		if n := e.events(t, "method = ? AND purpose = ? AND action = ?", models.MethodPublic, models.PurposeSaleShare, models.ConsentWithdrawn); n != 2 {
			t.Errorf("%d public opt-outs, want 2", n)
		}
		if p := e.prefs(t, false); !p.NoSaleShare {
			t.Error("the account's page does not show the opt-out")
		}
		if err := e.s.OptOutPublic(ctx, "not an address", ev); !fault.Is(err, fault.Invalid) {
			t.Errorf("a bad address: %v", err)
		}
	})
}
