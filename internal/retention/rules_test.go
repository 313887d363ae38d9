package retention

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestContactExpiresAfterItsPeriod(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		u := e.customer(t, "contact@example.com")
		old := e.message(t, u, 91*day)
		young := e.message(t, u, 89*day)
		counts := e.run(t)
		if counts["contact_messages"] != 1 {
			t.Errorf("deleted %d contact messages, want 1", counts["contact_messages"])
		}
		if e.count(t, &models.ContactMessage{}, "id = ?", old.ID) != 0 || e.count(t, &models.ContactMessage{}, "id = ?", young.ID) != 1 {
			t.Error("want the 91-day-old message gone and the 89-day-old one kept")
		}
		// The per-customer count follows (the registry's triggers).
		var n int64
		db.Raw("SELECT n FROM holding_tallies WHERE user_id = ? AND category = ?", u.ID, holdings.KeyContact).Scan(&n)
		if n != 1 {
			t.Errorf("tally %d, want 1", n)
		}
		// Two days later the other one is past its period; a longer
		// setting keeps it.
		e.clock.Advance(2 * day)
		e.setting(t, "retention.contact", 120*day)
		if c := e.run(t); c["contact_messages"] != 0 {
			t.Errorf("with 120 days, deleted %d", c["contact_messages"])
		}
		e.setting(t, "retention.contact", 90*day)
		if c := e.run(t); c["contact_messages"] != 1 {
			t.Errorf("deleted %d, want the second message", c["contact_messages"])
		}
	})
}

func TestRunAuditsCountsOnly(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		u := e.customer(t, "audited@example.com")
		e.message(t, u, 200*day)
		e.run(t)
		var entries []models.AuditEntry
		if err := db.Where("action = ?", ActionRun).Find(&entries).Error; err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Fatalf("%d audit entries, want one per run", len(entries))
		}
		var d map[string]string
		if err := json.Unmarshal([]byte(entries[0].Details), &d); err != nil {
			t.Fatal(err)
		}
		if d["contact_messages"] != "1" || d["login_events"] != "0" {
			t.Errorf("details %v", d)
		}
		for k, v := range d {
			if len(v) > 10 {
				t.Errorf("detail %s=%q is not a count", k, v)
			}
		}
	})
}

// TestInterruptedRunIsAudited: a run stopped part-way (the worker shutting
// down) still records what it deleted, and returns the error.
func TestInterruptedRunIsAudited(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	e := newEnv(t, db)
	u := e.customer(t, "cut@example.com")
	e.message(t, u, 200*day)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.s.Run(ctx); err == nil {
		t.Fatal("a cancelled run reported no error")
	}
	if n := e.count(t, &models.AuditEntry{}, "action = ?", ActionRun); n != 1 {
		t.Errorf("%d audit entries, want the interrupted run's", n)
	}
	if n := e.count(t, &models.ContactMessage{}, ""); n != 1 {
		t.Errorf("%d messages: a cancelled run deleted", n)
	}
}

func TestBatches(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		u := e.customer(t, "batches@example.com")
		msgs := make([]models.ContactMessage, 120)
		for i := range msgs {
			msgs[i] = models.ContactMessage{UserID: u.ID, CreatedAt: testNow.Add(-100*day - time.Duration(i)*time.Minute),
				Channel: "email", Direction: "in", Subject: "s", Body: "b"}
		}
		if err := db.CreateInBatches(msgs, 50).Error; err != nil {
			t.Fatal(err)
		}
		rule := ruleNamed(t, "contact_messages")
		cutoff, err := rule.cutoff(nil, testNow)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []int64{50, 50, 20, 0} {
			var n int64
			err := db.Transaction(func(tx *gorm.DB) error {
				var err error
				n, err = e.s.batch(tx, rule, cutoff, 50, testNow)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("batch %d deleted %d, want %d", i, n, want)
			}
		}
		// The setting bounds a run's batches; the run goes on until done.
		e.message(t, u, 100*day)
		e.message(t, u, 100*day)
		e.setting(t, "retention.batch", 50)
		n, err := e.s.apply(context.Background(), rule, testNow, 1)
		if err != nil || n != 2 {
			t.Errorf("apply: %d, %v; want 2 in batches of one", n, err)
		}
	})
}

func TestHoldsAndRestrictionsAreKept(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		staff := models.User{Email: "staff@example.com", Role: models.RoleStaff}
		e.create(t, &staff)
		cases := []struct {
			name string
			prep func(u models.User)
			kept bool
		}{
			{"none", func(models.User) {}, false},
			{"hold on contact", func(u models.User) {
				e.create(t, &models.LegalHold{UserID: u.ID, Categories: "orders, contact", Reason: "claim", PlacedByID: staff.ID, PlacedAt: testNow})
			}, true},
			{"hold on photos only", func(u models.User) {
				e.create(t, &models.LegalHold{UserID: u.ID, Categories: "photos", Reason: "claim", PlacedByID: staff.ID, PlacedAt: testNow})
			}, false},
			{"released hold", func(u models.User) {
				e.create(t, &models.LegalHold{UserID: u.ID, Categories: "contact", Reason: "claim", PlacedByID: staff.ID,
					PlacedAt: testNow.Add(-10 * day), ReleasedAt: ptr(testNow.Add(-day)), ReleasedByID: &staff.ID})
			}, false},
			{"restriction of everything", func(u models.User) {
				e.create(t, &models.Restriction{UserID: u.ID, Ground: "request", PlacedAt: testNow})
			}, true},
			{"restriction of contact", func(u models.User) {
				e.create(t, &models.Restriction{UserID: u.ID, Category: "contact", Ground: "request", PlacedAt: testNow})
			}, true},
			{"restriction of photos", func(u models.User) {
				e.create(t, &models.Restriction{UserID: u.ID, Category: "photos", Ground: "request", PlacedAt: testNow})
			}, false},
			{"lifted restriction", func(u models.User) {
				e.create(t, &models.Restriction{UserID: u.ID, Ground: "request", PlacedAt: testNow.Add(-10 * day), LiftedAt: ptr(testNow.Add(-day))})
			}, false},
		}
		ids := make([]int64, len(cases))
		for i, c := range cases {
			u := e.customer(t, "held"+string(rune('a'+i))+"@example.com")
			c.prep(u)
			ids[i] = e.message(t, u, 300*day).ID
		}
		f, err := e.s.DryRun(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := int64(0)
		for _, c := range cases {
			if !c.kept {
				want++
			}
		}
		if got := due(f, "contact_messages"); got != want {
			t.Errorf("dry run: %d due, want %d", got, want)
		}
		e.run(t)
		for i, c := range cases {
			if left := e.count(t, &models.ContactMessage{}, "id = ?", ids[i]); (left == 1) != c.kept {
				t.Errorf("%s: %d left, kept %v", c.name, left, c.kept)
			}
		}
	})
}

// TestRulesReadDeclaredSettings: every rule's period names a declared
// duration setting (a typo would stop every run), and names are unique.
func TestRulesReadDeclaredSettings(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.Name] {
			t.Errorf("rule %s twice", r.Name)
		}
		seen[r.Name] = true
		if _, err := r.period(nil); err != nil {
			t.Error(err)
		}
	}
	bad := Rule{Expiry: holdings.Expiry{Name: "x", PeriodSetting: "retention.batch"}}
	if _, err := bad.period(nil); err == nil {
		t.Error("an int setting was accepted as a period")
	}
}

func ruleNamed(t *testing.T, name string) Rule {
	t.Helper()
	for _, r := range Rules() {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no rule %q", name)
	return Rule{}
}

func due(f Forecast, name string) int64 {
	for _, r := range f.Rules {
		if r.Name == name {
			return r.Due
		}
	}
	return -1
}

func TestPhotosGoWithTheirFiles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		u := e.customer(t, "photos@example.com")
		photo := func(uploaded time.Duration, paid *time.Duration) models.Photo {
			fk, err := e.s.Vault.Put([]byte("original"))
			if err != nil {
				t.Fatal(err)
			}
			tk, err := e.s.Vault.Put([]byte("thumb"))
			if err != nil {
				t.Fatal(err)
			}
			p := models.Photo{UserID: u.ID, Filename: "IMG.png", ContentType: "image/png", FileKey: fk, ThumbKey: tk,
				UploadedAt: testNow.Add(-uploaded)}
			if paid != nil {
				p.PaidAt = ptr(testNow.Add(-*paid))
			}
			e.create(t, &p)
			return p
		}
		cases := []struct {
			name string
			p    models.Photo
			kept bool
		}{
			{"paid 7 months ago", photo(300*day, ptr(200*day)), false},
			{"paid 3 months ago, uploaded long before", photo(300*day, ptr(90*day)), true},
			{"never ordered, uploaded 7 months ago", photo(200*day, nil), false},
			{"never ordered, uploaded a month ago", photo(30*day, nil), true},
		}
		counts := e.run(t)
		if counts["photos_paid"] != 1 || counts["photos_unordered"] != 1 {
			t.Errorf("counts %v", counts)
		}
		for _, c := range cases {
			row := e.count(t, &models.Photo{}, "id = ?", c.p.ID) == 1
			files := e.s.Vault.Exists(c.p.FileKey) && e.s.Vault.Exists(c.p.ThumbKey)
			if row != c.kept || files != c.kept {
				t.Errorf("%s: row %v, files %v; want kept %v", c.name, row, files, c.kept)
			}
		}
		if n := e.count(t, &models.VaultDeletion{}, ""); n != 0 {
			t.Errorf("%d vault deletions left listed", n)
		}
	})
}

func TestSignInHistoryAndSessions(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		u := e.customer(t, "logins@example.com")
		e.create(t,
			&models.LoginEvent{UserID: u.ID, CreatedAt: testNow.Add(-380 * day), Event: "signin"},
			&models.LoginEvent{UserID: u.ID, CreatedAt: testNow.Add(-375 * day), Event: "signout"},
			&models.LoginEvent{UserID: u.ID, CreatedAt: testNow.Add(-300 * day), Event: "signin"},
			&models.Session{TokenHash: "a", UserID: &u.ID, LastSeenAt: testNow.Add(-2 * day), ExpiresAt: testNow.Add(-day)},
			&models.Session{TokenHash: "b", UserID: &u.ID, LastSeenAt: testNow, ExpiresAt: testNow.Add(day)})
		// Another customer's only sign-in, long ago, stays: the dormancy
		// rule reads it.
		lone := e.customer(t, "lone@example.com")
		e.create(t, &models.LoginEvent{UserID: lone.ID, CreatedAt: testNow.Add(-900 * day), Event: "signin"},
			&models.LoginEvent{UserID: lone.ID, CreatedAt: testNow.Add(-890 * day), Event: "signin_failed"})
		counts := e.run(t)
		if counts["login_events"] != 3 || counts["sessions_expired"] != 1 {
			t.Errorf("counts %v", counts)
		}
		if e.count(t, &models.LoginEvent{}, "user_id = ?", lone.ID) != 1 || e.count(t, &models.LoginEvent{}, "user_id = ?", u.ID) != 1 {
			t.Error("want each customer's newest sign-in kept")
		}
		if e.count(t, &models.Session{}, "token_hash = ?", "b") != 1 {
			t.Error("the live session went")
		}
	})
}

func TestHousekeeping(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		u := e.customer(t, "records@example.com")
		request := func(closed time.Duration) models.PrivacyRequest {
			at := testNow.Add(-closed)
			r := models.PrivacyRequest{UserID: &u.ID, Kind: models.RequestAccess, Status: models.StatusCompleted,
				Channel: models.ChannelPortal, Jurisdiction: "gdpr", RequesterEmail: u.Email, ReceivedAt: at.Add(-10 * day),
				FirstDueAt: at, DueAt: at, ClosedAt: &at}
			e.create(t, &r)
			return r
		}
		old, recent := request(740*day), request(700*day)
		fk, err := e.s.Vault.Put([]byte("id document"))
		if err != nil {
			t.Fatal(err)
		}
		e.create(t,
			&models.RequestMessage{RequestID: old.ID, At: testNow.Add(-745 * day), AuthorKind: "requester", Body: "hello"},
			&models.RequestDocument{RequestID: old.ID, Purpose: models.DocumentIdentity, FileKey: fk, ContentType: "image/png"},
			&models.OutboxMessage{ToAddress: "x@example.com", Template: "test", Locale: "en", Subject: "s", TextBody: "t", HTMLBody: "h",
				Status: models.OutboxSent, CreatedAt: testNow.Add(-31 * day)},
			&models.OutboxMessage{ToAddress: "y@example.com", Template: "test", Locale: "en", Subject: "s", TextBody: "t", HTMLBody: "h",
				Status: models.OutboxHeld, CreatedAt: testNow.Add(-31 * day)},
			// Still to be sent: kept, whatever its age.
			&models.OutboxMessage{ToAddress: "z@example.com", Template: "test", Locale: "en", Subject: "s", TextBody: "t", HTMLBody: "h",
				Status: models.OutboxPending, CreatedAt: testNow.Add(-31 * day)},
			&models.Job{Kind: "k", Payload: `{"a":1}`, Status: models.JobDone, RunAt: testNow, UpdatedAt: testNow.Add(-15 * day)},
			&models.Job{Kind: "k", Payload: `{"a":2}`, Status: models.JobDead, RunAt: testNow, UpdatedAt: testNow.Add(-15 * day)},
			&models.Job{Kind: "k", Payload: `{"a":3}`, Status: models.JobDone, RunAt: testNow, UpdatedAt: testNow.Add(-day)},
			&models.RetainedInvoice{Number: "INV-1", IssuedAt: testNow.AddDate(-11, 0, 0), Currency: "EUR", TotalCents: 100,
				RetainUntil: testNow.Add(-day), CreatedAt: testNow.AddDate(-1, 0, 0)},
			&models.RetainedInvoice{Number: "INV-2", IssuedAt: testNow.AddDate(-9, 0, 0), Currency: "EUR", TotalCents: 100,
				RetainUntil: testNow.Add(day), CreatedAt: testNow.AddDate(-1, 0, 0)})
		sys := models.ConnectedSystem{Name: "Shop", Kind: models.SystemManual}
		e.create(t, &sys)
		task := models.SystemTask{SystemID: sys.ID, Event: models.EventErasure, Status: models.TaskDone, MessageID: "msg_1",
			CreatedAt: testNow, DoneAt: ptr(testNow.Add(-day))}
		oldTask := models.SystemTask{SystemID: sys.ID, Event: models.EventRectification, Status: models.TaskDone, MessageID: "msg_2",
			CreatedAt: testNow.Add(-800 * day), DoneAt: ptr(testNow.Add(-740 * day))}
		e.create(t, &task, &oldTask,
			&models.Erasure{Status: models.ErasureCompleted, CoolOffUntil: testNow.Add(-760 * day), CompletedAt: ptr(testNow.Add(-740 * day)),
				CreatedAt: testNow.Add(-770 * day)},
			&models.Erasure{Status: models.ErasureCompleted, CoolOffUntil: testNow.Add(-60 * day), CompletedAt: ptr(testNow.Add(-40 * day)),
				CreatedAt: testNow.Add(-70 * day)},
			&models.Erasure{Status: models.ErasureWaiting, CoolOffUntil: testNow.Add(-760 * day), CreatedAt: testNow.Add(-770 * day)})
		e.create(t, &models.WebhookDelivery{TaskID: task.ID, Attempt: 1, CreatedAt: testNow.Add(-31 * day)},
			&models.WebhookDelivery{TaskID: task.ID, Attempt: 2, CreatedAt: testNow.Add(-29 * day)})

		counts := e.run(t)
		want := map[string]int64{"requests_closed": 1, "outbox_messages": 2, "jobs_done": 1, "jobs_dead_payloads": 1,
			"webhook_deliveries": 1, "retained_invoices": 1, "erasures_closed": 1, "system_tasks_done": 1}
		for k, n := range want {
			if counts[k] != n {
				t.Errorf("%s: %d, want %d", k, counts[k], n)
			}
		}
		if e.count(t, &models.PrivacyRequest{}, "id = ?", recent.ID) != 1 || e.count(t, &models.PrivacyRequest{}, "id = ?", old.ID) != 0 {
			t.Error("want the request closed 24+ months ago gone, the younger one kept")
		}
		if e.count(t, &models.RequestMessage{}, "") != 0 || e.s.Vault.Exists(fk) {
			t.Error("the old request's messages or its document's file survived it")
		}
		var dead models.Job
		if err := db.Where("status = ?", models.JobDead).Take(&dead).Error; err != nil || dead.Payload != "" {
			t.Errorf("dead job: %v, payload %q", err, dead.Payload)
		}
		if again := e.run(t); again["jobs_dead_payloads"] != 0 || again["requests_closed"] != 0 {
			t.Errorf("a second run found more: %v", again)
		}
	})
}

func TestDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		e := newEnv(t, db)
		u := e.customer(t, "dry@example.com")
		e.message(t, u, 100*day)
		e.message(t, u, 10*day)
		f, err := e.s.DryRun(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if due(f, "contact_messages") != 1 || e.count(t, &models.ContactMessage{}, "") != 2 {
			t.Errorf("dry run: %d due, %d rows", due(f, "contact_messages"), e.count(t, &models.ContactMessage{}, ""))
		}
		if f.Last != nil || len(f.Delegated) == 0 {
			t.Errorf("last %v, delegated %d", f.Last, len(f.Delegated))
		}
		e.run(t)
		f, err = e.s.DryRun(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if due(f, "contact_messages") != 0 || f.Last == nil || f.Last.Counts["contact_messages"] != 1 {
			t.Errorf("after the run: due %d, last %+v", due(f, "contact_messages"), f.Last)
		}
	})
}

func TestJobIsScheduledHourly(t *testing.T) {
	t.Parallel()
	specs := (&Service{}).Jobs()
	if len(specs) != 1 || specs[0].Kind != KindRun || specs[0].Schedule != KindRun || specs[0].Every != time.Hour {
		t.Errorf("specs %+v", specs)
	}
}
