package fault

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// rich is a package's own error type that knows its kind.
type rich struct{}

func (rich) Error() string   { return "rich" }
func (rich) FaultKind() Kind { return Conflict }

func TestKindOf(t *testing.T) {
	t.Parallel()
	sentinel := New(NotFound, "x: not found")
	cases := []struct {
		name string
		err  error
		want Kind
	}{
		{"plain error", errors.New("disk on fire"), Internal},
		{"sentinel", sentinel, NotFound},
		{"wrapped sentinel", fmt.Errorf("loading: %w", sentinel), NotFound},
		{"wrap keeps the cause", Wrap(Gone, "expired", errors.New("row")), Gone},
		{"own error type", fmt.Errorf("save: %w", rich{}), Conflict},
		{"invalid fields", InvalidFields("form", map[string]string{"to": "msg.id"}), Invalid},
		{"throttled", ThrottledFor("slow down", time.Minute), Throttled},
	}
	for _, c := range cases {
		if got := KindOf(c.err); got != c.want {
			t.Errorf("%s: KindOf = %v, want %v", c.name, got, c.want)
		}
	}
	if !errors.Is(fmt.Errorf("a: %w", sentinel), sentinel) {
		t.Error("a kinded sentinel must still match with errors.Is")
	}
	if Is(nil, Internal) {
		t.Error("nil is no fault")
	}
}

func TestDetails(t *testing.T) {
	t.Parallel()
	if w := WaitOf(fmt.Errorf("x: %w", ThrottledFor("t", 90*time.Second))); w != 90*time.Second {
		t.Errorf("WaitOf = %v", w)
	}
	if f := FieldsOf(fmt.Errorf("x: %w", InvalidFields("f", map[string]string{"to": "m"}))); f["to"] != "m" {
		t.Errorf("FieldsOf = %v", f)
	}
	if FieldsOf(errors.New("x")) != nil || WaitOf(errors.New("x")) != 0 {
		t.Error("an unkinded error has no fields and no wait")
	}
	for _, k := range Kinds {
		if k.String() == "unknown" {
			t.Errorf("kind %d has no name", k)
		}
	}
}
