package export

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/i18n"
	"gorm.io/gorm"
)

// Format names the layout of data.json; it changes when a key changes
// meaning, so a program reading packages can tell.
const Format = "privacyportal.export/1"

// writeJSON writes data.json: the subject, then every included category
// as an object of its sets (a list of records, or one record or null),
// each record's keys in the declared order, times in UTC, ISO 8601.
func (b *builder) writeJSON(ctx context.Context, db *gorm.DB, zw *zip.Writer) error {
	b.progress(ctx, StepData, 0, 0, true)
	f, err := zw.Create("data.json")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	var reqID any
	if b.subj.RequestID != 0 {
		reqID = b.subj.RequestID
	}
	head := map[string]any{"format": Format, "generated_at": jsonTime(b.info.GeneratedAt), "email": b.info.Email, "request_id": reqID}
	fmt.Fprintf(w, "{\n  %q: %s,\n  %q: %s,\n  %q: %s,\n  %q: %s,\n  \"categories\": {", "format", js(head["format"]),
		"generated_at", js(head["generated_at"]), "email", js(head["email"]), "request_id", js(reqID))
	for ci, c := range b.cats {
		if ci > 0 {
			w.WriteString(",")
		}
		fmt.Fprintf(w, "\n    %s: {", js(c.Key))
		for si, set := range c.Sets {
			if si > 0 {
				w.WriteString(",")
			}
			fmt.Fprintf(w, "\n      %s: ", js(set.Name))
			n := 0
			if !set.One {
				w.WriteString("[")
			}
			err := b.each(ctx, db, set, func(rec []any) error {
				if set.One && n > 0 {
					return nil // a primary key makes it one; never two objects
				}
				if !set.One {
					if n > 0 {
						w.WriteString(",")
					}
					w.WriteString("\n        ")
				}
				n++
				writeRecord(w, set, rec)
				b.progress(ctx, StepData, 1, 1, false)
				return nil
			})
			if err != nil {
				return err
			}
			switch {
			case set.One && n == 0:
				w.WriteString("null")
			case !set.One && n > 0:
				w.WriteString("\n      ]")
			case !set.One:
				w.WriteString("]")
			}
		}
		w.WriteString("\n    }")
	}
	w.WriteString("\n  }\n}\n")
	return w.Flush()
}

// writeRecord writes one record as a JSON object.
func writeRecord(w *bufio.Writer, set *ReportSet, rec []any) {
	w.WriteString("{")
	for i, fl := range set.Fields {
		if i > 0 {
			w.WriteString(", ")
		}
		w.WriteString(js(fl.Name))
		w.WriteString(": ")
		w.WriteString(jsValue(rec[i]))
	}
	if set.FileColumn != "" {
		w.WriteString(`, "file": `)
		w.WriteString(jsValue(rec[len(rec)-1]))
	}
	w.WriteString("}")
}

func jsValue(v any) string {
	if t, ok := v.(time.Time); ok {
		return js(jsonTime(t))
	}
	return js(v)
}

// jsonTime is an instant as data.json writes it: RFC 3339 in UTC.
func jsonTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func js(v any) string {
	out, err := json.Marshal(v)
	if err != nil {
		return "null" // only values of the scanned types reach here
	}
	return string(out)
}

// SchemaName is the schema's name inside the ZIP.
const SchemaName = "data.schema.json"

// writeSchema ships the schema data.json follows.
func (b *builder) writeSchema(zw *zip.Writer) error {
	f, err := zw.Create(SchemaName)
	if err != nil {
		return err
	}
	_, err = f.Write(Schema())
	return err
}

// Schema is the JSON Schema (draft 2020-12) of data.json, made from the
// registry's declarations: strict, no key that is not declared. The copy
// committed in docs/export/data.schema.json is checked against it by a
// test, so the documented schema is always the one packages follow.
func Schema() []byte {
	cats := map[string]any{}
	for _, e := range holdings.Entries() {
		sets := map[string]any{}
		var required []string
		for _, set := range e.Export() {
			props := map[string]any{}
			var req []string
			for _, fl := range set.Fields {
				props[fl.Name] = fieldSchema(fl)
				req = append(req, fl.Name)
			}
			if set.FileColumn != "" {
				props["file"] = map[string]any{"type": []string{"string", "null"}, "pattern": "^photos/[a-z0-9-]+\\.[a-z]+$",
					"description": "the file's name inside this ZIP; null when the file is no longer stored"}
				req = append(req, "file")
			}
			rec := map[string]any{"type": "object", "additionalProperties": false, "properties": props, "required": req}
			if title, ok := english("export.report.set." + set.Name); ok {
				rec["title"] = title
			}
			if set.One {
				sets[set.Name] = map[string]any{"oneOf": []any{rec, map[string]any{"type": "null"}}}
			} else {
				sets[set.Name] = map[string]any{"type": "array", "items": rec}
			}
			required = append(required, set.Name)
		}
		cats[e.Key()] = map[string]any{"type": "object", "additionalProperties": false, "properties": sets, "required": required,
			"description": "the records of the category \"" + e.Key() + "\"; index.html states its purposes, lawful bases, retention, source and recipients"}
	}
	schema := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://privacyportal.example/schemas/" + Format + "/data.schema.json",
		"title":                "A customer's personal data, as the privacy portal exports it",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []string{"format", "generated_at", "email", "request_id", "categories"},
		"properties": map[string]any{
			"format":       map[string]any{"const": Format},
			"generated_at": map[string]any{"type": "string", "format": "date-time"},
			"email":        map[string]any{"type": "string"},
			"request_id":   map[string]any{"type": []string{"integer", "null"}},
			"categories":   map[string]any{"type": "object", "additionalProperties": false, "properties": cats},
		},
	}
	out, err := json.MarshalIndent(schema, "", "  ")
	if err != nil {
		panic(err) // maps of strings: cannot fail
	}
	return append(out, '\n')
}

// english is a message in English, for the schema's titles (the same
// labels the report's tables use).
func english(id string) (string, bool) {
	if !i18n.Has(id) {
		return "", false
	}
	return i18n.Tl("en", id), true
}

func fieldSchema(fl holdings.Field) map[string]any {
	typ := string(fl.Type)
	m := map[string]any{}
	if title, ok := english("export.report.field." + fl.Name); ok {
		m["title"] = title
	}
	if fl.Type == holdings.FieldTime {
		typ = "string"
		m["format"] = "date-time"
		m["pattern"] = "Z$"
	}
	if fl.Null {
		m["type"] = []string{typ, "null"}
	} else {
		m["type"] = typ
	}
	return m
}
