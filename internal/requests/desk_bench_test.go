package requests_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// benchRequests is the volume the issue asks the queue to stay fast at.
const benchRequests = 100_000

// BenchmarkQueue measures one page of the staff queue over 100,000
// requests, per filter: the service call (two statements), and the page
// rendered as the handler does. SQLite always; PostgreSQL when
// PORTAL_TEST_POSTGRES_DSN is set. Run it with a short -benchtime:
//
//	go test ./internal/requests -run '^$' -bench BenchmarkQueue -benchtime 2s
func BenchmarkQueue(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchQueue(b, dbtest.SQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchQueue(b, dbtest.Postgres(b)) })
}

// openStatuses are the statuses the queue shows by default.
var openStatuses = requests.OpenStatuses()

func benchQueue(b *testing.B, db *dbtest.DB) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s := &requests.Service{DB: db.DB, Dialect: db.Dialect, Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	staffIDs := seedQueue(b, db, now)
	a := actor.Actor{Kind: actor.Staff, UserID: staffIDs[0]}
	week := now.Add(7 * 24 * time.Hour)
	filters := []struct {
		name   string
		f      requests.QueueFilter
		offset int
	}{
		{"open", requests.QueueFilter{}, 0},
		{"open_page_40", requests.QueueFilter{}, 39 * 25},
		{"status", requests.QueueFilter{Statuses: []models.RequestStatus{models.StatusInReview}}, 0},
		{"kind", requests.QueueFilter{Kind: models.RequestErasure}, 0},
		{"assignee_me", requests.QueueFilter{Assignee: staffIDs[0]}, 0},
		{"unassigned", requests.QueueFilter{Assignee: requests.Unassigned}, 0},
		{"due_7_days", requests.QueueFilter{DueBefore: &week}, 0},
		{"kind_me_week", requests.QueueFilter{Kind: models.RequestAccess, Assignee: staffIDs[1], DueBefore: &week}, 0},
		{"all_statuses", requests.QueueFilter{Statuses: models.RequestStatuses}, 0},
	}
	ctx := context.Background()
	if testing.Verbose() {
		explainQueue(b, db)
	}
	for _, f := range filters {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				p, err := s.Queue(ctx, a, f.f, 25, f.offset)
				if err != nil || len(p.Rows) == 0 {
					b.Fatalf("%v, %d rows", err, len(p.Rows))
				}
			}
		})
	}
	page := views.Page{Title: "Queue", Locale: "en", User: &views.PageUser{Name: "Sam", Email: "sam@shop.test", Role: "staff"}, Path: "/staff/requests"}
	rctx := i18n.WithLocale(ctx, "en")
	b.Run("rendered_open", func(b *testing.B) {
		for b.Loop() {
			p, err := s.Queue(ctx, a, requests.QueueFilter{}, 25, 0)
			if err != nil {
				b.Fatal(err)
			}
			q := views.DeskQueue{Now: now, Pagination: views.Pagination{Page: 1, PerPage: 25, Total: p.Total, BaseURL: "/staff/requests"}}
			for _, r := range p.Rows {
				q.Rows = append(q.Rows, views.DeskQueueRow{ID: r.ID, Kind: r.Kind, Status: r.Status, RequesterName: r.RequesterName,
					RequesterEmail: r.RequesterEmail, ReceivedAt: r.ReceivedAt, DueAt: r.DueAt, AssigneeName: r.AssigneeName})
			}
			if err := views.DeskQueuePage(page, q).Render(rctx, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// seedQueue bulk-inserts the requests: a third open, the rest closed, of
// every kind, due from two months ago to two months ahead, a sixth
// unassigned, the rest spread over five staff; then the planner's
// statistics. It returns the staff ids.
func seedQueue(b *testing.B, db *dbtest.DB, now time.Time) []int64 {
	b.Helper()
	var staff []int64
	for i := range 5 {
		u := models.User{Email: fmt.Sprintf("staff%d@shop.test", i), Role: models.RoleStaff, Name: fmt.Sprintf("Staff %d", i)}
		if err := db.Create(&u).Error; err != nil {
			b.Fatal(err)
		}
		staff = append(staff, u.ID)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	closed := []models.RequestStatus{models.StatusCompleted, models.StatusDenied, models.StatusCancelled, models.StatusExpired, models.StatusDuplicate}
	batch := make([]models.PrivacyRequest, 0, 500)
	flush := func() {
		if err := db.CreateInBatches(batch, len(batch)).Error; err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for i := range benchRequests {
		due := now.Add(time.Duration(rng.IntN(120*24)-60*24) * time.Hour)
		received := due.AddDate(0, -1, 0)
		r := models.PrivacyRequest{Kind: models.RequestKinds[rng.IntN(len(models.RequestKinds))], Channel: models.ChannelPublic,
			Jurisdiction: models.JurisdictionGDPR, RequesterEmail: fmt.Sprintf("person%d@example.com", i), RequesterName: fmt.Sprintf("Person %d", i),
			ReceivedAt: received, FirstDueAt: due, DueAt: due}
		if rng.IntN(3) == 0 {
			r.Status = openStatuses[rng.IntN(len(openStatuses))]
		} else {
			r.Status = closed[rng.IntN(len(closed))]
			c := received.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
			r.ClosedAt = &c
		}
		if n := rng.IntN(6); n > 0 {
			id := staff[n-1]
			r.AssigneeID = &id
		}
		batch = append(batch, r)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	if len(batch) > 0 {
		flush()
	}
	// As internal/loadgen does after its bulk load: the planner should know
	// the sizes, as it does in a database that has lived (autovacuum, or
	// SQLite's ANALYZE), and PostgreSQL's visibility map lets counts read
	// the index alone.
	analyze := "ANALYZE"
	if db.Dialect == models.Postgres {
		analyze = "VACUUM ANALYZE privacy_requests, users"
	}
	if err := db.Exec(analyze).Error; err != nil {
		b.Fatal(err)
	}
	return staff
}

// explainQueue logs the plans of the queue's statements, to check they
// walk the queue indexes rather than scanning and sorting the table.
func explainQueue(b *testing.B, db *dbtest.DB) {
	b.Helper()
	prefix := "EXPLAIN QUERY PLAN "
	if db.Dialect == models.Postgres {
		prefix = "EXPLAIN "
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"SELECT " + requests.QueueColumns + " FROM privacy_requests WHERE status = ? ORDER BY due_at, id LIMIT 25", []any{"in_review"}},
		{"SELECT " + requests.QueueColumns + " FROM privacy_requests WHERE status = ? AND kind = ? ORDER BY due_at, id LIMIT 25", []any{"in_review", "access"}},
		{"SELECT " + requests.QueueColumns + " FROM privacy_requests WHERE status = ? AND assignee_id IS NULL ORDER BY due_at, id LIMIT 25", []any{"in_review"}},
		{"SELECT COUNT(*) FROM privacy_requests WHERE status IN ?", []any{requests.StringsOf(openStatuses)}},
	} {
		rows, err := db.Raw(prefix+q.sql, q.args...).Rows()
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
		}
		rows.Close()
		b.Logf("%s\n  %s", q.sql, strings.Join(lines, "\n  "))
	}
}
