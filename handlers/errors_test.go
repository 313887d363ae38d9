package handlers

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/account"
	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/views"
)

// TestEveryErrorKindHasItsStatusAndPage walks every kind a service can
// return, and the real errors services return today, through the one
// mapping in fail: each gets its status and the designed page in the
// visitor's language, and only unexpected errors are logged.
func TestEveryErrorKindHasItsStatusAndPage(t *testing.T) {
	t.Parallel()
	want := map[fault.Kind]int{
		fault.Internal: 500, fault.NotFound: 404, fault.Forbidden: 403, fault.Conflict: 409,
		fault.Invalid: 422, fault.Throttled: 429, fault.Gone: 410, fault.TooLarge: 413,
	}
	if len(want) != len(fault.Kinds) {
		t.Fatalf("the test knows %d kinds, fault has %d", len(want), len(fault.Kinds))
	}
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"missing outbox message", fmt.Errorf("outbox: %w", mail.ErrNotFound), 404},
		{"missing dead job", jobs.ErrNotDead, 404},
		{"missing account", account.ErrNotFound, 404},
		{"unknown category", holdings.ErrNotFound, 404},
		{"profile of nobody", profile.ErrUnknownUser, 404},
		{"another customer's data", actor.ErrNotSubject, 403},
		{"another person's security", actor.ErrNotSelf, 403},
		{"staff doing an admin's job", actor.ErrNotAdmin, 403},
		{"profile conflict", &profile.ConflictError{}, 409},
		{"profile validation", &profile.ValidationError{}, 422},
		{"sign-in throttle", &account.WaitError{Wait: 90 * time.Second}, 429},
		{"database down", errors.New("connection refused"), 500},
	}
	for _, k := range fault.Kinds {
		cases = append(cases, struct {
			name string
			err  error
			want int
		}{"kind " + k.String(), fault.New(k, "x"), want[k]})
	}
	for _, c := range cases {
		var logged strings.Builder
		h := &Handler{Logger: slog.New(slog.NewTextHandler(&logged, nil))}
		r := httptest.NewRequest("GET", "/x", nil)
		r = r.WithContext(i18n.WithLocale(r.Context(), "fr"))
		w := httptest.NewRecorder()
		h.fail(w, r, c.err)
		if w.Code != c.want {
			t.Errorf("%s: status %d, want %d", c.name, w.Code, c.want)
			continue
		}
		body, _ := io.ReadAll(w.Body)
		title := views.ErrorTitle(r.Context(), c.want)
		if title == i18n.T(r.Context(), "error.title.generic") {
			t.Errorf("%s: status %d has no page of its own", c.name, c.want)
		}
		if !strings.Contains(string(body), title) || !strings.Contains(string(body), `lang="fr"`) {
			t.Errorf("%s: not the designed French page for %d", c.name, c.want)
		}
		if (c.want == 500) != (logged.Len() > 0) {
			t.Errorf("%s: logged %q; only unexpected errors are logged", c.name, logged.String())
		}
		if c.want == http.StatusTooManyRequests {
			if ra, _ := strconv.Atoi(w.Header().Get("Retry-After")); ra < 1 {
				t.Errorf("%s: Retry-After %q", c.name, w.Header().Get("Retry-After"))
			}
		}
	}
}
