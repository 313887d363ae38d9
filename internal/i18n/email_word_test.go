package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// frenchEmailVariants are the other ways of writing "e-mail" in French
// ("courriel", "mél", "mail", "email", "E-Mail"); the portal uses one word,
// "e-mail", everywhere. "serveur de messagerie" is a different thing and
// allowed.
var frenchEmailVariants = regexp.MustCompile(`(?i)courriels?|\bm[ée]ls?\b|(?:^|[^-\p{L}])mails?\b|\bemails?\b|\be[ \x{2011}]mails?\b`)

// notProse removes what is not French text: placeholders ({{.Email}}),
// addresses, links and HTML tags with their attributes.
var notProse = regexp.MustCompile(`\{\{[^}]*\}\}|[\w.+-]+@[\w.-]+|https?://\S+|<[^>]*>`)

func frenchEmailProblems(text string) []string {
	prose := notProse.ReplaceAllString(text, " ")
	// The one allowed spelling, in either case, is taken out first.
	prose = regexp.MustCompile(`(?i)\be-mails?\b`).ReplaceAllString(prose, " ")
	return frenchEmailVariants.FindAllString(prose, -1)
}

func TestFrenchEmailWordPattern(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		bad  bool
	}{
		{"Adresse e-mail", false},
		{"E-mails conservés", false},
		{"Nous avons envoyé un code à {{.Email}}.", false},
		{`<a href="mailto:dpo@example.com">dpo@example.com</a>`, false},
		{"serveur de messagerie", false},
		{"Votre courriel", true},
		{"Les Courriels", true},
		{"par mail", true},
		{"un email", true},
		{"adresse mél", true},
		{"un E-Mail", false}, // capitalised e-mail is still the same word
		{"un e mail", true},
	}
	for _, c := range cases {
		if got := len(frenchEmailProblems(c.text)) > 0; got != c.bad {
			t.Errorf("%q: flagged %v, want %v", c.text, got, c.bad)
		}
	}
}

// TestFrenchUsesOneWordForEmail reads the French catalog and the French
// mail templates.
func TestFrenchUsesOneWordForEmail(t *testing.T) {
	t.Parallel()
	for id, texts := range catalog(t, "fr") {
		for _, s := range texts {
			if p := frenchEmailProblems(s); len(p) > 0 {
				t.Errorf("fr.toml %s: %q uses %q; write “e-mail”", id, s, p)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(moduleRoot(t), "internal", "mail", "templates", "*", "fr.*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no French mail templates found: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(raw), "\n") {
			if p := frenchEmailProblems(line); len(p) > 0 {
				t.Errorf("%s:%d uses %q; write “e-mail”", f, i+1, p)
			}
		}
	}
}
