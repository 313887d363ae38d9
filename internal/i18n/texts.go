package i18n

import (
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// texts is one language's messages: its go-i18n localizer, built once, and
// the final text of every message that needs no template run, resolved
// once at start-up. A page asks for dozens of texts, most of them labels
// without arguments; answering those from a map spares go-i18n's language
// matching and template machinery on every call.
type texts struct {
	code  string
	loc   *i18n.Localizer
	plain map[string]string // id → the text Localize returns for it without arguments
	// fields are the messages whose only template actions are fields
	// ({{.Name}}): their text is put together here, not by text/template.
	fields map[string][]piece
}

// piece is a literal run of a message, or (field set) one of its fields.
type piece struct {
	text, field string
}

// loadTexts reads dir/<code>.toml from fsys for each code into a bundle
// whose default language is def, and resolves each language's plain texts.
func loadTexts(fsys fs.FS, dir, def string, codes []string) (map[string]*texts, error) {
	defTag, err := language.Parse(def)
	if err != nil {
		return nil, err
	}
	bundle := i18n.NewBundle(defTag)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files := make(map[string]*i18n.MessageFile, len(codes))
	for _, code := range codes {
		f, err := bundle.LoadMessageFileFS(fsys, dir+"/"+code+".toml")
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", code, err)
		}
		files[code] = f
	}
	if files[def] == nil {
		return nil, fmt.Errorf("no catalog for the default language %s", def)
	}
	defaults := resolvable(files[def])
	out := make(map[string]*texts, len(codes))
	for _, code := range codes {
		own := resolvable(files[code])
		c := &texts{code: code, loc: i18n.NewLocalizer(bundle, code, def),
			plain: make(map[string]string, len(defaults)), fields: map[string][]piece{}}
		for id, m := range own {
			c.add(id, m)
		}
		// A message this language lacks (or leaves empty) is the default
		// language's, as go-i18n falls back to it.
		for id, m := range defaults {
			if _, ok := own[id]; !ok {
				c.add(id, m)
			}
		}
		out[code] = c
	}
	return out, nil
}

// resolvable is the messages of a file that go-i18n will answer from it:
// the last one of each id, unless it has no text at all (go-i18n keeps no
// template for those and falls back to the default language).
func resolvable(f *i18n.MessageFile) map[string]*i18n.Message {
	out := make(map[string]*i18n.Message, len(f.Messages))
	for _, m := range f.Messages {
		if i18n.NewMessageTemplate(m) == nil {
			delete(out, m.ID)
			continue
		}
		out[m.ID] = m
	}
	return out
}

// plainText is a message's final text when it has no plural forms and no
// template action: go-i18n then returns its text unchanged.
func plainText(m *i18n.Message) (string, bool) {
	if m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" || m.Other == "" {
		return "", false
	}
	delim := m.LeftDelim
	if delim == "" {
		delim = "{{"
	}
	if strings.Contains(m.Other, delim) {
		return "", false
	}
	return m.Other, true
}

func (c *texts) add(id string, m *i18n.Message) {
	if s, ok := plainText(m); ok {
		c.plain[id] = s
	} else if p, ok := fieldPieces(m); ok {
		c.fields[id] = p
	}
}

// fieldAction is a template action that only prints a field.
var fieldAction = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// fieldPieces splits a message without plural forms whose template
// actions all print a field, with the default delimiters; ok is false
// for any other (a pipeline, a function, a comment), left to go-i18n.
func fieldPieces(m *i18n.Message) ([]piece, bool) {
	if m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" || m.Other == "" ||
		(m.LeftDelim != "" && m.LeftDelim != "{{") || (m.RightDelim != "" && m.RightDelim != "}}") {
		return nil, false
	}
	var out []piece
	rest := m.Other
	for _, loc := range fieldAction.FindAllStringSubmatchIndex(m.Other, -1) {
		lit := m.Other[len(m.Other)-len(rest) : loc[0]]
		if lit != "" {
			out = append(out, piece{text: lit})
		}
		out = append(out, piece{field: m.Other[loc[2]:loc[3]]})
		rest = m.Other[loc[1]:]
	}
	if rest != "" {
		out = append(out, piece{text: rest})
	}
	for _, p := range out {
		if p.field == "" && (strings.Contains(p.text, "{{") || strings.Contains(p.text, "}}")) {
			return nil, false // an action of another kind
		}
	}
	return out, true
}

// translate is T for this language.
func (c *texts) translate(id string, args []any) string {
	if len(args) == 0 {
		if s, ok := c.plain[id]; ok {
			return s
		}
	} else if p, ok := c.fields[id]; ok {
		if s, ok := fill(p, args); ok {
			return s
		}
	}
	return c.localize(id, args)
}

// fill writes a message's pieces with the named arguments. A field with
// no argument, or a value text/template prints otherwise than fmt (a
// pointer, a map…), is left to go-i18n.
func fill(pieces []piece, args []any) (string, bool) {
	if n, given := named(args, "Count"); given {
		switch n.(type) {
		case int, int64:
		default:
			return "", false // go-i18n reads Count as a plural count, and may refuse it
		}
	}
	var b strings.Builder
	for _, p := range pieces {
		if p.field == "" {
			b.WriteString(p.text)
			continue
		}
		v, found := named(args, p.field)
		if !found {
			return "", false
		}

		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// named is the value given for a name (the last, as go-i18n's map keeps).
func named(args []any, name string) (v any, found bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if n, _ := args[i].(string); n == name {
			v, found = args[i+1], true
		}
	}
	return v, found
}

// localize asks go-i18n: for messages with arguments or plural forms, and
// ids no catalog has (which show as themselves).
func (c *texts) localize(id string, args []any) string {
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			// Names are strings in every call; fmt.Sprint would copy each.
			name, ok := args[i].(string)
			if !ok {
				name = fmt.Sprint(args[i])
			}
			data[name] = args[i+1]
		}
		cfg.TemplateData = data
		if n, ok := data["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := c.loc.Localize(cfg)
	if err != nil && s == "" {
		return id
	}
	return s
}
