package consent

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// A mail token is opaque to its reader: base64url of
// "kind|subject|topic|ref|mac", where mac is the key ring's MAC of the
// fields before it under a purpose per kind (so a confirmation token is
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
	return base64.RawURLEncoding.EncodeToString([]byte(fields + "|" + mac))
}

// parseToken verifies a token of kind.
func (s *Service) parseToken(raw, kind string) (token, error) {
	if len(raw) > 400 {
		return token{}, ErrBadToken
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return token{}, ErrBadToken
	}
	i := strings.LastIndexByte(string(b), '|')
	if i < 0 {
		return token{}, ErrBadToken
	}
	fields, mac := string(b[:i]), string(b[i+1:])
	if !s.Secrets.CheckMAC(tokenPurpose(kind), fields, mac) {
		return token{}, ErrBadToken
	}
	parts := strings.Split(fields, "|")
	if len(parts) != 4 || parts[0] != kind {
		return token{}, ErrBadToken
	}
	subject, err1 := strconv.ParseInt(parts[1], 10, 64)
	ref, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil || subject <= 0 || parts[2] == "" {
		return token{}, ErrBadToken
	}
	return token{Kind: kind, Subject: subject, Topic: parts[2], Ref: ref}, nil
}

// UnsubscribeToken is the opaque token of subject's topic (email).
func (s *Service) UnsubscribeToken(subjectID int64, topic string) string {
	return s.makeToken(token{Kind: kindUnsubscribe, Subject: subjectID, Topic: topic})
}

// confirmToken is the token confirming the pending opt-in event ref.
func (s *Service) confirmToken(subjectID int64, topic string, ref int64) string {
	return s.makeToken(token{Kind: kindConfirm, Subject: subjectID, Topic: topic, Ref: ref})
}
