package password

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckNew(t *testing.T) {
	ctx := []string{"Alice.Smith@Example.test", "Alice Smith"}
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{"most common password", "password", ErrCommon},
		{"common, other case", "PassWord", ErrCommon},
		{"common with digit", "password1", ErrCommon},
		{"dictionary word", "elephant", ErrCommon},
		{"first name", "Jennifer", ErrCommon},
		{"not in list though weak-looking", "Password123", nil},
		{"64-char passphrase", strings.Repeat("correct horse battery ", 3)[:64], nil},
		{"8 unusual characters", "zq8vk3mw", nil},
		{"7 characters", "zq8vk3m", ErrTooShort},
		{"empty", "", ErrTooShort},
		{"7 emoji are 7 characters", strings.Repeat("🦊", 7), ErrTooShort},
		{"8 emoji are 8 characters", strings.Repeat("🦊", 8), nil},
		{"e + combining accent is one character after NFC", "abcdef" + "e\u0301", ErrTooShort},
		{"256 characters", strings.Repeat("xk", 128), nil},
		{"257 characters", strings.Repeat("xk", 128) + "q", ErrTooLong},
		{"spaces are not trimmed", "   zq8v  ", nil},
		{"whole email", "alice.smith@example.test", ErrContext},
		{"email local part", "ALICE.SMITH", ErrContext},
		{"local part plus decoration", "alice.smith2024!", ErrContext},
		{"full name", "alice smith", ErrContext},
		{"name inside a longer phrase is fine", "alice smith likes rowing", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckNew(tc.pw, ctx...); !errors.Is(got, tc.want) || (got == nil) != (tc.want == nil) {
				t.Errorf("CheckNew(%q) = %v, want %v", tc.pw, got, tc.want)
			}
		})
	}
}

func TestCheckNewShortLocalPartIgnored(t *testing.T) {
	// "bob" is under 4 characters, so "bob12345" is not a context match
	// (and it is not in the common list either).
	if err := CheckNew("bob12345", "bob@example.test"); err != nil {
		t.Errorf("CheckNew(bob12345) = %v, want nil", err)
	}
	if err := CheckNew("zq8vk3mwx", "", "  "); err != nil {
		t.Errorf("empty context strings must be ignored, got %v", err)
	}
}

func TestCommonCount(t *testing.T) {
	if n := CommonCount(); n < 10000 {
		t.Errorf("CommonCount() = %d, want at least 10000", n)
	}
}
