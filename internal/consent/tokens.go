package consent

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
)

// A mail token is opaque to its reader: base64url of
// "kind|subject|topic|ref", then the key version and the key ring's MAC
// of those fields (base64url) under a purpose per kind (so a confirmation token is
// no unsubscribe token, and the reverse). The MAC names its key version
// and CheckMAC verifies it under that version: a rotation (AddKey)
// leaves every token already mailed working. Unsubscribe tokens carry no
// expiry on purpose: a mail read a year later must still unsubscribe.
const (
	kindUnsubscribe = "u"
	kindConfirm     = "c"
)

// ErrBadToken is a token that is malformed, forged, from another
// installation, of the other kind, or no longer confirming anything.
var ErrBadToken = errors.New("consent: invalid token")

// token is what a verified token says.
type token struct {
	Kind    string
	Subject int64
	Topic   string
	// Ref is, for a confirmation, the pending event it confirms: a link
	// from an earlier, expired or withdrawn opt-in confirms nothing.
	Ref int64
}

func tokenPurpose(kind string) string { return "consent.token." + kind }

func (s *Service) makeToken(t token) string {
	fields := t.Kind + "|" + strconv.FormatInt(t.Subject, 10) + "|" + t.Topic + "|" + strconv.FormatInt(t.Ref, 10)
	mac := s.Secrets.MAC(tokenPurpose(t.Kind), fields)
	// "v<n>:<hex>" travels as "<n>.<base64 of the bytes>": the same MAC,
	// half the length in the mail's header.
	version, hexMAC, _ := strings.Cut(strings.TrimPrefix(mac, "v"), ":")
	raw, _ := hex.DecodeString(hexMAC)
	return base64.RawURLEncoding.EncodeToString([]byte(fields)) + "." + version + "." + base64.RawURLEncoding.EncodeToString(raw)
}

// parseToken verifies a token of kind.
func (s *Service) parseToken(raw, kind string) (token, error) {
	parts := strings.Split(raw, ".")
	if len(raw) > 400 || len(parts) != 3 {
		return token{}, ErrBadToken
	}
	b, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	macBytes, err2 := base64.RawURLEncoding.DecodeString(parts[2])
	version, err3 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || err3 != nil || version < 1 {
		return token{}, ErrBadToken
	}
	fields := string(b)
	if !s.Secrets.CheckMAC(tokenPurpose(kind), fields, "v"+strconv.Itoa(version)+":"+hex.EncodeToString(macBytes)) {
		return token{}, ErrBadToken
	}
	f := strings.Split(fields, "|")
	if len(f) != 4 || f[0] != kind {
		return token{}, ErrBadToken
	}
	subject, err1 := strconv.ParseInt(f[1], 10, 64)
	ref, err2 := strconv.ParseInt(f[3], 10, 64)
	if err1 != nil || err2 != nil || subject <= 0 || f[2] == "" {
		return token{}, ErrBadToken
	}
	return token{Kind: kind, Subject: subject, Topic: f[2], Ref: ref}, nil
}

// UnsubscribeToken is the opaque token of subject's topic (email).
func (s *Service) UnsubscribeToken(subjectID int64, topic string) string {
	return s.makeToken(token{Kind: kindUnsubscribe, Subject: subjectID, Topic: topic})
}

// confirmToken is the token confirming the pending opt-in event ref.
func (s *Service) confirmToken(subjectID int64, topic string, ref int64) string {
	return s.makeToken(token{Kind: kindConfirm, Subject: subjectID, Topic: topic, Ref: ref})
}
