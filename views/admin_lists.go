package views

import (
	"context"
	"strconv"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/models"
)

// The security, staff and admin lists, each a recordTable.

func sessionsTable(ctx context.Context, sessions []SessionView) table {
	t := table{
		ID: "sessions", Caption: i18n.T(ctx, "sessions.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "security.col.device"), RowHeader: true},
			{Label: i18n.T(ctx, "security.col.ip")},
			{Label: i18n.T(ctx, "sessions.col.created"), Class: "nowrap"},
			{Label: i18n.T(ctx, "sessions.col.last_seen"), Class: "nowrap"},
		},
		ActionsLabel: i18n.T(ctx, "sessions.col.actions"),
		EmptyTitle:   i18n.T(ctx, "sessions.empty.title"), EmptyBody: i18n.T(ctx, "sessions.empty.body"),
	}
	for _, s := range sessions {
		r := tableRow{Cells: []templ.Component{
			sessionDevice(s), codeCell(orDash(s.IP)), dateTime(s.CreatedAt), dateTime(s.LastSeenAt),
		}}
		if !s.Current {
			r.Actions = sessionRevoke(s)
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

func staffTable(ctx context.Context, members []StaffMember) table {
	t := table{
		ID: "staff", Caption: i18n.T(ctx, "staff_admin.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "staff_admin.col.name"), RowHeader: true},
			{Label: i18n.T(ctx, "staff_admin.col.email"), Class: "break-anywhere"},
			{Label: i18n.T(ctx, "staff_admin.col.role")},
			{Label: i18n.T(ctx, "staff_admin.col.totp")},
			{Label: i18n.T(ctx, "staff_admin.col.created"), Class: "nowrap"},
		},
		ActionsLabel: i18n.T(ctx, "staff_admin.col.actions"),
		EmptyTitle:   i18n.T(ctx, "staff_admin.empty.title"), EmptyBody: i18n.T(ctx, "staff_admin.empty.body"),
	}
	for _, m := range members {
		totp := badgeCell(i18n.T(ctx, "staff_admin.totp_pending"), "badge badge--warning")
		if m.TOTPEnabled {
			totp = badgeCell(i18n.T(ctx, "totp.status.on"), "badge badge--success")
		}
		r := tableRow{Cells: []templ.Component{
			textCell(orDash(m.Name)), textCell(m.Email), textCell(roleLabel(ctx, m.Role)), totp, dateTime(m.CreatedAt),
		}}
		if m.TOTPEnabled && !m.Self {
			r.Actions = staffReset(m)
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

func outboxTable(ctx context.Context, l OutboxList) table {
	t := table{
		ID: "outbox", Caption: i18n.T(ctx, "outbox.table.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "outbox.col.date"), Class: "nowrap"},
			{Label: i18n.T(ctx, "outbox.col.to"), Class: "break-anywhere"},
			{Label: i18n.T(ctx, "outbox.col.subject")},
			{Label: i18n.T(ctx, "outbox.col.template")},
			{Label: i18n.T(ctx, "outbox.col.status")},
		},
		EmptyTitle: i18n.T(ctx, "outbox.empty.title"), EmptyBody: i18n.T(ctx, "outbox.empty.body"),
		Pagination: &l.Pagination,
	}
	for _, m := range newestFirst(l.Items) {
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{
			dateTime(m.CreatedAt), textCell(m.ToAddress), outboxSubjectLink(m), textCell(Label(ctx, FamilyMailTemplate, m.Template)), outboxStatus(m.Status),
		}})
	}
	return t
}

func jobsTable(ctx context.Context, l JobList) table {
	t := table{
		ID:      "jobs",
		Caption: i18n.T(ctx, "jobs.caption", "Status", Label(ctx, FamilyJobStatus, string(l.Status))),
		Columns: []column{
			{Label: i18n.T(ctx, "jobs.col.id"), RowHeader: true},
			{Label: i18n.T(ctx, "jobs.col.kind")},
			{Label: i18n.T(ctx, "jobs.col.attempts")},
			{Label: i18n.T(ctx, "jobs.col.run_at"), Class: "nowrap"},
			{Label: i18n.T(ctx, "jobs.col.error")},
		},
		ActionsLabel: i18n.T(ctx, "jobs.col.action"),
		EmptyTitle:   i18n.T(ctx, "jobs.empty.title"), EmptyBody: i18n.T(ctx, "jobs.empty.body"),
		Pagination: &l.Pagination,
	}
	for _, j := range l.Items {
		errCell := textCell("—")
		if j.LastError != "" {
			errCell = jobError(j.LastError)
		}
		r := tableRow{Cells: []templ.Component{
			textCell(strconv.FormatInt(j.ID, 10)), textCell(Label(ctx, FamilyJobKind, j.Kind)),
			textCell(strconv.Itoa(j.Attempts) + " / " + strconv.Itoa(j.MaxAttempts)), dateTime(j.RunAt), errCell,
		}}
		if l.Status == models.JobDead {
			r.Actions = jobRetry(j)
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

func schedulesTable(ctx context.Context, list []jobs.ScheduleInfo) table {
	t := table{
		ID: "schedules", Caption: i18n.T(ctx, "jobs.schedules.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "jobs.schedules.col.name"), RowHeader: true},
			{Label: i18n.T(ctx, "jobs.col.kind")},
			{Label: i18n.T(ctx, "jobs.schedules.col.every")},
			{Label: i18n.T(ctx, "jobs.schedules.col.last"), Class: "nowrap"},
			{Label: i18n.T(ctx, "jobs.schedules.col.next"), Class: "nowrap"},
		},
	}
	for _, s := range list {
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{
			codeCell(s.Name), scheduleKind(s), textCell(everyLabel(ctx, s.Every)), scheduleLastRun(s), dateTime(s.NextRunAt),
		}})
	}
	return t
}

// auditTable is the audit log's page of entries, newest first, one
// sentence each.
func auditTable(ctx context.Context, l AuditList) table {
	t := table{
		ID: "audit", Caption: i18n.T(ctx, "audit.table.caption"),
		Columns: []column{
			{Label: i18n.T(ctx, "audit.col.id"), Class: "nowrap"}, {Label: i18n.T(ctx, "audit.col.time"), Class: "nowrap"},
			{Label: i18n.T(ctx, "audit.col.event")}, {Label: i18n.T(ctx, "audit.col.ip")},
		},
		Pagination: &l.Pagination,
	}
	for _, e := range newestAuditFirst(l.Items) {
		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{
			auditID(e.ID, !l.ChainIntact && e.ID == l.BrokenID), dateTime(e.CreatedAt),
			textCell(auditSentence(ctx, e, l.Names)), codeCell(e.IP),
		}})
	}
	return t
}
