// Package fault is the error vocabulary every service speaks: a handful of
// kinds the web layer maps to a status and a page in one place, so a
// service never needs to know about HTTP and a missing row can never turn
// into a 500.
package fault

import (
	"errors"
	"time"
)

// Kind is what went wrong, as the person acting should be told.
type Kind int

const (
	// Internal is anything unexpected (the database is down): 500.
	Internal Kind = iota
	// NotFound: the thing does not exist, or belongs to someone else.
	NotFound
	// Forbidden: it exists but this actor may not do this.
	Forbidden
	// Conflict: someone else changed it first, or it is in the wrong state.
	Conflict
	// Invalid: the input is wrong; Fields say where.
	Invalid
	// Throttled: too many attempts; Wait says for how long.
	Throttled
	// Gone: it existed and has expired or been used.
	Gone
	// TooLarge: the request body is over its limit.
	TooLarge
)

var kindNames = [...]string{"internal", "not found", "forbidden", "conflict", "invalid", "throttled", "gone", "too large"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Kinds lists every kind, for tests that walk them all.
var Kinds = []Kind{Internal, NotFound, Forbidden, Conflict, Invalid, Throttled, Gone, TooLarge}

// Error is a service error of a known kind. Msg is for logs and must hold
// no personal data; Fields maps a form field to a message id.
type Error struct {
	Kind   Kind
	Msg    string
	Fields map[string]string
	Wait   time.Duration
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// FaultKind lets errors.As find the kind through wrapping.
func (e *Error) FaultKind() Kind { return e.Kind }

// Kinded is implemented by every error that knows its kind: *Error, and a
// package's own rich error types (a validation error with its fields, a
// conflict carrying the current state).
type Kinded interface {
	error
	FaultKind() Kind
}

// New makes a sentinel-style error of a kind; compare it with errors.Is.
func New(k Kind, msg string) error { return &Error{Kind: k, Msg: msg} }

// Wrap gives err a kind, keeping it for errors.Is and the log.
func Wrap(k Kind, msg string, err error) error { return &Error{Kind: k, Msg: msg, Err: err} }

// InvalidFields is an Invalid error naming the fields and their message ids.
func InvalidFields(msg string, fields map[string]string) error {
	return &Error{Kind: Invalid, Msg: msg, Fields: fields}
}

// ThrottledFor is a Throttled error with how long to wait.
func ThrottledFor(msg string, wait time.Duration) error {
	return &Error{Kind: Throttled, Msg: msg, Wait: wait}
}

// KindOf is err's kind: the first Kinded in its chain, or Internal.
func KindOf(err error) Kind {
	var k Kinded
	if errors.As(err, &k) {
		return k.FaultKind()
	}
	return Internal
}

// Is reports whether err is of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// WaitOf is how long a Throttled error asks to wait (0 if none).
func WaitOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.Wait
	}
	var w interface{ FaultWait() time.Duration }
	if errors.As(err, &w) {
		return w.FaultWait()
	}
	return 0
}

// FieldsOf is the field messages of an Invalid error (nil if none).
func FieldsOf(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
