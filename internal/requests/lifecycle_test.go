package requests

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestVerifyIdentityRecordsTheEvidenceAndResumesTheClock(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		r := f.request(t, f.customer, models.RequestErasure, sAwait)
		if err := f.s.RequireDocument(ctx, f.staffActor(), r.ID, "  "); !errors.Is(err, ErrReasonRequired) {
			t.Fatalf("a doubt without a reason: %v", err)
		}
		r2 := f.request(t, f.customer, models.RequestErasure, sReview)
		if err := f.s.RequireDocument(ctx, f.staffActor(), r2.ID, "the address differs from every order"); err != nil {
			t.Fatal(err)
		}
		got := f.reload(t, r2.ID)
		if got.Status != sAwait || !got.DocumentRequired || got.DoubtReason != "the address differs from every order" ||
			got.PausedAt == nil || !got.PausedAt.Equal(deskEpoch) {
			t.Fatalf("after the doubt: %s doc=%v reason=%q paused=%v", got.Status, got.DocumentRequired, got.DoubtReason, got.PausedAt)
		}
		f.clock.Add(4 * 24 * time.Hour)
		if err := f.s.VerifyIdentity(ctx, f.staffActor(), r2.ID, "the passport matches"); err != nil {
			t.Fatal(err)
		}
		got = f.reload(t, r2.ID)
		if got.Status != sReview || got.VerificationMethod != "staff" || got.VerificationNote != "the passport matches" ||
			got.VerifiedByID == nil || *got.VerifiedByID != f.staff.ID || got.VerifiedAt == nil || !got.VerifiedAt.Equal(f.clock.Now()) {
			t.Errorf("evidence: %s %q %q by %v at %v", got.Status, got.VerificationMethod, got.VerificationNote, got.VerifiedByID, got.VerifiedAt)
		}
		if got.PausedAt != nil || !got.DueAt.Equal(r2.DueAt.Add(4*24*time.Hour)) {
			t.Errorf("the clock: paused %v, due %v, want %v", got.PausedAt, got.DueAt, r2.DueAt.Add(4*24*time.Hour))
		}
		// A method the intake recorded stays.
		r3 := f.request(t, f.customer, models.RequestErasure, sAwait, func(r *models.PrivacyRequest) { r.VerificationMethod = "knowledge" })
		if err := f.s.VerifyIdentity(ctx, f.staffActor(), r3.ID, ""); err != nil {
			t.Fatal(err)
		}
		if got := f.reload(t, r3.ID); got.VerificationMethod != "knowledge" {
			t.Errorf("method = %q, want knowledge", got.VerificationMethod)
		}
	})
}

func TestRejectIdentityAndDenyNeedTheirTexts(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		r := f.request(t, f.customer, models.RequestAccess, sReview)
		err := f.s.Deny(ctx, f.staffActor(), r.ID, "", " ")
		if fields := fault.FieldsOf(err); fields["code"] != "desk.error.code_required" || fields["text"] != "desk.error.text_required" {
			t.Errorf("deny without code or text: %v %v", err, fields)
		}
		if fields := fault.FieldsOf(f.s.Deny(ctx, f.staffActor(), r.ID, "because", "x")); fields["code"] != "desk.error.code_unknown" {
			t.Errorf("an unknown code: %v", fields)
		}
		if got := f.reload(t, r.ID); got.Status != sReview {
			t.Fatalf("a refused denial changed the status to %s", got.Status)
		}
		if err := f.s.Deny(ctx, f.staffActor(), r.ID, "excessive", "a third copy this month"); err != nil {
			t.Fatal(err)
		}
		got := f.reload(t, r.ID)
		if got.Status != models.StatusDenied || got.DenyCode != "excessive" || got.DenyText != "a third copy this month" || got.ClosedAt == nil {
			t.Errorf("denied: %s %q %q closed %v", got.Status, got.DenyCode, got.DenyText, got.ClosedAt)
		}
		var ev models.RequestEvent
		db.Where("request_id = ? AND action = ?", r.ID, "deny").Take(&ev)
		if ev.Note != "a third copy this month" {
			t.Errorf("the requester is told %q", ev.Note)
		}
		if !strings.Contains(f.outboxText(t), "a third copy this month") {
			t.Error("the denial's text was not mailed")
		}

		a := f.request(t, f.customer, models.RequestAccess, sAwait)
		if err := f.s.RejectIdentity(ctx, f.staffActor(), a.ID, ""); !errors.Is(err, ErrTextRequired) {
			t.Errorf("reject without a text: %v", err)
		}
		if err := f.s.RejectIdentity(ctx, f.staffActor(), a.ID, "nothing matched"); err != nil {
			t.Fatal(err)
		}
		if got := f.reload(t, a.ID); got.Status != models.StatusDenied || got.DenyCode != "insufficient_verification" {
			t.Errorf("rejected: %s %q", got.Status, got.DenyCode)
		}
	})
}

func TestExtendThroughTheDesk(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		r := f.request(t, f.customer, models.RequestAccess, sReview)
		if err := f.s.Extend(ctx, f.staffActor(), r.ID, r.DueAt.AddDate(0, 1, 0), ""); fault.FieldsOf(err)["reason"] == "" {
			t.Errorf("without a reason: %v", err)
		}
		if err := f.s.Extend(ctx, f.staffActor(), r.ID, r.DueAt.AddDate(0, 3, 0), "many records"); !errors.Is(err, ErrExtendTooFar) {
			t.Errorf("three months more: %v", err)
		}
		newDue := r.DueAt.AddDate(0, 1, 0)
		if err := f.s.Extend(ctx, f.staffActor(), r.ID, newDue, "many records across systems"); err != nil {
			t.Fatal(err)
		}
		got := f.reload(t, r.ID)
		if !got.DueAt.Equal(newDue) || got.ExtendedAt == nil || got.ExtensionReason != "many records across systems" || got.Status != sReview {
			t.Errorf("extended: due %v at %v %q %s", got.DueAt, got.ExtendedAt, got.ExtensionReason, got.Status)
		}
		if !strings.Contains(f.outboxText(t), "many records across systems") {
			t.Error("the extension's reason was not mailed to the requester")
		}
		if err := f.s.Extend(ctx, f.staffActor(), r.ID, newDue.AddDate(0, 0, 1), "again"); !errors.Is(err, ErrExtendedAlready) {
			t.Errorf("a second extension: %v", err)
		}
		late := f.request(t, f.customer, models.RequestAccess, sReview)
		f.clock.Add(40 * 24 * time.Hour)
		if err := f.s.Extend(ctx, f.staffActor(), late.ID, late.DueAt.AddDate(0, 1, 0), "late"); !errors.Is(err, ErrExtendTooLate) {
			t.Errorf("after the due date: %v", err)
		}
		closed := f.request(t, f.customer, models.RequestAccess, models.StatusCompleted)
		if err := f.s.Extend(ctx, f.staffActor(), closed.ID, closed.DueAt.AddDate(0, 1, 0), "x"); !errors.Is(err, ErrWrongState) {
			t.Errorf("a closed request: %v", err)
		}
	})
}

func TestMarkDuplicateNeedsAnotherOpenRequestOfTheSamePerson(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		r := f.request(t, f.customer, models.RequestAccess, sReview)
		mine := f.request(t, f.customer, models.RequestAccess, sAwait)
		theirs := f.request(t, f.customer2, models.RequestAccess, sReview)
		done := f.request(t, f.customer, models.RequestAccess, models.StatusCompleted)
		for name, of := range map[string]int64{"itself": r.ID, "another person's": theirs.ID, "a closed one": done.ID, "none": r.ID + 1000, "zero": 0} {
			if err := f.s.MarkDuplicate(ctx, f.staffActor(), r.ID, of); !errors.Is(err, ErrDuplicateOf) {
				t.Errorf("duplicate of %s: %v", name, err)
			}
		}
		if err := f.s.MarkDuplicate(ctx, f.staffActor(), r.ID, mine.ID); err != nil {
			t.Fatal(err)
		}
		got := f.reload(t, r.ID)
		if got.Status != models.StatusDuplicate || got.DuplicateOfID == nil || *got.DuplicateOfID != mine.ID {
			t.Errorf("duplicate: %s of %v", got.Status, got.DuplicateOfID)
		}
		// A public requester is the same person by address.
		p1 := f.request(t, f.customer2, models.RequestErasure, sAwait, func(r *models.PrivacyRequest) { r.UserID = nil; r.RequesterEmail = "Z@Example.com" })
		p2 := f.request(t, f.customer2, models.RequestErasure, sAwait, func(r *models.PrivacyRequest) { r.UserID = nil; r.RequesterEmail = "z@example.com" })
		if err := f.s.MarkDuplicate(ctx, f.staffActor(), p2.ID, p1.ID); err != nil {
			t.Errorf("same address: %v", err)
		}
	})
}

func TestAssignIsQuietAndOnlyToStaff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		r := f.request(t, f.customer, models.RequestAccess, sReview)
		if err := f.s.Assign(ctx, f.staffActor(), r.ID, f.customer.ID); !errors.Is(err, ErrAssignee) {
			t.Errorf("to a customer: %v", err)
		}
		if err := f.s.Assign(ctx, f.staffActor(), r.ID, 99999); !errors.Is(err, ErrAssignee) {
			t.Errorf("to nobody known: %v", err)
		}
		before := f.outboxCount(t)
		if err := f.s.Assign(ctx, f.staffActor(), r.ID, f.admin.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.reload(t, r.ID); got.AssigneeID == nil || *got.AssigneeID != f.admin.ID {
			t.Errorf("assignee %v", got.AssigneeID)
		}
		if err := f.s.Assign(ctx, f.staffActor(), r.ID, 0); err != nil {
			t.Fatal(err)
		}
		if got := f.reload(t, r.ID); got.AssigneeID != nil {
			t.Errorf("unassigned: %v", got.AssigneeID)
		}
		if n := f.outboxCount(t); n != before {
			t.Errorf("assigning mailed the requester (%d mails)", n-before)
		}
		if n := f.auditCount(t, "request.assign"); n != 2 {
			t.Errorf("%d assign audit entries, want 2", n)
		}
	})
}

func TestApproveCompletesOrHandsOff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		for kind, want := range map[models.RequestKind]models.RequestStatus{
			models.RequestAccess: sFulfil, models.RequestPortability: sFulfil, models.RequestErasure: sFulfil,
		} {
			r := f.request(t, f.customer, kind, sReview)
			if err := f.s.Approve(ctx, f.staffActor(), r.ID); err != nil {
				t.Fatal(err)
			}
			got := f.reload(t, r.ID)
			if got.Status != want {
				t.Errorf("%s approved: %s, want %s", kind, got.Status, want)
			}
			var evs []models.RequestEvent
			db.Where("request_id = ?", r.ID).Order("id").Find(&evs)
			if len(evs) != 2 || evs[0].Action != "approve" || evs[0].ActorKind != "staff" || evs[1].Action != "hand_off" || evs[1].ActorKind != "system" {
				t.Errorf("%s: events %+v", kind, evs)
			}
		}
	})
}

// TestTwoStaffAtOnce: two staff approve the same request at the same
// moment; one wins, the other is told it changed (a conflict), and the
// request is approved once.
func TestTwoStaffAtOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		r := f.request(t, f.customer, models.RequestRectification, sReview)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() { errs[i] = f.s.Approve(ctx, f.staffActor(), r.ID) })
		}
		wg.Wait()
		ok, conflict := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case fault.KindOf(err) == fault.Conflict:
				conflict++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Errorf("%d succeeded, %d conflicted", ok, conflict)
		}
		var n int64
		db.Model(&models.RequestEvent{}).Where("request_id = ? AND action = ?", r.ID, "approve").Count(&n)
		if n != 1 {
			t.Errorf("%d approvals recorded", n)
		}
		// The guard itself: a stale copy cannot overwrite a newer status.
		err := f.s.within(ctx, func(tx *gorm.DB) error {
			stale := f.reload(t, r.ID)
			stale.Status = sReview
			return f.s.move(tx, f.staffActor(), &stale, step{Action: ActApprove})
		})
		if !errors.Is(err, ErrWrongState) {
			t.Errorf("a stale write: %v", err)
		}
	})
}

// TestNotesStayWithStaff: an internal note is in the staff's view of the
// request, never in the requester's, and never in a mail.
func TestNotesStayWithStaff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		const secret = "INTERNAL: the customer owes us money"
		r := f.request(t, f.customer, models.RequestErasure, sReview)
		if _, err := f.s.AddNote(ctx, f.customerActor(), r.ID, secret); !errors.Is(err, ErrStaffOnly) {
			t.Errorf("a customer's note: %v", err)
		}
		if _, err := f.s.AddNote(ctx, f.staffActor(), r.ID, " "); !errors.Is(err, ErrBodyRequired) {
			t.Errorf("an empty note: %v", err)
		}
		if _, err := f.s.AddNote(ctx, f.staffActor(), r.ID+500, secret); !errors.Is(err, ErrNotFound) {
			t.Errorf("a note on no request: %v", err)
		}
		if _, err := f.s.AddNote(ctx, f.staffActor(), r.ID, secret); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.StaffMessage(ctx, f.staffActor(), r.ID, "We are looking into it."); err != nil {
			t.Fatal(err)
		}
		// Every action that mails the requester, after the note.
		if err := f.s.Ask(ctx, f.staffActor(), r.ID, "Which address?"); err != nil {
			t.Fatal(err)
		}
		db.Model(&models.PrivacyRequest{}).Where("id = ?", r.ID).Update("status", sReview)
		if err := f.s.Extend(ctx, f.staffActor(), r.ID, r.DueAt.AddDate(0, 0, 20), "volume"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Approve(ctx, f.staffActor(), r.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Complete(ctx, f.staffActor(), r.ID, "erased"); err != nil {
			t.Fatal(err)
		}
		var d Detail
		f.s.within(ctx, func(tx *gorm.DB) error {
			var err error
			d, err = detail(tx, f.reload(t, r.ID), false)
			return err
		})
		if d.Notes != nil {
			t.Errorf("the requester's read has notes: %v", d.Notes)
		}
		for _, ev := range d.Events {
			if strings.Contains(ev.Note, secret) {
				t.Errorf("the timeline carries the note")
			}
		}
		for _, m := range d.Messages {
			if strings.Contains(m.Body, secret) {
				t.Errorf("a message carries the note")
			}
		}
		if f.outboxCount(t) < 4 {
			t.Fatalf("only %d mails: the check below would prove nothing", f.outboxCount(t))
		}
		if strings.Contains(f.outboxText(t), "owes us money") {
			t.Error("a mail carries the internal note")
		}
		sd, err := f.s.StaffDetail(ctx, f.staffActor(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(sd.Notes) != 1 || sd.Notes[0].Body != secret || sd.Notes[0].AuthorID != f.staff.ID {
			t.Errorf("staff's view: %+v", sd.Notes)
		}
		if len(sd.Messages) != 2 {
			t.Errorf("%d messages, want the reply and the question", len(sd.Messages))
		}
		if _, err := f.s.StaffDetail(ctx, f.customerActor(), r.ID); !errors.Is(err, ErrStaffOnly) {
			t.Errorf("a customer's staff view: %v", err)
		}
		if _, err := f.s.StaffDetail(ctx, f.staffActor(), r.ID+500); !errors.Is(err, ErrNotFound) {
			t.Errorf("staff view of no request: %v", err)
		}
		for action, want := range map[string]int64{"request.note": 1, "request.message": 1, "request.viewed": 1} {
			if n := f.auditCount(t, action); n != want {
				t.Errorf("%d %s audit entries, want %d", n, action, want)
			}
		}
		var entry models.AuditEntry
		db.Where("action = ?", "request.note").Take(&entry)
		if strings.Contains(entry.Details, "owes") {
			t.Error("the audit entry carries the note's text")
		}
	})
}
