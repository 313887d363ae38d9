package requests

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ErrStaffOnly is returned when anyone but staff or an admin uses the desk.
var ErrStaffOnly = fault.New(fault.Forbidden, "requests: staff only")

// Assignee filters of the queue besides a user id.
const (
	AnyAssignee int64 = 0  // whoever, or nobody
	Unassigned  int64 = -1 // nobody yet
)

// QueueFilter narrows the staff queue. The zero value is every open
// request.
type QueueFilter struct {
	Statuses []models.RequestStatus // empty: every open status
	Kind     models.RequestKind     // empty: every kind
	// Assignee is AnyAssignee, Unassigned or a staff member's user id.
	Assignee  int64
	DueBefore *time.Time
}

// QueueRow is one line of the queue.
type QueueRow struct {
	ID             int64
	UserID         *int64
	Kind           models.RequestKind
	Status         models.RequestStatus
	RequesterName  string
	RequesterEmail string
	ReceivedAt     time.Time
	DueAt          time.Time
	DaysLeft       int
	AssigneeID     *int64
	AssigneeName   string
	Repeat         bool // a repeat of an earlier request inside 12 months
	Duplicate      bool // marked as the same as another request
}

// QueuePage is one page of the queue and how many match in all.
type QueuePage struct {
	Rows  []QueueRow
	Total int64
	// More is set when more than QueueCountCap requests match: Total is
	// then the cap, and the desk asks for a narrower filter.
	More bool
}

// QueueCountCap bounds the queue's count. An exact count of every
// request ever received (a view that includes the closed ones) reads
// the whole index; past ten thousand matches nobody pages through, they
// filter.
const QueueCountCap = 10_000

// maxQueuePage bounds a page, so a URL cannot ask for the whole table.
const maxQueuePage = 200

// queueColumns are what a queue row reads of a request.
const queueColumns = "id, user_id, kind, status, requester_name, requester_email, received_at, due_at, assignee_id, repeat_of_id, duplicate_of_id"

// Queue is one page of requests for the staff desk, soonest due first.
//
// Sorting by due date across several statuses would make the database
// sort every matching row to find the first page. Instead each status is
// read in its own branch, which walks one of the queue indexes ((status,
// due_at), (kind, status, due_at) or (assignee_id, status, due_at)) in
// due order and stops after offset+limit entries; the branches are
// merged and the page's ids cut from them, all from the indexes, and only
// then are the page's rows and their assignees' names read. A count
// beside it, capped at QueueCountCap: two statements, whatever the page
// holds.
func (s *Service) Queue(ctx context.Context, a actor.Actor, f QueueFilter, limit, offset int) (QueuePage, error) {
	var page QueuePage
	if !a.IsStaff() {
		return page, ErrStaffOnly
	}
	limit = min(max(limit, 1), maxQueuePage)
	offset = max(offset, 0)
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = open
	}
	statuses = slices.Compact(slices.Sorted(slices.Values(statuses)))

	var cond []string
	var args []any
	if f.Kind != "" {
		cond = append(cond, "kind = ?")
		args = append(args, string(f.Kind))
	}
	switch {
	case f.Assignee == Unassigned:
		cond = append(cond, "assignee_id IS NULL")
	case f.Assignee > 0:
		cond = append(cond, "assignee_id = ?")
		args = append(args, f.Assignee)
	}
	if f.DueBefore != nil {
		cond = append(cond, "due_at < ?")
		args = append(args, f.DueBefore.UTC())
	}
	extra := ""
	if len(cond) > 0 {
		extra = " AND " + strings.Join(cond, " AND ")
	}

	db := s.DB.WithContext(ctx)
	var branches []string
	var qargs []any
	for i, st := range statuses {
		branches = append(branches, fmt.Sprintf("SELECT * FROM (SELECT id, due_at FROM privacy_requests WHERE status = ?%s ORDER BY due_at, id LIMIT %d) b%d",
			extra, offset+limit, i))
		qargs = append(qargs, string(st))
		qargs = append(qargs, args...)
	}
	// The page's ids come from the indexes alone; only its rows are read.
	q := "SELECT r." + strings.ReplaceAll(queueColumns, ", ", ", r.") + ", COALESCE(u.name, '') AS assignee_name, COALESCE(u.email, '') AS assignee_email FROM (" +
		"SELECT id, due_at FROM (" + strings.Join(branches, " UNION ALL ") + ") m ORDER BY due_at, id LIMIT " + strconv.Itoa(limit) +
		" OFFSET " + strconv.Itoa(offset) + ") p JOIN privacy_requests r ON r.id = p.id LEFT JOIN users u ON u.id = r.assignee_id ORDER BY r.due_at, r.id"
	var rows []struct {
		models.PrivacyRequest
		AssigneeName  string
		AssigneeEmail string
	}
	if err := db.Raw(q, qargs...).Scan(&rows).Error; err != nil {
		return page, fmt.Errorf("requests: queue: %w", err)
	}
	countArgs := append([]any{stringsOf(statuses)}, args...)
	count := "SELECT COUNT(*) FROM (SELECT 1 FROM privacy_requests WHERE status IN ?" + extra +
		" LIMIT " + strconv.Itoa(QueueCountCap+1) + ") c"
	if err := db.Raw(count, countArgs...).Scan(&page.Total).Error; err != nil {
		return page, fmt.Errorf("requests: queue count: %w", err)
	}
	if page.Total > QueueCountCap {
		page.Total, page.More = QueueCountCap, true
	}
	now := s.now()
	page.Rows = make([]QueueRow, 0, len(rows))
	for _, r := range rows {
		name := r.AssigneeName
		if strings.TrimSpace(name) == "" {
			name = r.AssigneeEmail
		}
		page.Rows = append(page.Rows, QueueRow{ID: r.ID, UserID: r.UserID, Kind: r.Kind, Status: r.Status,
			RequesterName: r.RequesterName, RequesterEmail: r.RequesterEmail, ReceivedAt: r.ReceivedAt, DueAt: r.DueAt,
			DaysLeft: models.DaysLeft(r.DueAt, now), AssigneeID: r.AssigneeID, AssigneeName: name,
			Repeat: r.RepeatOfID != nil, Duplicate: r.DuplicateOfID != nil})
	}
	return page, nil
}

func stringsOf(ss []models.RequestStatus) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// Clock is the service's time now, for pages that count days left.
func (s *Service) Clock() time.Time { return s.now() }

// OpenStatuses are the statuses the queue shows by default, in the order
// of a request's life.
func OpenStatuses() []models.RequestStatus { return slices.Clone(open) }

// Stats is the staff dashboard's figures.
type Stats struct {
	OpenByStatus map[models.RequestStatus]int64
	Open         int64
	Overdue      int64
	DueThisWeek  int64 // open, not yet overdue, due within 7 days
	// MedianDaysToClose is over the requests closed in the last 90 days
	// (Closed of them); 0 when there are none.
	MedianDaysToClose float64
	Closed            int64
	// Weeks are the requests received per week, the last 12 weeks, oldest
	// first; the last one is the current, partial week.
	Weeks []WeekCount
}

// WeekCount is the requests received in the week starting Start.
type WeekCount struct {
	Start time.Time
	Count int64
}

const (
	statsWeeks     = 12
	statsCloseDays = 90
)

// Stats reads the dashboard's figures.
func (s *Service) Stats(ctx context.Context, a actor.Actor) (Stats, error) {
	st := Stats{OpenByStatus: map[models.RequestStatus]int64{}}
	if !a.IsStaff() {
		return st, ErrStaffOnly
	}
	db := s.DB.WithContext(ctx)
	now := s.now()
	openList := stringsOf(open)
	var byStatus []struct {
		Status models.RequestStatus
		N      int64
	}
	if err := db.Raw("SELECT status, COUNT(*) AS n FROM privacy_requests WHERE status IN ? GROUP BY status", openList).
		Scan(&byStatus).Error; err != nil {
		return st, fmt.Errorf("requests: stats: %w", err)
	}
	for _, b := range byStatus {
		st.OpenByStatus[b.Status] = b.N
		st.Open += b.N
	}
	var due struct{ Overdue, Week int64 }
	if err := db.Raw(`SELECT COALESCE(SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END), 0) AS overdue,
		COALESCE(SUM(CASE WHEN due_at >= ? THEN 1 ELSE 0 END), 0) AS week
		FROM privacy_requests WHERE status IN ? AND due_at < ?`, now, now, openList, now.Add(7*24*time.Hour)).
		Scan(&due).Error; err != nil {
		return st, fmt.Errorf("requests: stats due: %w", err)
	}
	st.Overdue, st.DueThisWeek = due.Overdue, due.Week

	var closed []struct{ ReceivedAt, ClosedAt time.Time }
	if err := db.Raw("SELECT received_at, closed_at FROM privacy_requests WHERE closed_at >= ? AND status IN ?",
		now.AddDate(0, 0, -statsCloseDays), stringsOf([]models.RequestStatus{models.StatusCompleted, models.StatusDenied})).
		Scan(&closed).Error; err != nil {
		return st, fmt.Errorf("requests: stats closed: %w", err)
	}
	days := make([]float64, 0, len(closed))
	for _, c := range closed {
		days = append(days, c.ClosedAt.Sub(c.ReceivedAt).Hours()/24)
	}
	st.Closed = int64(len(days))
	st.MedianDaysToClose = median(days)

	// One pass over the last 12 weeks: a sum per week.
	starts := weekStarts(now, statsWeeks)
	var sums []string
	var args []any
	for i, start := range starts {
		end := start.AddDate(0, 0, 7)
		sums = append(sums, fmt.Sprintf("COALESCE(SUM(CASE WHEN received_at >= ? AND received_at < ? THEN 1 ELSE 0 END), 0) AS w%d", i))
		args = append(args, start, end)
	}
	args = append(args, starts[0])
	counts := make([]int64, len(starts))
	dest := make([]any, len(starts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	rows, err := db.Raw("SELECT "+strings.Join(sums, ", ")+" FROM privacy_requests WHERE received_at >= ?", args...).Rows()
	if err != nil {
		return st, fmt.Errorf("requests: stats weeks: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return st, fmt.Errorf("requests: stats weeks: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("requests: stats weeks: %w", err)
	}
	for i, start := range starts {
		st.Weeks = append(st.Weeks, WeekCount{Start: start, Count: counts[i]})
	}
	return st, nil
}

// weekStarts are the Mondays (00:00 UTC) of the n weeks up to now's.
func weekStarts(now time.Time, n int) []time.Time {
	d := now.UTC().Truncate(24 * time.Hour)
	monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	out := make([]time.Time, n)
	for i := range n {
		out[i] = monday.AddDate(0, 0, -7*(n-1-i))
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Sorted(slices.Values(xs))
	m := len(xs) / 2
	if len(xs)%2 == 1 {
		return xs[m]
	}
	return (xs[m-1] + xs[m]) / 2
}

// StaffDetail is request id's page for staff, notes included; every look
// is audited.
func (s *Service) StaffDetail(ctx context.Context, a actor.Actor, id int64) (Detail, error) {
	var d Detail
	if !a.IsStaff() {
		return d, ErrStaffOnly
	}
	err := s.within(ctx, func(tx *gorm.DB) error {
		r, err := load(tx, id)
		if err != nil {
			return err
		}
		if d, err = detail(tx, r, true); err != nil {
			return err
		}
		e := audit.By(a, "request.viewed", "request", strconv.FormatInt(id, 10))
		e.Details = map[string]string{"kind": string(r.Kind), "status": string(r.Status)}
		return audit.Append(tx, s.Dialect, e)
	})
	return d, err
}

// Assignable is one person a request may be assigned to.
type Assignable struct {
	ID   int64
	Name string
}

// Assignables are the staff and admins a request may be assigned to, by
// name.
func (s *Service) Assignables(ctx context.Context, a actor.Actor) ([]Assignable, error) {
	if !a.IsStaff() {
		return nil, ErrStaffOnly
	}
	var users []models.User
	if err := s.DB.WithContext(ctx).Select("id", "name", "email").Where("role IN ?", []string{string(models.RoleStaff), string(models.RoleAdmin)}).
		Order("name, id").Find(&users).Error; err != nil {
		return nil, fmt.Errorf("requests: staff: %w", err)
	}
	out := make([]Assignable, 0, len(users))
	for _, u := range users {
		name := u.Name
		if strings.TrimSpace(name) == "" {
			name = u.Email
		}
		out = append(out, Assignable{ID: u.ID, Name: name})
	}
	return out, nil
}

// lockForUpdate loads request id for a change. On PostgreSQL the row is
// locked until the transaction ends, so two staff acting at once are
// served one after the other and the second sees the first's result
// (SQLite's transactions are serialized already).
func (s *Service) lockForUpdate(tx *gorm.DB, id int64) (models.PrivacyRequest, error) {
	if s.Dialect == models.Postgres {
		tx = tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return load(tx, id)
}
