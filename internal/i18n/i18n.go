// Package i18n translates the portal's texts. Catalogs are TOML files
// embedded from locales/; every UI string goes through T.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/BurntSushi/toml"
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
	matcher language.Matcher
	byCode  map[string]*texts
)

func init() {
	codes := make([]string, 0, len(Supported))
	tags := make([]language.Tag, 0, len(Supported))
	for _, l := range Supported {
		codes = append(codes, l.Code)
		tags = append(tags, language.MustParse(l.Code))
	}
	var err error
	if byCode, err = loadTexts(catalogs, "locales", Default, codes); err != nil {
		panic("i18n: " + err.Error())
	}
	matcher = language.NewMatcher(tags)
}

// Valid reports whether code is one of the supported languages.
func Valid(code string) bool {
	_, ok := byCode[code]
	return ok
}

// textsOf is a language's messages, the default language's for an
// unsupported code.
func textsOf(code string) *texts {
	if c, ok := byCode[code]; ok {
		return c
	}
	return byCode[Default]
}

// Match picks the supported language that best fits an Accept-Language
// header (or any list of tags); it never fails, falling back to Default.
func Match(acceptLanguage string) string {
	if code, ok := matched.Load(acceptLanguage); ok {
		return code.(string)
	}
	code := match(acceptLanguage)
	// Browsers send few distinct headers, so the answers are kept; the
	// header is the visitor's to choose, so only a bounded number of
	// short ones.
	if len(acceptLanguage) <= maxMatchedLen && matchedCount.Load() < maxMatched {
		if _, loaded := matched.LoadOrStore(acceptLanguage, code); !loaded {
			matchedCount.Add(1)
		}
	}
	return code
}

const (
	maxMatched    = 512
	maxMatchedLen = 128
)

var (
	matched      sync.Map // Accept-Language header → code
	matchedCount atomic.Int64
)

func match(acceptLanguage string) string {
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
	// The language's own texts go in the context, not its code: a
	// pointer costs no allocation to box, and T needs no map look-up.
	return context.WithValue(ctx, ctxKey{}, textsOf(code))
}

// Locale is the language of the context, Default when none was set.
func Locale(ctx context.Context) string {
	return textsIn(ctx).code
}

func textsIn(ctx context.Context) *texts {
	if c, ok := ctx.Value(ctxKey{}).(*texts); ok {
		return c
	}
	return byCode[Default]
}

// T translates message id into the context's language. Arguments come in
// pairs, name then value, for the template fields of the message:
// T(ctx, "greeting", "Name", name). A missing message falls back to
// English and, failing that, shows its id so a gap is visible, not fatal;
// TestCatalogsComplete keeps that from shipping.
func T(ctx context.Context, id string, args ...any) string {
	return textsIn(ctx).translate(id, args)
}

// Tl translates id into the named language (for mails and jobs that have
// no request context).
func Tl(code, id string, args ...any) string {
	return textsOf(code).translate(id, args)
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
