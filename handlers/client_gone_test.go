package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
)

func TestClientGone(t *testing.T) {
	t.Parallel()
	live := httptest.NewRequest("GET", "/x", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	gone := live.WithContext(ctx)
	ctx, stop := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer stop()
	timedOut := live.WithContext(ctx)
	cases := []struct {
		name string
		r    bool
		want bool
	}{
		{"live request", ClientGone(live), false},
		{"client hung up", ClientGone(gone), true},
		{"a deadline is the portal's own time-out", ClientGone(timedOut), false},
	}
	for _, c := range cases {
		if c.r != c.want {
			t.Errorf("%s: ClientGone = %v, want %v", c.name, c.r, c.want)
		}
	}
}

// TestFailAfterClientLeft: whatever error a hang-up causes, fail writes
// nothing and logs nothing; the same error with the client still there
// is the portal's and gets a logged 500.
func TestFailAfterClientLeft(t *testing.T) {
	t.Parallel()
	errs := []error{
		context.Canceled,
		errors.New("driver: bad connection"), // PostgreSQL's hang-up through database/sql
		errors.New("session: lookup: failed to deallocate cached statement(s): conn closed"),
	}
	for _, err := range errs {
		for _, left := range []bool{true, false} {
			var logged strings.Builder
			h := &Handler{Logger: slog.New(slog.NewTextHandler(&logged, nil))}
			r := httptest.NewRequest("GET", "/x", nil)
			ctx, cancel := context.WithCancel(i18n.WithLocale(r.Context(), "en"))
			if left {
				cancel()
			}
			w := httptest.NewRecorder()
			h.fail(w, r.WithContext(ctx), err)
			cancel()
			switch {
			case left && (w.Body.Len() > 0 || len(w.Header()) > 0 || logged.Len() > 0):
				t.Errorf("%v after the client left: wrote %d bytes, headers %v, logged %q", err, w.Body.Len(), w.Header(), logged.String())
			case !left && (w.Code != 500 || !strings.Contains(logged.String(), "level=ERROR")):
				t.Errorf("%v with the client there: status %d, logged %q; want a logged 500", err, w.Code, logged.String())
			}
		}
	}
}
