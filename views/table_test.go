package views

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/photolab/privacyportal/internal/i18n"
)

func renderTable(t *testing.T, tb table) string {
	t.Helper()
	var buf bytes.Buffer
	if err := recordTable(tb).Render(i18n.WithLocale(context.Background(), "en"), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// cellTag finds every body cell with its data-label, in order.
var cellTag = regexp.MustCompile(`<(td|th)( scope="row")?( class="[^"]*")? data-label="([^"]*)"`)

func TestRecordTable(t *testing.T) {
	t.Parallel()
	cols := []column{{Label: "Number", RowHeader: true}, {Label: "Date", Class: "nowrap"}, {Label: "Total", Class: "amount"}}
	row := func(n string) tableRow {
		return tableRow{Cells: []templ.Component{textCell(n), textCell("1 Dec"), textCell("€1 <b>")}}
	}
	withDetails := row("A-2")
	withDetails.Details = &rowDetails{Summary: "Items (2)", Body: textCell("two prints")}
	withActions := row("A-3")
	withActions.Actions = codeCell("act")
	pg := Pagination{Page: 1, PerPage: 1, Total: 3, BaseURL: "/x"}
	cases := []struct {
		name        string
		table       table
		want, lacks []string
		labels      []string // data-label of every body cell, in order
	}{
		{
			name:   "headers and labels",
			table:  table{ID: "t", Caption: "Things", Columns: cols, Rows: []tableRow{row("A-1")}},
			want:   []string{`aria-labelledby="t-caption"`, `<caption id="t-caption">Things</caption>`, `<th scope="col">Number</th>`, `<th scope="col" class="nowrap">Date</th>`, `<th scope="row" data-label="Number"><div class="cell">A-1</div></th>`, `€1 &lt;b&gt;`},
			lacks:  []string{`class=""`, "<details", "record-table__actions", "pagination"},
			labels: []string{"Number", "Date", "Total"},
		},
		{
			name:   "details",
			table:  table{ID: "t", Caption: "Things", Columns: cols, DetailsLabel: "Items", Rows: []tableRow{row("A-1"), withDetails}},
			want:   []string{`<th scope="col">Items</th>`, `<details class="row-details"><summary>Items (2)</summary>two prints</details>`},
			labels: []string{"Number", "Date", "Total", "Items", "Number", "Date", "Total", "Items"},
		},
		{
			name:   "actions",
			table:  table{ID: "t", Caption: "Things", Columns: cols, ActionsLabel: "Actions", Rows: []tableRow{withActions, row("A-4")}},
			want:   []string{`<th scope="col"><span class="visually-hidden">Actions</span></th>`, `<td class="record-table__actions"><code>act</code></td>`, `<td class="record-table__actions"></td>`},
			labels: []string{"Number", "Date", "Total", "Number", "Date", "Total"},
		},
		{
			name:  "pagination",
			table: table{ID: "t", Caption: "Things", Columns: cols, Rows: []tableRow{row("A-1")}, Pagination: &pg},
			want:  []string{`class="pagination"`, `href="/x?page=2"`},
		},
		{
			name:  "empty",
			table: table{ID: "t", Caption: "Things", Columns: cols, EmptyTitle: "Nothing yet", EmptyBody: "Come back later", Pagination: &pg},
			want:  []string{`<div class="empty-state"><h2>Nothing yet</h2><p>Come back later</p></div>`},
			lacks: []string{"<table", "pagination"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out := renderTable(t, c.table)
			for _, s := range c.want {
				if !strings.Contains(out, s) {
					t.Errorf("missing %s in\n%s", s, out)
				}
			}
			for _, s := range c.lacks {
				if strings.Contains(out, s) {
					t.Errorf("unexpected %s in\n%s", s, out)
				}
			}
			if c.labels != nil {
				var got []string
				for _, m := range cellTag.FindAllStringSubmatch(out, -1) {
					got = append(got, m[4])
				}
				if strings.Join(got, "|") != strings.Join(c.labels, "|") {
					t.Errorf("cell labels %q, want %q", got, c.labels)
				}
			}
		})
	}
}

func TestDeliveryAddsInfo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status, delivery string
		want             bool
	}{
		{"delivered", "delivered", false},
		{"shipped", "in_transit", false},
		{"paid", "pending", false},
		{"placed", "", false},
		{"refunded", "returned", true},
		{"cancelled", "pending", true},
		{"shipped", "returned", true},
		{"delivered", "in_transit", true},
	}
	for _, c := range cases {
		if got := deliveryAddsInfo(c.status, c.delivery); got != c.want {
			t.Errorf("deliveryAddsInfo(%q, %q) = %v, want %v", c.status, c.delivery, got, c.want)
		}
	}
}

func TestContactAuthorAndOrder(t *testing.T) {
	t.Parallel()
	for _, l := range i18n.Supported {
		ctx := i18n.WithLocale(context.Background(), l.Code)
		cases := []struct{ channel, direction, want string }{
			{"email", "in", "contact.author.customer"},
			{"chat", "in", "contact.author.customer"},
			{"email", "out", "contact.author.staff"},
			{"chat", "out", "contact.author.staff"},
			{"phone", "in", "contact.author.phone_note"},
			{"phone", "out", "contact.author.phone_note"},
		}
		for _, c := range cases {
			if got, want := authorLabel(ctx, c.channel, c.direction), i18n.Tl(l.Code, c.want); got != want || got == c.want {
				t.Errorf("%s: authorLabel(%s, %s) = %q, want %q", l.Code, c.channel, c.direction, got, want)
			}
		}
	}
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	got := oldestFirst([]ContactView{{At: base.Add(2 * time.Hour), Body: "c"}, {At: base, Body: "a"}, {At: base.Add(time.Hour), Body: "b"}})
	var bodies []string
	for _, m := range got {
		bodies = append(bodies, m.Body)
	}
	if strings.Join(bodies, "") != "abc" {
		t.Errorf("oldestFirst gave %q, want a, b, c", bodies)
	}
}
