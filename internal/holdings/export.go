package holdings

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// A category's export is declared, not written: each Set names a table,
// the columns it gives the customer (Fields) and those it keeps back with
// the reason (Excluded). The export service walks the sets for data.json,
// the CSV files and the report alike, and the schema test fails when a
// column of a registered table is in neither list, so a new column is a
// decision, never a silent gap.

// FieldType is how a value is typed in data.json and its schema.
type FieldType string

const (
	FieldString FieldType = "string"
	FieldInt    FieldType = "integer"
	FieldBool   FieldType = "boolean"
	FieldTime   FieldType = "date-time" // an instant, ISO 8601 in UTC
)

// Field is one exported value of a record.
type Field struct {
	// Name is its key in data.json and its CSV header.
	Name string
	// Column is the table column it comes from (several fields may read
	// one column; a computed field names the column it reveals).
	Column string
	// Expr is the SQL read, over the set's table aliased t; empty means
	// t.<Column>.
	Expr string
	Type FieldType
	// Null says the value may be missing (a nullable column).
	Null bool
}

// Subject is whose data an export holds: the account, and for a formal
// request the request itself (a requester without an account has no
// UserID: only that request is theirs).
type Subject struct {
	UserID    int64
	RequestID int64
}

// Set is one kind of record a category exports.
type Set struct {
	// Name is its key in data.json under the category ("orders", "items").
	Name string
	// Table is the table its rows come from.
	Table string
	// One is a set of at most one record (the profile), exported as an
	// object instead of a list.
	One bool
	// FileColumn names the column holding the vault key of each record's
	// file (a photo): the ZIP carries the file under a name the portal
	// makes, given in the record's "file". The column itself is Excluded.
	FileColumn string
	Fields     []Field
	// Excluded names every other column of Table, with why it is left out.
	Excluded map[string]string
	// From is the SQL after FROM selecting the subject's rows, t being
	// Table; Args gives its arguments.
	From string
	Args func(Subject) []any
	// Order sorts the rows (default t.id).
	Order string
}

// byUser is the From of a table with a user_id column.
func byUser(table string) (string, func(Subject) []any) {
	return table + " t WHERE t.user_id = ?", func(s Subject) []any { return []any{s.UserID} }
}

// f is a field read from the column of its name.
func f(name string, typ FieldType) Field { return Field{Name: name, Column: name, Type: typ} }

// fn is a nullable one.
func fn(name string, typ FieldType) Field {
	return Field{Name: name, Column: name, Type: typ, Null: true}
}

// Query is the SELECT a set's rows are read by.
func (s Set) Query() string {
	cols := make([]string, len(s.Fields))
	for i, fl := range s.Fields {
		cols[i] = fl.Expr
		if cols[i] == "" {
			cols[i] = "t." + fl.Column
		}
	}
	if s.FileColumn != "" {
		cols = append(cols, "t."+s.FileColumn)
	}
	order := s.Order
	if order == "" {
		order = "t.id"
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM " + s.From + " ORDER BY " + order
}

// Each streams the subject's rows of a set to fn, one record at a time,
// typed by the fields: string, int64, bool, time.Time (UTC) or nil, and
// with a FileColumn the file's vault key (a string) last. The record's
// slice is reused between calls. Rows come from one cursor, so
// memory does not grow with how many the customer has.
func Each(ctx context.Context, db *gorm.DB, s Set, subj Subject, fn func(rec []any) error) error {
	rows, err := db.WithContext(ctx).Raw(s.Query(), s.Args(subj)...).Rows()
	if err != nil {
		return fmt.Errorf("holdings: export %s: %w", s.Name, err)
	}
	defer rows.Close()
	holders := make([]any, len(s.Fields), len(s.Fields)+1)
	for i, fl := range s.Fields {
		switch fl.Type {
		case FieldInt:
			holders[i] = new(sql.NullInt64)
		case FieldBool:
			holders[i] = new(sql.NullBool)
		case FieldTime:
			holders[i] = new(dbTime)
		default:
			holders[i] = new(sql.NullString)
		}
	}
	if s.FileColumn != "" {
		holders = append(holders, new(sql.NullString))
	}
	rec := make([]any, len(holders))
	for rows.Next() {
		if err := rows.Scan(holders...); err != nil {
			return fmt.Errorf("holdings: export %s: %w", s.Name, err)
		}
		for i, h := range holders {
			rec[i] = value(h)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("holdings: export %s: %w", s.Name, err)
	}
	return nil
}

func value(h any) any {
	switch v := h.(type) {
	case *sql.NullInt64:
		if v.Valid {
			return v.Int64
		}
	case *sql.NullBool:
		if v.Valid {
			return v.Bool
		}
	case *dbTime:
		if v.Valid {
			return v.Time.UTC().Truncate(time.Second)
		}
	case *sql.NullString:
		if v.Valid {
			return v.String
		}
	}
	return nil
}
