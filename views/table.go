package views

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// table is the one table every list of records uses: a customer's
// orders, payments and sign-ins, the sessions page, the staff and admin
// lists. It renders a caption, column headers, one row per record with an
// optional row header, optional expandable details and optional row
// actions, the empty state when there are no rows, and the pagination.
// Every cell carries its column's name in data-label, so below 40rem the
// stylesheet turns each row into a stacked block of label and value with
// its actions on screen; nothing scrolls sideways.
//
// To use it, build a table in Go and render it with @recordTable(t):
//
//	t := table{
//		ID: "audit", Caption: T(ctx, "audit.table.caption"),
//		Columns: []column{{Label: T(ctx, "audit.col.when"), Class: "nowrap"}, {Label: T(ctx, "audit.col.what")}},
//		EmptyTitle: ..., EmptyBody: ..., Pagination: &l.Pagination,
//	}
//	for _, e := range entries {
//		t.Rows = append(t.Rows, tableRow{Cells: []templ.Component{dateTime(e.At), textCell(e.Sentence)}})
//	}
//
// Cells are templ components (textCell for plain text, codeCell, badgeCell,
// dateTime, or any component); a row's Details open in place with
// <details>, without JavaScript; its Actions (forms, links) go in a last
// column whose header only screen readers read.
type table struct {
	ID      string // unique on the page; the caption's id is ID + "-caption"
	Caption string
	Columns []column
	Rows    []tableRow
	// DetailsLabel heads the details column, shown when a row has Details.
	DetailsLabel string
	// ActionsLabel heads the actions column for screen readers only.
	ActionsLabel string
	// The empty state shown instead of the table when there are no rows.
	EmptyTitle, EmptyBody string
	// Pagination, when set, is rendered under the table (it shows nothing
	// for a single page).
	Pagination *Pagination
}

// column is one column of a recordTable.
type column struct {
	Label string
	// Class goes on the header and every cell: "amount" aligns figures,
	// "nowrap" keeps a date on one line at desktop widths.
	Class string
	// RowHeader makes the column's cells row headers (<th scope="row">),
	// which screen readers announce with every other cell of the row.
	RowHeader bool
}

// tableRow is one record. Cells are in column order; a missing cell is
// rendered empty.
type tableRow struct {
	Cells   []templ.Component
	Details *rowDetails
	Actions templ.Component
}

// rowDetails is what a row shows when opened: Summary is the always
// visible toggle, which should name the row for screen readers.
type rowDetails struct {
	Summary string
	Body    templ.Component
}

func (t table) captionID() string { return t.ID + "-caption" }

func (t table) hasDetails() bool {
	for _, r := range t.Rows {
		if r.Details != nil {
			return true
		}
	}
	return false
}

func (t table) hasActions() bool {
	for _, r := range t.Rows {
		if r.Actions != nil {
			return true
		}
	}
	return false
}

// cell is the i-th cell of the row, or nothing.
func (r tableRow) cell(i int) templ.Component {
	if i < len(r.Cells) && r.Cells[i] != nil {
		return r.Cells[i]
	}
	return templ.NopComponent
}

// textCell is a plain-text cell, escaped.
func textCell(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, templ.EscapeString(s))
		return err
	})
}
