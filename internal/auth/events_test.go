package auth

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

const (
	uaChromeWin124 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	uaChromeWin125 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36"
	uaEdgeWin124   = uaChromeWin124 + " Edg/124.0.2478.51"
	uaFirefoxMac   = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0"
	uaChromeLinux  = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)

func TestTruncateUTF8(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"ab€", 4, "ab"}, // € is 3 bytes: cutting inside it backs off
		{"ab€", 5, "ab€"},
		{"🦊🦊", 7, "🦊"},
	}
	for _, tc := range tests {
		if got := truncateUTF8(tc.in, tc.n); got != tc.want {
			t.Errorf("truncateUTF8(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func TestRecordAndListEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		c := newClock()
		alice := newUser(t, db, "alice@example.test")
		bob := newUser(t, db, "bob@example.test")
		long := strings.Repeat("é", 300) // 600 bytes
		mustNoErr(t, RecordEvent(db.DB, alice, EventSignIn, MethodPassword, "192.0.2.1", long, c.now()))
		c.advance(time.Minute)
		mustNoErr(t, RecordEvent(db.DB, alice, EventTOTPEnabled, "", "192.0.2.1", uaFirefoxMac, c.now()))
		c.advance(time.Minute)
		mustNoErr(t, RecordEvent(db.DB, alice, EventSignOut, "", "192.0.2.1", uaFirefoxMac, c.now()))
		mustNoErr(t, RecordEvent(db.DB, bob, EventSignIn, MethodEmailCode, "198.51.100.7", uaChromeLinux, c.now()))

		events, total, err := listEvents(t, db.DB, alice, 2, 0)
		mustNoErr(t, err)
		if total != 3 || len(events) != 2 {
			t.Fatalf("got %d events of %d, want 2 of 3", len(events), total)
		}
		if events[0].Event != EventSignOut || events[1].Event != EventTOTPEnabled {
			t.Errorf("order = %s, %s; want newest first", events[0].Event, events[1].Event)
		}
		rest, _, err := listEvents(t, db.DB, alice, 2, 2)
		mustNoErr(t, err)
		if len(rest) != 1 || rest[0].Event != EventSignIn || rest[0].Method != MethodPassword {
			t.Fatalf("second page = %+v, want the sign-in", rest)
		}
		if ua := rest[0].UserAgent; len(ua) != 512 || !utf8.ValidString(ua) {
			t.Errorf("stored user agent: %d bytes, valid UTF-8 %v; want 512, true", len(ua), utf8.ValidString(ua))
		}
		bobs, bobTotal, err := listEvents(t, db.DB, bob, 0, 0)
		mustNoErr(t, err)
		if bobTotal != 1 || len(bobs) != 1 || bobs[0].UserID != bob {
			t.Errorf("bob's history = %+v (total %d), want only his one event", bobs, bobTotal)
		}
	})
}

// listEvents is the history as the pages read it: the logins category's
// list, whose total is the tally the triggers keep.
func listEvents(t *testing.T, db *gorm.DB, userID int64, limit, offset int) ([]models.LoginEvent, int64, error) {
	t.Helper()
	return (&holdings.Store{DB: db}).Logins(context.Background(), userID, limit, offset)
}

func TestIsNewDevice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		c := newClock()
		alice := newUser(t, db, "alice@example.test")
		bob := newUser(t, db, "bob@example.test")
		record := func(user int64, event, ua string) {
			t.Helper()
			mustNoErr(t, RecordEvent(db.DB, user, event, MethodPassword, "192.0.2.1", ua, c.now()))
		}
		check := func(name string, user int64, ua string, want bool) {
			t.Helper()
			got, err := IsNewDevice(ctx, db.DB, user, ua)
			mustNoErr(t, err)
			if got != want {
				t.Errorf("%s: IsNewDevice = %v, want %v", name, got, want)
			}
		}
		check("no history at all", alice, uaChromeWin124, true)
		record(alice, EventSignInFailed, uaChromeWin124)
		check("only a failed sign-in from it", alice, uaChromeWin124, true)
		record(alice, EventSignIn, uaChromeWin124)
		record(bob, EventSignIn, uaFirefoxMac)
		record(alice, EventSignIn, "weird-agent")
		check("same user agent", alice, uaChromeWin124, false)
		check("browser updated", alice, uaChromeWin125, false)
		check("other browser, same OS", alice, uaEdgeWin124, true)
		check("same browser, other OS", alice, uaChromeLinux, true)
		check("another user's device", alice, uaFirefoxMac, true)
		check("unparsed agent seen before", alice, "weird-agent", false)
		check("unparsed agent not seen", alice, "other-agent", true)
	})
}

func TestEventNamesFitColumns(t *testing.T) {
	for _, e := range []string{EventSignIn, EventSignInFailed, EventLockout, EventSignOut, EventPasswordChanged,
		EventTOTPEnabled, EventTOTPDisabled, EventRecoveryCodeUsed, EventRecoveryCodesRegenerated,
		EventEmailChanged, EventSessionRevoked, EventTOTPReset} {
		if len(e) > 32 {
			t.Errorf("event %q longer than its 32-character column", e)
		}
	}
	for _, m := range []string{MethodPassword, MethodEmailCode, MethodTOTP, MethodRecoveryCode} {
		if len(m) > 16 {
			t.Errorf("method %q longer than its 16-character column", m)
		}
	}
}
