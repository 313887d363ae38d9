// Package settings keeps the portal's business rules (how long a code
// lives, when sign-in locks, later deadlines and thresholds) in the
// database: each rule is declared here in code with its type, default and
// bounds; an admin's change is validated, audited with before and after,
// and seen by every instance within one refresh interval, without a
// restart. What an operator sets at deployment (addresses, database, SMTP,
// directories) stays in environment variables (internal/config).
//
// A rule is declared once, as a package variable, in the file of its area
// (auth.go, account.go; later issues add theirs):
//
//	var CodeTTL = Duration("auth.email_code.ttl", 15*time.Minute, time.Minute, time.Hour)
//
// and read through the service: settings.CodeTTL.Get(svc).
package settings

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is a setting's value type, which decides how it is parsed, stored
// and shown.
type Kind string

const (
	KindInt      Kind = "int"
	KindDuration Kind = "duration"
	KindBool     Kind = "bool"
	KindString   Kind = "string"
	KindEnum     Kind = "enum"
)

// Message ids a field error carries (fault.FieldsOf maps the setting's key
// to one); the catalogs translate them for the admin screen.
const (
	ErrType   = "settings.error.type"
	ErrRange  = "settings.error.range"
	ErrChoice = "settings.error.choice"
	ErrLength = "settings.error.length"
)

// defaultMaxLen bounds a string setting with no MaxLen of its own.
const defaultMaxLen = 1000

// Def declares one setting. Default has the kind's Go type: int,
// time.Duration, bool or string (string for enums too).
type Def struct {
	Key     string
	Kind    Kind
	Default any
	// Min and Max bound an int or a duration (in nanoseconds), inclusive;
	// both zero means unbounded.
	Min, Max int64
	// Choices are an enum's allowed values.
	Choices []string
	// MaxLen bounds a string, in characters.
	MaxLen int
}

// registry holds every declared setting, in declaration order, so the
// admin screen lists them grouped as the files declare them.
var registry []*Def

// byKey finds a declaration.
var byKey = map[string]*Def{}

// declare adds d to the registry. A duplicate key or a default that breaks
// its own rules is a programming error, caught when the package loads.
func declare(d *Def) *Def {
	if _, dup := byKey[d.Key]; dup {
		panic("settings: " + d.Key + " declared twice")
	}
	if _, msg := d.check(d.Default); msg != "" {
		panic("settings: " + d.Key + ": default is invalid (" + msg + ")")
	}
	registry = append(registry, d)
	byKey[d.Key] = d
	return d
}

// All lists every declared setting.
func All() []Def {
	out := make([]Def, len(registry))
	for i, d := range registry {
		out[i] = *d
	}
	return out
}

// Lookup finds the declaration of key.
func Lookup(key string) (Def, bool) {
	d, ok := byKey[key]
	if !ok {
		return Def{}, false
	}
	return *d, true
}

// Value is the Go types a setting can have.
type Value interface {
	int | time.Duration | bool | string
}

// Setting is a typed handle on a declaration: code reads rules through it,
// so a typo in a key or a wrong type does not compile.
type Setting[T Value] struct{ def *Def }

// Key is the setting's name in the database and the audit log.
func (s Setting[T]) Key() string { return s.def.Key }

// Default is the value in code.
func (s Setting[T]) Default() T { return s.def.Default.(T) }

// Get is the current value from svc's cache; a nil svc gives the default,
// so code built without settings (tests, commands) runs on the defaults.
func (s Setting[T]) Get(svc *Service) T {
	if svc == nil {
		return s.Default()
	}
	if v, ok := svc.cached(s.def.Key).(T); ok {
		return v
	}
	return s.Default()
}

// Int declares an integer setting bounded by [min, max].
func Int(key string, def, min, max int) Setting[int] {
	return Setting[int]{declare(&Def{Key: key, Kind: KindInt, Default: def, Min: int64(min), Max: int64(max)})}
}

// Duration declares a duration setting bounded by [min, max].
func Duration(key string, def, min, max time.Duration) Setting[time.Duration] {
	return Setting[time.Duration]{declare(&Def{Key: key, Kind: KindDuration, Default: def, Min: int64(min), Max: int64(max)})}
}

// Bool declares a switch.
func Bool(key string, def bool) Setting[bool] {
	return Setting[bool]{declare(&Def{Key: key, Kind: KindBool, Default: def})}
}

// String declares a free text of at most maxLen characters (0: 1000).
func String(key, def string, maxLen int) Setting[string] {
	return Setting[string]{declare(&Def{Key: key, Kind: KindString, Default: def, MaxLen: maxLen})}
}

// Enum declares a choice among fixed values.
func Enum(key, def string, choices ...string) Setting[string] {
	return Setting[string]{declare(&Def{Key: key, Kind: KindEnum, Default: def, Choices: choices})}
}

// check converts v to the kind's Go type and applies the declared rules.
// msg is the message id of what is wrong, "" when v is good.
func (d *Def) check(v any) (out any, msg string) {
	switch d.Kind {
	case KindInt:
		var n int
		switch v := v.(type) {
		case int:
			n = v
		case int64:
			n = int(v)
		default:
			return nil, ErrType
		}
		if !d.inRange(int64(n)) {
			return nil, ErrRange
		}
		return n, ""
	case KindDuration:
		dur, ok := v.(time.Duration)
		if !ok {
			return nil, ErrType
		}
		if !d.inRange(int64(dur)) {
			return nil, ErrRange
		}
		return dur, ""
	case KindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, ErrType
		}
		return b, ""
	case KindString:
		s, ok := v.(string)
		if !ok || !utf8.ValidString(s) || strings.ContainsFunc(s, isControl) {
			return nil, ErrType
		}
		limit := d.MaxLen
		if limit <= 0 {
			limit = defaultMaxLen
		}
		if utf8.RuneCountInString(s) > limit {
			return nil, ErrLength
		}
		return s, ""
	case KindEnum:
		s, ok := v.(string)
		if !ok {
			return nil, ErrType
		}
		if !slices.Contains(d.Choices, s) {
			return nil, ErrChoice
		}
		return s, ""
	}
	return nil, ErrType
}

// isControl refuses control characters in a one-line text; tabs and
// newlines too, since a setting is shown on one line.
func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

func (d *Def) inRange(n int64) bool {
	if d.Min == 0 && d.Max == 0 {
		return true
	}
	return n >= d.Min && n <= d.Max
}

// Parse reads the text of a form field as a value of d's kind, checked.
func (d Def) Parse(text string) (any, string) {
	text = strings.TrimSpace(text)
	switch d.Kind {
	case KindInt:
		n, err := strconv.Atoi(text)
		if err != nil {
			return nil, ErrType
		}
		return d.check(n)
	case KindDuration:
		dur, err := time.ParseDuration(text)
		if err != nil {
			return nil, ErrType
		}
		return d.check(dur)
	case KindBool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return nil, ErrType
		}
		return d.check(b)
	}
	return d.check(text)
}

// Format is the value as text: what the audit log keeps as before and
// after, and what a form shows.
func (d Def) Format(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case time.Duration:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	}
	return fmt.Sprint(v)
}

// encode is the stored JSON: numbers and booleans as such, durations as
// their text ("15m0s") so the row reads well in a database console.
func (d *Def) encode(v any) (string, error) {
	if dur, ok := v.(time.Duration); ok {
		v = dur.String()
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// decode reads a stored value and checks it against today's rules: a row
// written under older bounds that no longer holds is reported, and the
// caller falls back to the default.
func (d *Def) decode(raw string) (any, error) {
	var v any
	switch d.Kind {
	case KindInt:
		var n int
		if err := json.Unmarshal([]byte(raw), &n); err != nil {
			return nil, err
		}
		v = n
	case KindDuration:
		var s string
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			return nil, err
		}
		dur, err := time.ParseDuration(s)
		if err != nil {
			return nil, err
		}
		v = dur
	case KindBool:
		var b bool
		if err := json.Unmarshal([]byte(raw), &b); err != nil {
			return nil, err
		}
		v = b
	default:
		var s string
		if err := json.Unmarshal([]byte(raw), &s); err != nil {
			return nil, err
		}
		v = s
	}
	out, msg := d.check(v)
	if msg != "" {
		return nil, fmt.Errorf("settings: stored %s breaks its rules (%s)", d.Key, msg)
	}
	return out, nil
}
