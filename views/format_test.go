package views

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
)

// The locale × zone × DST table is internal/i18n's; these cases check
// which zone a page shows: a stored (UTC) time in the shop's zone (UTC in
// tests), a time moved into the reader's zone in that one.
func TestFormatDateTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 21, 14, 5, 0, 0, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		locale string
		t      time.Time
		want   string
	}{
		{"en", at, "21 November 2026, 14:05 UTC"},
		{"fr", at, "21 novembre 2026 à 14:05 UTC"},
		{"zh-CN", at, "2026年11月21日 14:05（UTC）"},
		{"en", at.In(paris), "21 November 2026, 15:05 CET"},
		{"zh-CN", at.In(paris), "2026年11月21日 15:05（巴黎时间）"},
		{"xx", at, "21 November 2026, 14:05 UTC"},
		{"en", time.Time{}, ""},
	}
	for _, c := range cases {
		if got := FormatDateTime(c.locale, c.t); got != c.want {
			t.Errorf("FormatDateTime(%s, %v) = %q, want %q", c.locale, c.t, got, c.want)
		}
	}
}

func TestDateTimeInReadersZone(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"no zone: the shop's", i18n.WithLocale(context.Background(), "en"), "1 July 2026, 08:00 UTC"},
		{"chosen zone", i18n.WithZone(i18n.WithLocale(context.Background(), "zh-CN"), shanghai), "2026年7月1日 16:00（北京时间）"},
		{"chosen UTC", i18n.WithZone(i18n.WithLocale(context.Background(), "fr"), i18n.LoadZone("UTC")), "1er juillet 2026 à 08:00 UTC"},
	}
	for _, c := range cases {
		if got := DateTime(c.ctx, at); got != c.want {
			t.Errorf("%s: DateTime = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPagination(t *testing.T) {
	cases := []struct {
		p            Pagination
		pages, cur   int
		next         string
		wantNextLink bool
	}{
		{Pagination{Page: 1, PerPage: 25, Total: 0, BaseURL: "/admin/audit"}, 1, 1, "", false},
		{Pagination{Page: 1, PerPage: 25, Total: 25, BaseURL: "/admin/audit"}, 1, 1, "", false},
		{Pagination{Page: 1, PerPage: 25, Total: 26, BaseURL: "/admin/audit"}, 2, 1, "/admin/audit?page=2", true},
		{Pagination{Page: 2, PerPage: 10, Total: 35, BaseURL: "/admin/outbox?status=held"}, 4, 2, "/admin/outbox?page=3&status=held", true},
		{Pagination{Page: 3, PerPage: 10, Total: 35, BaseURL: "/x?page=3"}, 4, 3, "/x?page=4", true},
		{Pagination{Page: 99, PerPage: 10, Total: 35, BaseURL: "/x"}, 4, 4, "", false},
		{Pagination{Page: 0, PerPage: 0, Total: 35, BaseURL: "/x"}, 1, 1, "", false},
	}
	for _, c := range cases {
		if got := c.p.totalPages(); got != c.pages {
			t.Errorf("%+v: totalPages = %d, want %d", c.p, got, c.pages)
		}
		if got := c.p.current(); got != c.cur {
			t.Errorf("%+v: current = %d, want %d", c.p, got, c.cur)
		}
		if c.wantNextLink {
			if got := c.p.pageURL(c.cur + 1); got != c.next {
				t.Errorf("%+v: next = %q, want %q", c.p, got, c.next)
			}
		}
	}
}

func TestNavCurrent(t *testing.T) {
	cases := []struct {
		current, href string
		exact, want   bool
	}{
		{"/admin", "/admin", true, true},
		{"/admin/outbox", "/admin", true, false},
		{"/admin/outbox/7?x=1", "/admin/outbox", false, true},
		{"/admin/outboxes", "/admin/outbox", false, false},
		{"/account?tab=1", "/account", false, true},
	}
	for _, c := range cases {
		if got := navCurrent(c.current, c.href, c.exact); got != c.want {
			t.Errorf("navCurrent(%q, %q, %v) = %v", c.current, c.href, c.exact, got)
		}
	}
}

func TestSummaryOrder(t *testing.T) {
	got := summaryOf(FieldErrors{"zeta": "z", "form": "general", "password": "p", "email": "e", "alpha": "a", "empty": ""}, "email", "password")
	var names []string
	for _, e := range got {
		names = append(names, e.Name)
	}
	if want := []string{"email", "password", "alpha", "zeta"}; !slices.Equal(names, want) {
		t.Errorf("summary order = %v, want %v", names, want)
	}
}

func TestHomeURL(t *testing.T) {
	cases := map[string]string{"customer": "/account", "staff": "/staff", "admin": "/admin", "other": "/"}
	for role, want := range cases {
		if got := HomeURL(&PageUser{Role: role}); got != want {
			t.Errorf("HomeURL(%s) = %q, want %q", role, got, want)
		}
	}
	if HomeURL(nil) != "/" {
		t.Error("HomeURL(nil)")
	}
}
