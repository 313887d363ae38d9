package consent

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TestConcurrentSavesTwoInstances: two services, each with its own
// connection pool, on one PostgreSQL database (two portal instances),
// make 200 concurrent saves for one customer; the ledger then agrees
// with the projection: for every choice the last event is the state,
// every event is a real change from the one before, and the events are
// exactly those the saves reported.
func TestConcurrentSavesTwoInstances(t *testing.T) {
	t.Parallel()
	db := dbtest.Postgres(t)
	first := newTestService(t, db)
	other, dialect, err := models.Open(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(other) })
	second := &Service{DB: other, Dialect: dialect, Secrets: first.Secrets, Now: first.Now}
	uid := newUser(t, db, "ada@example.com")

	choices := []Choice{Marketing("newsletter", models.ChannelEmail), Marketing("offers", models.ChannelSMS), Profiling, SaleShare}
	statuses := []string{models.ConsentGranted, models.ConsentWithdrawn}
	const saves = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	appended := 0
	errs := make(chan error, saves)
	for i := range saves {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := first
			if i%2 == 1 {
				s = second
			}
			r := rand.New(rand.NewPCG(uint64(i), 12))
			var changes []Change
			for _, c := range choices {
				if r.IntN(2) == 0 {
					changes = append(changes, Change{Choice: c, Status: statuses[r.IntN(2)]})
				}
			}
			err := s.DB.Transaction(func(tx *gorm.DB) error {
				sub, err := s.SubjectOf(tx, uid)
				if err != nil {
					return err
				}
				out, err := s.Apply(tx, sub, changes, Evidence{Method: models.MethodPortal, IP: "203.0.113.5"})
				if err == nil {
					mu.Lock()
					appended += len(out)
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a save failed: %v", err)
	}

	var sub models.ConsentSubject
	if err := db.Where("user_id = ?", uid).Take(&sub).Error; err != nil {
		t.Fatal(err)
	}
	var events []models.ConsentEvent
	db.Where("subject_id = ?", sub.ID).Order("id").Find(&events)
	if len(events) != appended || appended == 0 {
		t.Errorf("%d events in the ledger, the saves appended %d", len(events), appended)
	}
	last := map[Choice]models.ConsentEvent{}
	for _, e := range events {
		c := Choice{Purpose: e.Purpose, Topic: e.Topic, Channel: e.Channel}
		if prev, ok := last[c]; ok && prev.Action == e.Action {
			t.Errorf("event %d repeats %s for %+v: not a real change", e.ID, e.Action, c)
		}
		last[c] = e
	}
	st, err := first.States(context.Background(), sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != len(last) {
		t.Errorf("%d states for %d choices in the ledger", len(st), len(last))
	}
	for c, e := range last {
		if st[c].Status != e.Action || st[c].EventID != e.ID {
			t.Errorf("%+v: state %s (event %d), last event %s (%d)", c, st[c].Status, st[c].EventID, e.Action, e.ID)
		}
	}
}

// TestLedgerAfterErasure: once a customer's evidence and account are
// deleted (what erasure does), no column of the ledger, its subjects or
// the projection holds their name, address or IP, and the withdrawal is
// still proven.
func TestLedgerAfterErasure(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		uid := newUser(t, db, "ada.lovelace@example.com") // named Ada Lovelace
		db.Create(&models.Profile{UserID: uid, FirstName: "Ada", LastName: "Lovelace", BirthDate: "1990-12-10"})
		news := Marketing("newsletter", models.ChannelEmail)
		ev := Evidence{Method: models.MethodPortal, Locale: "en", Wording: "Newsletter for Ada", IP: "198.51.100.23", UserAgent: "Mozilla/5.0 Ada's laptop"}
		var subject int64
		for _, status := range []string{models.ConsentGranted, models.ConsentWithdrawn} {
			err := db.Transaction(func(tx *gorm.DB) error {
				var err error
				if subject, err = s.SubjectOf(tx, uid); err != nil {
					return err
				}
				_, err = s.Apply(tx, subject, []Change{{Choice: news, Status: status}, {Choice: SaleShare, Status: models.ConsentWithdrawn}}, ev)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		var kept int64
		db.Model(&models.ConsentEvidence{}).Count(&kept)
		if kept == 0 {
			t.Fatal("no evidence to erase: the test proves nothing")
		}

		// Erasure: the evidence of the subject's events, then the account.
		if err := db.Exec("DELETE FROM consent_evidences WHERE event_id IN (SELECT id FROM consent_events WHERE subject_id = ?)", subject).Error; err != nil {
			t.Fatal(err)
		}
		if err := db.Exec("DELETE FROM users WHERE id = ?", uid).Error; err != nil {
			t.Fatal(err)
		}

		var sub models.ConsentSubject
		if err := db.Where("id = ?", subject).Take(&sub).Error; err != nil || sub.UserID != nil {
			t.Fatalf("subject %+v, %v: want it kept, its account link gone", sub, err)
		}
		// Not "ada" alone: hex hashes may spell it.
		personal := []string{"ada.lovelace", "lovelace", "ada's", "example.com", "198.51.100", "mozilla", "laptop"}
		for _, table := range []string{"consent_events", "consent_subjects", "consent_states", "consent_evidences"} {
			rows, err := db.Raw("SELECT * FROM " + table).Rows()
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			n := 0
			for rows.Next() {
				n++
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					text := strings.ToLower(fmt.Sprintf("%s", v))
					if b, ok := v.([]byte); ok {
						text = strings.ToLower(string(b))
					}
					for _, p := range personal {
						if strings.Contains(text, p) {
							t.Errorf("%s.%s holds %q: %q", table, cols[i], p, text)
						}
					}
				}
			}
			rows.Close()
			if table == "consent_evidences" && n != 0 {
				t.Errorf("%d evidence rows left", n)
			}
		}
		var withdrawn int64
		db.Model(&models.ConsentEvent{}).Where("subject_id = ? AND topic = ? AND action = ?", subject, "newsletter", models.ConsentWithdrawn).Count(&withdrawn)
		st, _ := s.States(context.Background(), subject)
		if withdrawn != 1 || st[news].Status != models.ConsentWithdrawn {
			t.Errorf("the withdrawal is gone: %d events, state %q", withdrawn, st[news].Status)
		}
	})
}
