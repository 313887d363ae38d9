package i18n

import (
	"fmt"
	"io/fs"
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
		plain := make(map[string]string, len(defaults))
		for id, m := range own {
			if s, ok := plainText(m); ok {
				plain[id] = s
			}
		}
		// A message this language lacks (or leaves empty) is the default
		// language's, as go-i18n falls back to it.
		for id, m := range defaults {
			if _, ok := own[id]; ok {
				continue
			}
			if s, ok := plainText(m); ok {
				plain[id] = s
			}
		}
		out[code] = &texts{code: code, loc: i18n.NewLocalizer(bundle, code, def), plain: plain}
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

// translate is T for this language.
func (c *texts) translate(id string, args []any) string {
	if len(args) == 0 {
		if s, ok := c.plain[id]; ok {
			return s
		}
	}
	return c.localize(id, args)
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
