package requests

import (
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

// Action is something that moves a request, or happens to it: each row of
// the table below says from which statuses it may be taken, by whom, and
// where it leads. A service method takes exactly one action through move,
// which consults this table and nothing else, so the rules are here.
type Action string

const (
	ActFile            Action = "file"             // received; awaiting verification
	ActVerify          Action = "verify"           // identity accepted → in review
	ActRejectIdentity  Action = "reject_identity"  // identity refused → denied (insufficient verification)
	ActRequireDocument Action = "require_document" // staff record a doubt: an ID document is needed
	ActAsk             Action = "ask"              // staff ask the requester something
	ActAnswer          Action = "answer"           // the requester answers → back in review
	ActApprove         Action = "approve"          // → approved (by the portal: an objection to marketing, which needs no review)
	ActHandOff         Action = "hand_off"         // approved → waiting for fulfilment (export, erasure)
	ActComplete        Action = "complete"         // → completed
	ActDeny            Action = "deny"             // → denied, with a reason code and text
	ActCancel          Action = "cancel"           // the requester withdraws it
	ActExpire          Action = "expire"           // unverified for too long
	ActMarkDuplicate   Action = "mark_duplicate"   // the same as another open request
	ActExtend          Action = "extend"           // the deadline moves; the status stays
	ActAssign          Action = "assign"           // the status stays
	ActJurisdiction    Action = "jurisdiction"     // staff override the jurisdiction; the deadline is counted again, the status stays
	ActStopErasure     Action = "stop_erasure"     // an approved erasure is stopped during its cool-off (the requester, or staff on their word)
)

// Who may take an action.
type party int

const (
	byRequester party = 1 << iota // the customer or the public requester
	byStaff
	bySystem // the portal itself: intake, expiry, hand-offs
)

type transition struct {
	from []models.RequestStatus
	to   models.RequestStatus // "" : the status stays
	by   party
}

var (
	open = []models.RequestStatus{models.StatusAwaitingVerification, models.StatusInReview, models.StatusWaitingRequester,
		models.StatusApproved, models.StatusWaitingFulfilment}
	// undecided are the open statuses before an approval: a request may
	// still be denied, withdrawn or found a duplicate.
	undecided = []models.RequestStatus{models.StatusAwaitingVerification, models.StatusInReview, models.StatusWaitingRequester}
)

// table is the whole life of a request. Staff ask a question only in
// review: the answer leads back to review, so a question asked before the
// identity is decided would skip the verification (before it, they write
// in the thread, which moves nothing).
var table = map[Action]transition{
	ActFile:            {from: []models.RequestStatus{""}, to: models.StatusAwaitingVerification, by: byRequester | byStaff | bySystem},
	ActVerify:          {from: []models.RequestStatus{models.StatusAwaitingVerification}, to: models.StatusInReview, by: byStaff | bySystem},
	ActRejectIdentity:  {from: []models.RequestStatus{models.StatusAwaitingVerification}, to: models.StatusDenied, by: byStaff},
	ActRequireDocument: {from: []models.RequestStatus{models.StatusAwaitingVerification, models.StatusInReview}, to: models.StatusAwaitingVerification, by: byStaff},
	ActAsk:             {from: []models.RequestStatus{models.StatusInReview}, to: models.StatusWaitingRequester, by: byStaff},
	ActAnswer:          {from: []models.RequestStatus{models.StatusWaitingRequester}, to: models.StatusInReview, by: byRequester},
	ActApprove:         {from: []models.RequestStatus{models.StatusInReview}, to: models.StatusApproved, by: byStaff | bySystem},
	ActHandOff:         {from: []models.RequestStatus{models.StatusApproved}, to: models.StatusWaitingFulfilment, by: bySystem | byStaff},
	ActComplete:        {from: []models.RequestStatus{models.StatusApproved, models.StatusWaitingFulfilment}, to: models.StatusCompleted, by: byStaff | bySystem},
	ActDeny:            {from: undecided, to: models.StatusDenied, by: byStaff},
	ActCancel:          {from: undecided, to: models.StatusCancelled, by: byRequester},
	ActExpire:          {from: []models.RequestStatus{models.StatusAwaitingVerification}, to: models.StatusExpired, by: bySystem},
	ActMarkDuplicate:   {from: undecided, to: models.StatusDuplicate, by: byStaff | bySystem},
	ActExtend:          {from: open, by: byStaff},
	ActAssign:          {from: open, by: byStaff},
	ActJurisdiction:    {from: open, by: byStaff},
	// Only an erasure waits in a cool-off (internal/erasure says whether it
	// still does); StopErasure refuses any other kind.
	ActStopErasure: {from: []models.RequestStatus{models.StatusWaitingFulfilment}, to: models.StatusCancelled, by: byRequester | byStaff},
}

// Actions lists every action, for tests that walk the table.
func Actions() []Action {
	out := make([]Action, 0, len(table))
	for a := range table {
		out = append(out, a)
	}
	return out
}

// ErrWrongState is returned when an action is not allowed from the
// request's status (someone else acted first, or the request is closed).
var ErrWrongState = fault.New(fault.Conflict, "requests: not allowed in this status")

// ErrNotYours is returned when a party may not take an action at all.
var ErrNotYours = fault.New(fault.Forbidden, "requests: not allowed for this actor")

// next is where an action leads from status for a party: the new status
// ("" when it stays), or an error saying why not.
func next(a Action, from models.RequestStatus, by party) (models.RequestStatus, error) {
	t, ok := table[a]
	if !ok {
		return "", fault.New(fault.Internal, "requests: unknown action "+string(a))
	}
	if t.by&by == 0 {
		return "", ErrNotYours
	}
	for _, s := range t.from {
		if s == from {
			return t.to, nil
		}
	}
	return "", ErrWrongState
}

// Allowed lists what a party may do to a request in a status, for the
// buttons a page offers (a button that would be refused is not shown).
func Allowed(from models.RequestStatus, by party) []Action {
	var out []Action
	for _, a := range actionOrder {
		if _, err := next(a, from, by); err == nil {
			out = append(out, a)
		}
	}
	return out
}

// actionOrder is the order pages offer actions in.
var actionOrder = []Action{ActVerify, ActRequireDocument, ActRejectIdentity, ActAsk, ActAnswer, ActApprove, ActComplete,
	ActExtend, ActJurisdiction, ActAssign, ActMarkDuplicate, ActDeny, ActCancel, ActStopErasure, ActHandOff, ActExpire, ActFile}

// Parties, exported for the pages asking Allowed.
const (
	Requester = byRequester
	Staff     = byStaff
	System    = bySystem
)
