// Package actor names who acts on the portal's data: the one shape every
// mutating service method takes first after its context, so the audit log
// and the login history always know who did what, and from where.
package actor

import (
	"strconv"

	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
)

// Kind is what sort of party acts.
type Kind string

const (
	// Customer is a signed-in data subject acting on their own data.
	Customer Kind = "customer"
	// Requester is a visitor without an account (a public request form).
	Requester Kind = "requester"
	// Staff and Admin work the portal; admins may do everything staff may.
	Staff Kind = "staff"
	Admin Kind = "admin"
	// API is one of the shop's systems, through a token.
	API Kind = "api"
	// System is the portal itself: jobs, schedules, the command line.
	System Kind = "system"
)

// Actor is who acts, with the evidence the audit log and the login history
// keep: IP, user agent and the locale they were served in. UserID is the
// signed-in user (or the API token's owner); 0 when there is none.
type Actor struct {
	Kind      Kind
	UserID    int64
	IP        string
	UserAgent string
	Locale    string
}

// Evidence is what the server sees of a request, without the person.
type Evidence struct {
	IP        string
	UserAgent string
	Locale    string
}

// Of is the actor for a signed-in user, by role; a nil user is a requester
// without an account.
func Of(u *models.User, ev Evidence) Actor {
	a := Actor{Kind: Requester, IP: ev.IP, UserAgent: ev.UserAgent, Locale: ev.Locale}
	if u == nil {
		return a
	}
	a.UserID = u.ID
	switch u.Role {
	case models.RoleAdmin:
		a.Kind = Admin
	case models.RoleStaff:
		a.Kind = Staff
	default:
		a.Kind = Customer
	}
	return a
}

// SystemActor is the portal acting on its own (jobs, the command line).
func SystemActor() Actor { return Actor{Kind: System} }

// ID is the acting user's id for an audit row, or nil.
func (a Actor) ID() *int64 {
	if a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

// Role is the audit log's actor_role column: the kind, "system" for the
// portal itself.
func (a Actor) Role() string { return string(a.Kind) }

// IsStaff is true for staff and admins.
func (a Actor) IsStaff() bool { return a.Kind == Staff || a.Kind == Admin }

// ErrNotSubject is returned when a customer acts on another customer's data.
var ErrNotSubject = fault.New(fault.Forbidden, "actor: a customer may act only on their own data")

// MayActOn refuses a customer (or a requester) acting on someone else's
// rows. Staff, admins, the API and the system pass: what they may do is
// decided by the route's role and the service's own rules.
func (a Actor) MayActOn(subjectID int64) error {
	switch a.Kind {
	case Customer:
		if a.UserID != subjectID || subjectID == 0 {
			return ErrNotSubject
		}
	case Requester:
		return ErrNotSubject
	case "":
		return fault.New(fault.Forbidden, "actor: nobody acts")
	}
	return nil
}

// String names the actor for logs without personal data.
func (a Actor) String() string {
	if a.UserID == 0 {
		return string(a.Kind)
	}
	return string(a.Kind) + "#" + strconv.FormatInt(a.UserID, 10)
}

// As is the same request, now known to be u's: a visitor who has just
// proved who they are at sign-in acts as that user from then on.
func (a Actor) As(u *models.User) Actor {
	b := Of(u, Evidence{IP: a.IP, UserAgent: a.UserAgent, Locale: a.Locale})
	if u == nil {
		b.Kind = a.Kind
	}
	return b
}

// ErrNotSelf is returned when someone acts on another person's own
// account security (password, second factor, sessions, email).
var ErrNotSelf = fault.New(fault.Forbidden, "actor: only the account's owner may do this")

// Self refuses anyone but the account's owner, whatever their role: an
// admin resets a lost second factor through its own audited method, never
// by changing someone's password.
func (a Actor) Self(subjectID int64) error {
	if subjectID == 0 || a.UserID != subjectID {
		return ErrNotSelf
	}
	return nil
}

// ErrNotAdmin is returned when anyone but an admin (or the portal itself)
// tries an admin's action.
var ErrNotAdmin = fault.New(fault.Forbidden, "actor: admins only")

// RequireAdmin refuses anyone but an admin or the portal itself.
func (a Actor) RequireAdmin() error {
	if a.Kind != Admin && a.Kind != System {
		return ErrNotAdmin
	}
	return nil
}
