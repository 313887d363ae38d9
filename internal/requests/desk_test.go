package requests

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

func TestQueueFiltersAndSortsByDaysLeft(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		now := f.clock.Now()
		due := func(days int) func(*models.PrivacyRequest) {
			return func(r *models.PrivacyRequest) { r.DueAt = now.Add(time.Duration(days)*24*time.Hour + time.Hour) }
		}
		staffID, adminID := f.staff.ID, f.admin.ID
		assign := func(id int64) func(*models.PrivacyRequest) {
			return func(r *models.PrivacyRequest) { r.AssigneeID = &id }
		}
		late := f.request(t, f.customer, models.RequestAccess, sReview, due(-3), assign(staffID))
		soon := f.request(t, f.customer2, models.RequestErasure, sAwait, due(2))
		mid := f.request(t, f.customer, models.RequestErasure, sWaitReq, due(10), assign(adminID),
			func(r *models.PrivacyRequest) { r.RepeatOfID = &late.ID })
		far := f.request(t, f.customer2, models.RequestAccess, sFulfil, due(25), assign(staffID))
		f.request(t, f.customer, models.RequestAccess, models.StatusCompleted, due(-10))
		dup := f.request(t, f.customer, models.RequestAccess, models.StatusDuplicate, due(1),
			func(r *models.PrivacyRequest) { r.DuplicateOfID = &late.ID })

		ids := func(p QueuePage) []int64 {
			var out []int64
			for _, r := range p.Rows {
				out = append(out, r.ID)
			}
			return out
		}
		week := now.Add(7 * 24 * time.Hour)
		cases := []struct {
			name   string
			filter QueueFilter
			want   []int64
		}{
			{"open, soonest first", QueueFilter{}, []int64{late.ID, soon.ID, mid.ID, far.ID}},
			{"by kind", QueueFilter{Kind: models.RequestErasure}, []int64{soon.ID, mid.ID}},
			{"assigned to one", QueueFilter{Assignee: staffID}, []int64{late.ID, far.ID}},
			{"unassigned", QueueFilter{Assignee: Unassigned}, []int64{soon.ID}},
			{"due within a week", QueueFilter{DueBefore: &week}, []int64{late.ID, soon.ID}},
			{"one status", QueueFilter{Statuses: []models.RequestStatus{sWaitReq}}, []int64{mid.ID}},
			{"a closed status", QueueFilter{Statuses: []models.RequestStatus{models.StatusDuplicate}}, []int64{dup.ID}},
			{"combined", QueueFilter{Kind: models.RequestAccess, Assignee: staffID, DueBefore: &week}, []int64{late.ID}},
		}
		for _, c := range cases {
			p, err := f.s.Queue(ctx, f.staffActor(), c.filter, 50, 0)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !slices.Equal(ids(p), c.want) || p.Total != int64(len(c.want)) {
				t.Errorf("%s: %v (total %d), want %v", c.name, ids(p), p.Total, c.want)
			}
		}
		p, err := f.s.Queue(ctx, f.staffActor(), QueueFilter{}, 2, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(p), []int64{soon.ID, mid.ID}) || p.Total != 4 {
			t.Errorf("page 2 of size 2 from 1: %v total %d", ids(p), p.Total)
		}
		row := p.Rows[1]
		if row.AssigneeName != "Alex Admin" || !row.Repeat || row.Duplicate || row.DaysLeft != 10 ||
			row.RequesterName != "Ada Lovelace" || row.RequesterEmail != "ada@example.com" || row.Kind != models.RequestErasure ||
			!row.ReceivedAt.Equal(now) || row.Status != sWaitReq {
			t.Errorf("row: %+v", row)
		}
		first, _ := f.s.Queue(ctx, f.staffActor(), QueueFilter{}, 1, 0)
		if first.Rows[0].DaysLeft != -3 {
			t.Errorf("overdue row: %d days left", first.Rows[0].DaysLeft)
		}
		dupPage, _ := f.s.Queue(ctx, f.staffActor(), QueueFilter{Statuses: []models.RequestStatus{models.StatusDuplicate}}, 10, 0)
		if !dupPage.Rows[0].Duplicate {
			t.Error("a duplicate is not flagged")
		}
		if _, err := f.s.Queue(ctx, f.customerActor(), QueueFilter{}, 10, 0); !errors.Is(err, ErrStaffOnly) {
			t.Errorf("a customer's queue: %v", err)
		}
	})
}

func TestStats(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		now := f.clock.Now()
		at := func(received time.Time, due time.Time, closedAfterDays float64) func(*models.PrivacyRequest) {
			return func(r *models.PrivacyRequest) {
				r.ReceivedAt, r.DueAt = received, due
				if closedAfterDays > 0 {
					c := received.Add(time.Duration(closedAfterDays * 24 * float64(time.Hour)))
					r.ClosedAt = &c
				}
			}
		}
		f.request(t, f.customer, models.RequestAccess, sReview, at(now, now.Add(-time.Hour), 0))     // overdue
		f.request(t, f.customer, models.RequestAccess, sReview, at(now, now.Add(3*24*time.Hour), 0)) // this week
		f.request(t, f.customer, models.RequestAccess, sAwait, at(now, now.Add(20*24*time.Hour), 0)) // later
		f.request(t, f.customer, models.RequestAccess, sFulfil, at(now.AddDate(0, 0, -8), now.Add(6*24*time.Hour), 0))
		f.request(t, f.customer, models.RequestAccess, models.StatusCompleted, at(now.AddDate(0, 0, -20), now, 4))
		f.request(t, f.customer, models.RequestAccess, models.StatusDenied, at(now.AddDate(0, 0, -30), now, 10))
		f.request(t, f.customer, models.RequestAccess, models.StatusCompleted, at(now.AddDate(0, 0, -40), now, 2))
		f.request(t, f.customer, models.RequestAccess, models.StatusCompleted, at(now.AddDate(0, 0, -200), now, 100)) // too old
		f.request(t, f.customer, models.RequestAccess, models.StatusCancelled, at(now.AddDate(0, 0, -3), now, 1))     // not a decision

		st, err := f.s.Stats(ctx, f.staffActor())
		if err != nil {
			t.Fatal(err)
		}
		if st.Open != 4 || st.OpenByStatus[sReview] != 2 || st.OpenByStatus[sAwait] != 1 || st.OpenByStatus[sFulfil] != 1 {
			t.Errorf("open: %d %v", st.Open, st.OpenByStatus)
		}
		if st.Overdue != 1 || st.DueThisWeek != 2 {
			t.Errorf("overdue %d, this week %d", st.Overdue, st.DueThisWeek)
		}
		if st.Closed != 3 || math.Abs(st.MedianDaysToClose-4) > 0.01 {
			t.Errorf("median of %d: %.2f, want 4", st.Closed, st.MedianDaysToClose)
		}
		if len(st.Weeks) != 12 {
			t.Fatalf("%d weeks", len(st.Weeks))
		}
		last := st.Weeks[11]
		if !last.Start.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) || last.Count != 3 {
			t.Errorf("this week: %v %d", last.Start, last.Count)
		}
		counts := map[int]int64{}
		for i, w := range st.Weeks {
			counts[i] = w.Count
		}
		// -3 days: last week; -8: two weeks back; -20: 3; -30: 5; -40: 6.
		want := map[int]int64{11: 3, 10: 1, 9: 1, 8: 1, 6: 1, 5: 1}
		for i := range 12 {
			if counts[i] != want[i] {
				t.Errorf("week %d: %d, want %d", i, counts[i], want[i])
			}
		}
		if _, err := f.s.Stats(ctx, f.customerActor()); !errors.Is(err, ErrStaffOnly) {
			t.Errorf("a customer's stats: %v", err)
		}
	})
}
