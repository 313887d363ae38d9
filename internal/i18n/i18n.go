// Package i18n translates the portal's texts. Catalogs are TOML files
// embedded from locales/; every UI string goes through T.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Default is the language used when nothing better matches.
const Default = "en"

// Lang is one supported language, named in itself for the switcher.
type Lang struct {
	Code string // BCP 47 tag as used in URLs, cookies and the DB
	Name string // the language's own name
}

// Supported lists the languages every page is available in.
var Supported = []Lang{
	{Code: "en", Name: "English"},
	{Code: "fr", Name: "Français"},
	{Code: "zh-CN", Name: "简体中文"},
}

// LanguageName is a language's own name ("Français"), or the code as
// given for one the portal does not speak.
func LanguageName(code string) string {
	for _, l := range Supported {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

//go:embed locales/*.toml
var catalogs embed.FS

var (
	bundle     *i18n.Bundle
	matcher    language.Matcher
	localizers = map[string]*i18n.Localizer{}
)

func init() {
	bundle = i18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	tags := make([]language.Tag, 0, len(Supported))
	for _, l := range Supported {
		if _, err := bundle.LoadMessageFileFS(catalogs, "locales/"+l.Code+".toml"); err != nil {
			panic(fmt.Sprintf("i18n: catalog %s: %v", l.Code, err))
		}
		tags = append(tags, language.MustParse(l.Code))
		localizers[l.Code] = i18n.NewLocalizer(bundle, l.Code, Default)
	}
	matcher = language.NewMatcher(tags)
}

// Valid reports whether code is one of the supported languages.
func Valid(code string) bool {
	_, ok := localizers[code]
	return ok
}

// Match picks the supported language that best fits an Accept-Language
// header (or any list of tags); it never fails, falling back to Default.
func Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Supported[idx].Code
}

type ctxKey struct{}

// WithLocale returns a context whose texts are in the given language.
func WithLocale(ctx context.Context, code string) context.Context {
	if !Valid(code) {
		code = Default
	}
	return context.WithValue(ctx, ctxKey{}, code)
}

// Locale is the language of the context, Default when none was set.
func Locale(ctx context.Context) string {
	if code, ok := ctx.Value(ctxKey{}).(string); ok {
		return code
	}
	return Default
}

// T translates message id into the context's language. Arguments come in
// pairs, name then value, for the template fields of the message:
// T(ctx, "greeting", "Name", name). A missing message falls back to
// English and, failing that, shows its id so a gap is visible, not fatal;
// TestCatalogsComplete keeps that from shipping.
func T(ctx context.Context, id string, args ...any) string {
	return Tl(Locale(ctx), id, args...)
}

// Tl translates id into the named language (for mails and jobs that have
// no request context).
func Tl(code, id string, args ...any) string {
	loc, ok := localizers[code]
	if !ok {
		loc = localizers[Default]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
		cfg.TemplateData = data
		if n, ok := data["Count"]; ok {
			cfg.PluralCount = n
		}
	}
	s, err := loc.Localize(cfg)
	if err != nil && s == "" {
		return id
	}
	return s
}

// HTMLLang is the value for <html lang>.
func HTMLLang(code string) string { return strings.TrimSpace(code) }

// IDs lists every message id in a language's catalog, for completeness tests.
func IDs(code string) ([]string, error) {
	raw, err := catalogs.ReadFile("locales/" + code + ".toml")
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := toml.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(m))
	for k := range m {
		ids = append(ids, k)
	}
	return ids, nil
}

// defaultIDs is the default catalog's ids, read once for Has.
var defaultIDs = sync.OnceValue(func() map[string]bool {
	ids, err := IDs(Default)
	if err != nil {
		panic(fmt.Sprintf("i18n: catalog %s: %v", Default, err))
	}
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
})

// Has reports whether the default catalog has a message id, so a label
// built from a stored code ("label.job_kind."+kind) can show the code
// itself when nobody wrote a label for it, rather than the message id.
func Has(id string) bool { return defaultIDs()[id] }
