package auth

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: totpAlgorithm})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewTOTPKey(t *testing.T) {
	secret, u, qr, err := NewTOTPKey("Photo Lab", "alice@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 32 { // 20 bytes in unpadded base32
		t.Errorf("secret %q: want 32 base32 characters", secret)
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := pu.Query()
	if pu.Scheme != "otpauth" || pu.Host != "totp" || q.Get("secret") != secret ||
		q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("issuer") != "Photo Lab" {
		t.Errorf("otpauth URL %q lacks the expected parameters", u)
	}
	const prefix = "data:image/png;base64,"
	if !strings.HasPrefix(qr, prefix) {
		t.Fatalf("QR is not a PNG data URI: %.40q", qr)
	}
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(qr, prefix))
	if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
		t.Errorf("QR payload is not a PNG (err %v)", err)
	}
	other, _, _, _ := NewTOTPKey("Photo Lab", "alice@example.test")
	if other == secret {
		t.Error("two keys share a secret")
	}
}

func TestCheckTOTP(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Date(2026, 3, 1, 9, 0, 10, 0, time.UTC) // 10 s into a step
	cur := TOTPStep(now)
	at := func(steps int) time.Time { return now.Add(time.Duration(steps*totpPeriod) * time.Second) }
	code := codeAt(t, secret, now)
	tests := []struct {
		name     string
		code     string
		lastStep int64
		wantStep int64
		wantOK   bool
	}{
		{"current step", code, 0, cur, true},
		{"spaces ignored", code[:3] + " " + code[3:] + " ", 0, cur, true},
		{"previous step (clock skew)", codeAt(t, secret, at(-1)), 0, cur - 1, true},
		{"next step (clock skew)", codeAt(t, secret, at(1)), 0, cur + 1, true},
		{"two steps back refused", codeAt(t, secret, at(-2)), 0, 0, false},
		{"two steps ahead refused", codeAt(t, secret, at(2)), 0, 0, false},
		{"replay of the same step refused", code, cur, 0, false},
		{"older step after a newer one refused", codeAt(t, secret, at(-1)), cur, 0, false},
		{"current step after the previous one accepted", code, cur - 1, cur, true},
		{"five digits refused", code[:5], 0, 0, false},
		{"seven digits refused", code + "0", 0, 0, false},
		{"non-digits refused", "12a456", 0, 0, false},
		{"empty refused", "", 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			step, ok := CheckTOTP(secret, tc.code, tc.lastStep, now)
			if ok != tc.wantOK || step != tc.wantStep {
				t.Errorf("CheckTOTP(%q, last %d) = %d, %v; want %d, %v", tc.code, tc.lastStep, step, ok, tc.wantStep, tc.wantOK)
			}
		})
	}
	// A wrong code: flip the last digit of the current one.
	wrong := code[:5] + string('0'+(code[5]-'0'+1)%10)
	if _, ok := CheckTOTP(secret, wrong, 0, now); ok {
		t.Errorf("wrong code %q accepted", wrong)
	}
	if _, ok := CheckTOTP("not base32!", code, 0, now); ok {
		t.Error("malformed secret accepted a code")
	}
}

func TestFormatSecret(t *testing.T) {
	tests := []struct{ in, want string }{
		{"JBSWY3DPEHPK3PXP", "JBSW Y3DP EHPK 3PXP"},
		{"ABCDEF", "ABCD EF"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := FormatSecret(tc.in); got != tc.want {
			t.Errorf("FormatSecret(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
