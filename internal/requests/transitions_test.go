package requests

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

// The rules, written out a second time, independently of table: for each
// action, who may take it from which statuses and where it leads ("" :
// the status stays). A change to the table that is not also made here
// fails, so the life of a request cannot change by accident.
var (
	sAwait    = models.StatusAwaitingVerification
	sReview   = models.StatusInReview
	sWaitReq  = models.StatusWaitingRequester
	sApproved = models.StatusApproved
	sFulfil   = models.StatusWaitingFulfilment
	everyOpen = []models.RequestStatus{sAwait, sReview, sWaitReq, sApproved, sFulfil}
	undecide  = []models.RequestStatus{sAwait, sReview, sWaitReq}
)

type rule struct {
	by   []party
	from []models.RequestStatus
	to   models.RequestStatus
}

var rules = map[Action]rule{
	ActFile:            {[]party{Requester, Staff, System}, []models.RequestStatus{""}, sAwait},
	ActVerify:          {[]party{Staff, System}, []models.RequestStatus{sAwait}, sReview},
	ActRejectIdentity:  {[]party{Staff}, []models.RequestStatus{sAwait}, models.StatusDenied},
	ActRequireDocument: {[]party{Staff}, []models.RequestStatus{sAwait, sReview}, sAwait},
	ActAsk:             {[]party{Staff}, []models.RequestStatus{sReview}, sWaitReq},
	ActAnswer:          {[]party{Requester}, []models.RequestStatus{sWaitReq}, sReview},
	ActApprove:         {[]party{Staff, System}, []models.RequestStatus{sReview}, sApproved},
	ActHandOff:         {[]party{Staff, System}, []models.RequestStatus{sApproved}, sFulfil},
	ActComplete:        {[]party{Staff, System}, []models.RequestStatus{sApproved, sFulfil}, models.StatusCompleted},
	ActDeny:            {[]party{Staff}, undecide, models.StatusDenied},
	ActCancel:          {[]party{Requester}, undecide, models.StatusCancelled},
	ActExpire:          {[]party{System}, []models.RequestStatus{sAwait}, models.StatusExpired},
	ActMarkDuplicate:   {[]party{Staff, System}, undecide, models.StatusDuplicate},
	ActExtend:          {[]party{Staff}, everyOpen, ""},
	ActAssign:          {[]party{Staff}, everyOpen, ""},
	ActJurisdiction:    {[]party{Staff}, everyOpen, ""},
	ActStopErasure:     {[]party{Requester, Staff}, []models.RequestStatus{models.StatusWaitingFulfilment}, models.StatusCancelled},
}

var parties = map[party]string{Requester: "requester", Staff: "staff", System: "system"}

// allStatuses is every status and "" (a request not filed yet).
func allStatuses() []models.RequestStatus {
	return append([]models.RequestStatus{""}, models.RequestStatuses...)
}

// TestTransitionTable walks every action × every status × every party
// through next: the allowed ones lead where the rules say, the others are
// refused, for the right reason (not this party's action at all, or not
// from this status).
func TestTransitionTable(t *testing.T) {
	t.Parallel()
	if got, want := len(Actions()), len(rules); got != want {
		t.Fatalf("the table has %d actions, the rules %d", got, want)
	}
	for _, a := range Actions() {
		ru, ok := rules[a]
		if !ok {
			t.Errorf("action %q has no rule in this test", a)
			continue
		}
		for p, pname := range parties {
			for _, st := range allStatuses() {
				to, err := next(a, st, p)
				mayAct := slices.Contains(ru.by, p)
				allowed := mayAct && slices.Contains(ru.from, st)
				switch {
				case allowed && err != nil:
					t.Errorf("%s by %s from %q: refused (%v), want allowed", a, pname, st, err)
				case allowed && to != ru.to:
					t.Errorf("%s by %s from %q: leads to %q, want %q", a, pname, st, to, ru.to)
				case !mayAct && !errors.Is(err, ErrNotYours):
					t.Errorf("%s by %s from %q: err %v, want ErrNotYours", a, pname, st, err)
				case mayAct && !allowed && !errors.Is(err, ErrWrongState):
					t.Errorf("%s by %s from %q: err %v, want ErrWrongState", a, pname, st, err)
				}
				// Allowed offers exactly the allowed actions.
				if offered := slices.Contains(Allowed(st, p), a); offered != allowed {
					t.Errorf("Allowed(%q, %s) offers %s: %v, want %v", st, pname, a, offered, allowed)
				}
			}
		}
	}
	if _, err := next("fly", sReview, Staff); fault.KindOf(err) != fault.Internal {
		t.Errorf("an unknown action: %v", err)
	}
	for _, a := range actionOrder {
		if _, ok := table[a]; !ok {
			t.Errorf("actionOrder names %q, which the table lacks", a)
		}
	}
	if len(actionOrder) != len(table) {
		t.Errorf("actionOrder has %d actions, the table %d", len(actionOrder), len(table))
	}
}

// staffCall takes one action through the desk's service method.
func staffCall(ctx context.Context, f *deskFixture, a actor.Actor, act Action, r models.PrivacyRequest, other int64) error {
	switch act {
	case ActVerify:
		return f.s.VerifyIdentity(ctx, a, r.ID, "checked the order number")
	case ActRejectIdentity:
		return f.s.RejectIdentity(ctx, a, r.ID, "the details did not match")
	case ActRequireDocument:
		return f.s.RequireDocument(ctx, a, r.ID, "the address differs from every order")
	case ActAsk:
		return f.s.Ask(ctx, a, r.ID, "Which order do you mean?")
	case ActApprove:
		return f.s.Approve(ctx, a, r.ID)
	case ActComplete:
		return f.s.Complete(ctx, a, r.ID, "done")
	case ActDeny:
		return f.s.Deny(ctx, a, r.ID, "other", "we hold nothing of the kind")
	case ActExtend:
		return f.s.Extend(ctx, a, r.ID, r.DueAt.AddDate(0, 0, 14), "many records")
	case ActMarkDuplicate:
		return f.s.MarkDuplicate(ctx, a, r.ID, other)
	case ActAssign:
		return f.s.Assign(ctx, a, r.ID, a.UserID)
	case ActJurisdiction:
		return f.s.SetJurisdiction(ctx, a, r.ID, models.JurisdictionCCPA)
	}
	return fmt.Errorf("no desk method for %s", act)
}

// deskActions are the actions staff take through the desk's methods.
var deskActions = []Action{ActVerify, ActRejectIdentity, ActRequireDocument, ActAsk, ActApprove, ActComplete, ActDeny,
	ActExtend, ActMarkDuplicate, ActAssign, ActJurisdiction}

// TestDeskFollowsTheTable takes every staff action through its service
// method from every status: the allowed ones succeed and leave the
// request where the rules say (an approved access request is handed off),
// the forbidden ones are refused with ErrWrongState and change nothing;
// a customer is refused every one of them.
func TestDeskFollowsTheTable(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDeskFixture(t, db)
		ctx := context.Background()
		staff := f.staffActor()
		for _, act := range deskActions {
			ru := rules[act]
			for _, st := range models.RequestStatuses {
				r := f.request(t, f.customer, models.RequestAccess, st)
				of := f.request(t, f.customer, models.RequestErasure, sReview)
				err := staffCall(ctx, f, staff, act, r, of.ID)
				got := f.reload(t, r.ID)
				if !slices.Contains(ru.from, st) {
					if !errors.Is(err, ErrWrongState) || fault.KindOf(err) != fault.Conflict {
						t.Errorf("%s from %s: err %v, want ErrWrongState", act, st, err)
					}
					var events int64
					db.Model(&models.RequestEvent{}).Where("request_id = ?", r.ID).Count(&events)
					if got.Status != st || events != 0 || !got.DueAt.Equal(r.DueAt) {
						t.Errorf("%s from %s: refused, yet the request changed to %s (%d events)", act, st, got.Status, events)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s from %s: %v", act, st, err)
					continue
				}
				want := ru.to
				if want == "" {
					want = st
				}
				if act == ActApprove {
					want = sFulfil // access is handed off to the export
				}
				if got.Status != want {
					t.Errorf("%s from %s: status %s, want %s", act, st, got.Status, want)
				}
				var ev models.RequestEvent
				if err := db.Where("request_id = ? AND action = ?", r.ID, string(act)).Take(&ev).Error; err != nil {
					t.Errorf("%s from %s: no event: %v", act, st, err)
				} else if ev.ActorKind != "staff" || ev.ActorID == nil || *ev.ActorID != f.staff.ID {
					t.Errorf("%s from %s: event by %s %v", act, st, ev.ActorKind, ev.ActorID)
				}
			}
			r := f.request(t, f.customer, models.RequestAccess, ru.from[0])
			if err := staffCall(ctx, f, f.customerActor(), act, r, 0); !errors.Is(err, ErrStaffOnly) {
				t.Errorf("%s by a customer: %v, want ErrStaffOnly", act, err)
			}
			if err := staffCall(ctx, f, staff, act, models.PrivacyRequest{ID: r.ID + 10_000, DueAt: time.Now()}, 0); !errors.Is(err, ErrNotFound) {
				t.Errorf("%s on an unknown request: %v, want ErrNotFound", act, err)
			}
		}
	})
}
