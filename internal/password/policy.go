package password

import (
	_ "embed"
	"errors"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Length limits for a new password, in characters (runes after NFC
// normalisation, so "é" typed as one or two code points counts once).
// NIST SP 800-63B asks for at least 8 and for allowing at least 64; 256
// leaves passphrases room while bounding what one request makes argon2id
// chew on.
const (
	MinLength = 8
	MaxLength = 256
)

// Errors CheckNew returns. Each names one rule, so the form can say which.
var (
	ErrTooShort = errors.New("password: too short")
	ErrTooLong  = errors.New("password: too long")
	ErrCommon   = errors.New("password: too common")
	ErrContext  = errors.New("password: based on the account's own details")
)

// The blocklist is made of zxcvbn-go frequency lists (commonLists in the
// test that builds it).
// "Passwords" alone holds 7,141 entries, short of the 10,000 we require, so
// it is joined by "English" (dictionary words, which NIST names as a
// blocklist source) and the male and female first names (a favourite base
// for human-chosen passwords). Together, lowercased and deduplicated, they
// hold 44,505 entries (zxcvbn-go v1.0.4; CommonCount says exactly). "Surname" (40,000
// mostly rare family names) is left out: refusing "whittington" would be
// hard to explain as "common", and the user's own name is caught by the
// context rule instead. Only entries of 8 or more characters can ever
// decide anything, since shorter passwords fail ErrTooShort first.
//
// The portal embeds the result (common.txt, folded, sorted, one per line)
// rather than importing zxcvbn-go: its package decodes all five lists at
// start-up, 10 MB of allocations and as many resident pages of the binary,
// a quarter of an idle instance's memory. TestCommonListMatchesZxcvbn
// rebuilds the list from zxcvbn-go and fails when common.txt differs
// (`go test ./internal/password -run CommonList -update` rewrites it).

//go:embed common.txt
var commonText string

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

func commonSet() map[string]struct{} {
	commonOnce.Do(func() {
		common = make(map[string]struct{}, strings.Count(commonText, "\n"))
		for w := range strings.Lines(commonText) {
			common[strings.TrimSuffix(w, "\n")] = struct{}{}
		}
	})
	return common
}

// CommonCount is the number of distinct entries in the common-password
// blocklist.
func CommonCount() int { return len(commonSet()) }

// fold is the form passwords and list entries are compared in.
func fold(s string) string { return strings.ToLower(norm.NFC.String(s)) }

// CheckNew applies the NIST SP 800-63B rules for a password being chosen:
// a length between MinLength and MaxLength characters, not in the common
// password list, and not one of the account's own details given as context
// (email address, name, ...). There are no composition rules and nothing is
// truncated or trimmed: what the user typed is what gets hashed.
func CheckNew(pw string, context ...string) error {
	n := utf8.RuneCountInString(norm.NFC.String(pw))
	switch {
	case n < MinLength:
		return ErrTooShort
	case n > MaxLength:
		return ErrTooLong
	}
	f := fold(pw)
	if _, ok := commonSet()[f]; ok {
		return ErrCommon
	}
	for _, c := range contextWords(context) {
		if f == c || strings.TrimRightFunc(f, isDecoration) == c {
			return ErrContext
		}
	}
	return nil
}

// contextWords folds the context strings and adds the local part of any
// email address among them. A local part shorter than 4 characters is not
// added: "jo" + digits is no derivative of an identity worth refusing.
func contextWords(context []string) []string {
	words := make([]string, 0, len(context)*2)
	for _, c := range context {
		c = fold(strings.TrimSpace(c))
		if c == "" {
			continue
		}
		words = append(words, c)
		if at := strings.LastIndexByte(c, '@'); at > 0 {
			if local := c[:at]; utf8.RuneCountInString(local) >= 4 {
				words = append(words, local)
			}
		}
	}
	return words
}

// isDecoration matches what people tack onto a word to pass a password
// form ("alice.smith2024!"): NIST counts such derivatives of the username
// as context-specific words too.
func isDecoration(r rune) bool {
	return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}
