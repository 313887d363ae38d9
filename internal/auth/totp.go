package auth

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// The TOTP parameters are RFC 6238's defaults: the only ones every
// authenticator app honours (several ignore the otpauth URL's algorithm,
// digits and period and would show wrong codes for anything else).
const (
	totpPeriod    = 30 // seconds
	totpDigits    = otp.DigitsSix
	totpAlgorithm = otp.AlgorithmSHA1
	totpSkew      = 1 // steps either side of now, for clocks that drift
	qrSize        = 200
)

// NewTOTPKey makes a random 160-bit secret for an account and returns it in
// base32 (to store as the pending secret and to show for manual entry), as
// an otpauth:// URL, and as that URL in a 200×200 QR code PNG data URI.
func NewTOTPKey(issuer, account string) (secret, otpauthURL, qrPNGDataURI string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      totpPeriod,
		SecretSize:  20,
		Digits:      totpDigits,
		Algorithm:   totpAlgorithm,
	})
	if err != nil {
		return "", "", "", fmt.Errorf("auth: totp key: %w", err)
	}
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return "", "", "", fmt.Errorf("auth: totp qr: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", "", "", fmt.Errorf("auth: totp qr: %w", err)
	}
	uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	return key.Secret(), key.URL(), uri, nil
}

// TOTPStep is the 30-second step now falls in.
func TOTPStep(now time.Time) int64 {
	s := now.Unix()
	if s < 0 {
		return (s - totpPeriod + 1) / totpPeriod
	}
	return s / totpPeriod
}

// CheckTOTP reports whether code is the secret's code for the step of now
// or one step either side, and returns the step it matched. Steps at or
// before lastStep are refused, so each code works once and an older code
// cannot follow a newer one; the caller stores the returned step as
// User.TOTPLastStep, with a conditional update so two concurrent sign-ins
// cannot both use it. Spaces in code are ignored ("123 456").
func CheckTOTP(secret, code string, lastStep int64, now time.Time) (step int64, ok bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != totpDigits.Length() || !allDigits(code) {
		return 0, false
	}
	cur := TOTPStep(now)
	// Every candidate is computed and compared, matched or not, so the
	// time taken does not depend on which step (if any) matched.
	matched := int64(-1)
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if s < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), hotp.ValidateOpts{
			Digits:    totpDigits,
			Algorithm: totpAlgorithm,
		})
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && s > lastStep {
			matched = s
		}
	}
	if matched < 0 {
		return 0, false
	}
	return matched, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatSecret splits a base32 secret into groups of four ("JBSW Y3DP …")
// for reading aloud or typing into an app by hand.
func FormatSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
