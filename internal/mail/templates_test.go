package mail

import (
	"io/fs"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
)

var (
	sampleReceived = time.Date(2026, 2, 4, 9, 30, 0, 0, time.UTC)
	sampleDue      = time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC)
)

// sampleData is what callers pass for each shipped template. A new template
// without an entry here fails TestRenderEveryTemplate.
var sampleData = map[string]map[string]any{
	"test": {},
	"signin_new_device": {
		"Name":   `<b>Zoé & "Co"</b>`,
		"Time":   time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC),
		"Device": "Firefox on Linux",
		"IP":     "203.0.113.7",
	},
	"email_code":         {"Code": "482913", "Minutes": 15},
	"email_change_code":  {"Code": "482913", "Minutes": 15},
	"password_changed":   {"Name": "Zoé", "Time": time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC)},
	"totp_enabled":       {"Name": "Zoé", "Time": time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC)},
	"totp_disabled":      {"Name": "", "Time": time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC)},
	"totp_reset":         {"Name": "Zoé"},
	"email_change_taken": {"Name": "Zoé"},
	"email_changed": {
		"Name":           "Zoé",
		"NewEmailMasked": "ca•••@example.com",
		"Time":           time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC),
	},
	"staff_welcome": {"Name": "Sam", "SignInURL": "https://privacy.example.com/signin/code?for=staff&x=1"},
	"request_update": {
		"Name": "Zoé", "Number": "#42", "Kind": "Access", "Action": "mark_duplicate", "Status": "In review",
		"Note": "We need more time: <many orders>", "DueAt": sampleDue, "ReceivedAt": sampleReceived,
		"Link": "https://privacy.example.com/account/requests/42", "Public": false, "DuplicateOf": "#41", "Open": true,
		"Jurisdiction": "CCPA (45 days)",
	},
	"request_received": {
		"Name": "Zoé", "Number": "#42", "Kind": "Access", "Status": "Awaiting verification",
		"ReceivedAt": sampleReceived, "DueAt": sampleDue,
		"Link": "https://privacy.example.com/requests/status/42", "Public": true, "ConfirmEmail": true,
	},
	"request_denied": {
		"Name": "Zoé", "Number": "#42", "Kind": "Erasure", "Status": "Refused", "ReceivedAt": sampleReceived, "DueAt": sampleDue,
		"Link": "https://privacy.example.com/account/requests/42", "Public": false,
		"Reason": "Legal obligation to keep", "Text": "Invoices are kept 10 years <by law>",
		"Authority": "CNIL", "AuthorityURL": "https://www.cnil.fr",
	},
	"request_expired": {
		"Name": "", "Number": "#42", "Kind": "Access", "Status": "Expired", "ReceivedAt": sampleReceived, "DueAt": sampleDue,
		"Link": "https://privacy.example.com/requests/status/42", "Public": true,
		"NewLink": "https://privacy.example.com/requests/new", "Authority": "", "AuthorityURL": "",
	},
	"request_extended": {
		"Name": "Zoé", "Number": "#42", "Kind": "Access", "Status": "In review", "ReceivedAt": sampleReceived,
		"DueAt": sampleDue, "FirstDueAt": time.Date(2026, 2, 28, 9, 30, 0, 0, time.UTC),
		"Link": "https://privacy.example.com/account/requests/42", "Public": false, "Reason": "Twelve years of orders to gather",
	},
	"request_question": {
		"Name": "Zoé", "Number": "#42", "Kind": "Rectification", "Status": "Waiting for your answer", "ReceivedAt": sampleReceived,
		"DueAt": sampleDue, "Link": "https://privacy.example.com/account/requests/42", "Public": false,
		"Question": "Which delivery address is wrong?",
	},
	"request_completed": {
		"Name": "Zoé", "Number": "#42", "Kind": "Rectification", "Status": "Completed", "ReceivedAt": sampleReceived,
		"DueAt": sampleDue, "Link": "https://privacy.example.com/account/requests/42", "Public": false,
		"Note": "Your address is corrected", "CompletedAt": time.Date(2026, 2, 20, 11, 15, 0, 0, time.UTC),
	},
	"request_message": {
		"Name": "Zoé", "Number": "#42", "Kind": "Access", "Status": "In review", "ReceivedAt": sampleReceived,
		"DueAt": sampleDue, "Link": "https://privacy.example.com/requests/status/42", "Public": true,
	},
	"request_staff_new": {
		"Name": "Sam", "Number": "#42", "Kind": "Access", "Status": "In review", "DueAt": sampleDue,
		"Link": "https://privacy.example.com/staff/requests/42", "Assigned": false,
	},
	"request_staff_reminder": {
		"Name": "Sam", "Number": "#42", "Kind": "Access", "Status": "In review", "DueAt": sampleDue,
		"Link": "https://privacy.example.com/staff/requests/42", "Assigned": true,
	},
	"request_staff_overdue": {
		"Name": "", "Number": "#42", "Kind": "Access", "Status": "In review", "DueAt": sampleDue,
		"Link": "https://privacy.example.com/staff/requests/42", "Assigned": false,
	},
	"request_staff_digest": {
		"Name": "Sam", "Count": 2, "QueueLink": "https://privacy.example.com/staff/requests",
		"Items": []struct {
			Number, Kind, Status string
			DueAt                time.Time
			Link                 string
		}{
			{"#42", "Access", "In review", sampleDue, "https://privacy.example.com/staff/requests/42"},
			{"#43", "Erasure", "In review", time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC), "https://privacy.example.com/staff/requests/43"},
		},
	},
	"restriction_lift": {
		"Name": "Zoé", "Number": "#42", "Category": "Photos", "LiftsAt": time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC),
		"Link": "https://privacy.example.com/account/requests",
	},
	"request_code": {"Code": "482913", "Minutes": 15, "Number": "#42", "Purpose": "verify", "Name": "Zoé",
		"Link": "https://privacy.example.com/requests/verify/42"},
	"export_ready": {"Name": "Zoé", "Number": "#42", "Public": true, "Link": "https://privacy.example.com/requests/status/42",
		"ExpiresAt": time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC)},
	"consent_confirm": {"Name": "Zoé", "Topic": "Newsletter", "ConfirmLink": "https://privacy.example.com/confirm/abc",
		"UnsubscribeLink": "https://privacy.example.com/u/def", "ExpiresAt": time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC)},
	"consent_welcome": {"Name": "Zoé", "Topic": "Newsletter", "UnsubscribeLink": "https://privacy.example.com/u/def"},
	"erasure_report": {"Number": "#42", "When": time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC), "Lines": []map[string]string{
		{"Name": "Photos", "Outcome": "12 items removed."}, {"Name": "Orders", "Outcome": "0 items removed. 3 items kept until 31 Dec 2036"}}},
	"dormant_warning": {"Name": "Zoé", "ErasesAt": time.Date(2026, 3, 4, 17, 5, 0, 0, time.UTC),
		"Link": "https://privacy.example.com/signin"},
}

// sampleWants is what each template's text and HTML must show of its data,
// so a template that drops a field fails.
var sampleWants = map[string][]string{
	"email_code":             {"482913", "15"},
	"email_change_code":      {"482913", "15"},
	"password_changed":       {"Zoé", "17:05"},
	"totp_enabled":           {"Zoé", "17:05"},
	"totp_disabled":          {"17:05"},
	"totp_reset":             {"Zoé"},
	"email_change_taken":     {"Zoé"},
	"email_changed":          {"Zoé", "ca•••@example.com", "17:05"},
	"request_update":         {"Zoé", "#42", "#41", "In review", "17:05", "/account/requests/42"},
	"request_received":       {"Zoé", "#42", "Awaiting verification", "09:30", "17:05", "/requests/status/42"},
	"request_denied":         {"#42", "Erasure", "Legal obligation to keep", "Invoices are kept 10 years", "CNIL", "https://www.cnil.fr", "/account/requests/42"},
	"request_expired":        {"#42", "09:30", "/requests/new"},
	"request_extended":       {"#42", "17:05", "09:30", "Twelve years of orders to gather", "/account/requests/42"},
	"request_question":       {"#42", "Which delivery address is wrong?", "/account/requests/42"},
	"request_completed":      {"#42", "Rectification", "11:15", "Your address is corrected", "/account/requests/42"},
	"request_message":        {"#42", "In review", "/requests/status/42"},
	"request_staff_new":      {"Sam", "#42", "Access", "17:05", "/staff/requests/42"},
	"request_staff_reminder": {"Sam", "#42", "17:05", "/staff/requests/42"},
	"request_staff_overdue":  {"#42", "17:05", "/staff/requests/42"},
	"request_staff_digest":   {"Sam", "2", "#42", "#43", "/staff/requests/43", "/staff/requests"},
	"restriction_lift":       {"Zoé", "#42", "Photos", "17:05", "/account/requests"},
	"request_code":           {"482913", "15", "#42", "Zoé", "/requests/verify/42"},
	"export_ready":           {"Zoé", "#42", "17:05", "/requests/status/42"},
	"consent_confirm":        {"Zoé", "Newsletter", "/confirm/abc", "/u/def", "17:05"},
	"consent_welcome":        {"Zoé", "Newsletter", "/u/def"},
	"erasure_report":         {"#42", "17:05", "Photos", "12 items removed.", "Orders", "31 Dec 2036"},
	"dormant_warning":        {"Zoé", "17:05", "/signin"},
}

func TestEmbeddedTemplatesHaveEveryPart(t *testing.T) {
	entries, err := fs.ReadDir(templateFS, "templates")
	if err != nil {
		t.Fatal(err)
	}
	dirs := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dirs++
		for _, l := range i18n.Supported {
			for _, part := range []string{".subject.txt", ".txt", ".html"} {
				p := path.Join("templates", e.Name(), l.Code+part)
				if b, err := fs.ReadFile(templateFS, p); err != nil || len(strings.TrimSpace(string(b))) == 0 {
					t.Errorf("%s: missing or empty", p)
				}
			}
		}
	}
	if dirs < 2 {
		t.Errorf("%d templates embedded, want at least test and signin_new_device", dirs)
	}
}

func TestParseRejectsIncompleteTemplates(t *testing.T) {
	complete := func() fstest.MapFS {
		fsys := fstest.MapFS{"t/layout.html": {Data: []byte(`<html lang="{{.Locale}}">{{template "content" .}}</html>`)}}
		for _, l := range i18n.Supported {
			fsys["t/hello/"+l.Code+".subject.txt"] = &fstest.MapFile{Data: []byte("Hi")}
			fsys["t/hello/"+l.Code+".txt"] = &fstest.MapFile{Data: []byte("Hi {{.Name}}")}
			fsys["t/hello/"+l.Code+".html"] = &fstest.MapFile{Data: []byte("<p>Hi {{.Name}}</p>")}
		}
		return fsys
	}
	cases := []struct {
		name    string
		change  func(fstest.MapFS)
		wantErr string
	}{
		{"complete", func(fstest.MapFS) {}, ""},
		{"no French subject", func(f fstest.MapFS) { delete(f, "t/hello/fr.subject.txt") }, "hello/fr"},
		{"no Chinese HTML", func(f fstest.MapFS) { delete(f, "t/hello/zh-CN.html") }, "hello/zh-CN"},
		{"no English text", func(f fstest.MapFS) { delete(f, "t/hello/en.txt") }, "hello/en"},
		{"no layout", func(f fstest.MapFS) { delete(f, "t/layout.html") }, "layout.html"},
		{"syntax error", func(f fstest.MapFS) { f["t/hello/fr.txt"].Data = []byte("{{.Name") }, "hello/fr"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := complete()
			c.change(fsys)
			_, err := parseTemplates(fsys, "t")
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("error = %v, want one naming %q", err, c.wantErr)
			}
		})
	}
}

func TestRenderEveryTemplate(t *testing.T) {
	m := newMailer(t, "")
	for name := range m.templates {
		data, ok := sampleData[name]
		if !ok {
			t.Errorf("template %s has no sample data in the test", name)
			continue
		}
		subjects := map[string]string{}
		for _, l := range i18n.Supported {
			t.Run(name+"/"+l.Code, func(t *testing.T) {
				d := map[string]any{"BaseURL": "https://privacy.example.com"}
				for k, v := range data {
					d[k] = v
				}
				r, err := m.templates.render(name, l.Code, d)
				if err != nil {
					t.Fatal(err)
				}
				subjects[l.Code] = r.subject
				if r.locale != l.Code || r.subject == "" || strings.ContainsAny(r.subject, "\r\n") {
					t.Errorf("locale %q subject %q", r.locale, r.subject)
				}
				for part, body := range map[string]string{"subject": r.subject, "text": r.text, "html": r.html} {
					if strings.Contains(body, "<no value>") || strings.Contains(body, "%!") {
						t.Errorf("%s has a missing value:\n%s", part, body)
					}
				}
				if !strings.Contains(r.html, `lang="`+l.Code+`"`) || !strings.Contains(r.html, `href="https://privacy.example.com"`) {
					t.Errorf("html lacks lang or the portal link:\n%s", r.html)
				}
				for _, want := range sampleWants[name] {
					if !strings.Contains(r.text, want) || !strings.Contains(r.html, want) {
						t.Errorf("text or html lacks %q:\n%s\n%s", want, r.text, r.html)
					}
				}
				if code, ok := data["Code"].(string); ok && strings.Contains(r.subject, code) {
					t.Errorf("subject shows the code: %q", r.subject)
				}
				if name == "staff_welcome" && (!strings.Contains(r.text, "https://privacy.example.com/signin/code?for=staff&x=1") ||
					!strings.Contains(r.html, `href="https://privacy.example.com/signin/code?for=staff&amp;x=1"`)) {
					t.Errorf("staff_welcome lacks the sign-in link:\n%s\n%s", r.text, r.html)
				}
				if name == "signin_new_device" {
					if strings.Contains(r.html, "<b>Zoé") || !strings.Contains(r.html, "&lt;b&gt;Zoé &amp; &#34;Co&#34;&lt;/b&gt;") {
						t.Errorf("html does not escape the name:\n%s", r.html)
					}
					for _, want := range []string{`<b>Zoé & "Co"</b>`, "Firefox on Linux", "203.0.113.7", "17:05"} {
						if !strings.Contains(r.text, want) {
							t.Errorf("text lacks %q:\n%s", want, r.text)
						}
					}
				}
			})
		}
		if subjects["fr"] == subjects["en"] || subjects["zh-CN"] == subjects["en"] {
			t.Errorf("%s: subjects not translated: %q", name, subjects)
		}
	}
}

func TestRenderLocaleAndData(t *testing.T) {
	m := newMailer(t, "")
	full := sampleData["signin_new_device"]
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	// A time the sender moved into the recipient's zone is shown there.
	inParis := map[string]any{}
	for k, v := range full {
		inParis[k] = v
	}
	inParis["Time"] = full["Time"].(time.Time).In(paris)
	cases := []struct {
		name, template, locale string
		data                   map[string]any
		wantLocale             string
		wantInText             string
		wantErr                bool
	}{
		{"regional French", "signin_new_device", "fr-CA", full, "fr", "4 mars 2026 à 17:05 UTC", false},
		{"Chinese", "signin_new_device", "zh-CN", full, "zh-CN", "2026年3月4日 17:05（UTC）", false},
		{"English date", "signin_new_device", "en", full, "en", "4 March 2026, 17:05 UTC", false},
		{"recipient's zone", "signin_new_device", "fr", inParis, "fr", "4 mars 2026 à 18:05 CET", false},
		{"recipient's zone in Chinese", "signin_new_device", "zh-CN", inParis, "zh-CN", "2026年3月4日 18:05（巴黎时间）", false},
		{"unsupported falls back to English", "test", "de-DE", nil, "en", "This is a test message from your privacy portal", false},
		{"no locale", "test", "", nil, "en", "This is a test message", false},
		{"missing data is an error", "signin_new_device", "en", map[string]any{"Name": "A"}, "", "", true},
		{"unknown template", "nope", "en", nil, "", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := map[string]any{"BaseURL": "http://localhost:8080"}
			for k, v := range c.data {
				d[k] = v
			}
			r, err := m.templates.render(c.template, c.locale, d)
			if c.wantErr {
				if err == nil {
					t.Fatalf("rendered without error:\n%s", r.text)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.locale != c.wantLocale || !strings.Contains(r.text, c.wantInText) {
				t.Errorf("locale %q, text:\n%s\nwant locale %q and %q", r.locale, r.text, c.wantLocale, c.wantInText)
			}
		})
	}
}

func TestNewValidatesConfig(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		wantErr bool
		smtp    bool
	}{
		{"no SMTP", Config{From: "Portal <p@example.com>"}, false, false},
		{"smtp", Config{From: "p@example.com", SMTPURL: "smtp://u:secret@mail.example.com:587"}, false, true},
		{"smtps default port", Config{From: "p@example.com", SMTPURL: "smtps://mail.example.com"}, false, true},
		{"wrong scheme", Config{From: "p@example.com", SMTPURL: "http://mail.example.com"}, true, false},
		{"no host", Config{From: "p@example.com", SMTPURL: "smtp://"}, true, false},
		{"bad port", Config{From: "p@example.com", SMTPURL: "smtp://u:secret@mail.example.com:99999"}, true, false},
		{"bad sender", Config{From: "not an address"}, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := New(c.cfg, quietLogger())
			if (err != nil) != c.wantErr {
				t.Fatalf("New: err = %v, wantErr %v", err, c.wantErr)
			}
			if err != nil {
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error leaks the password: %v", err)
				}
				return
			}
			if m.Configured() != c.smtp {
				t.Errorf("Configured() = %v, want %v", m.Configured(), c.smtp)
			}
		})
	}
}

// TestRequestMailsStateTheRights: a refusal and an expiry tell the
// requester, in their language, that they may complain to a supervisory
// authority and go to court (GDPR Art. 12(4)): the one named in the
// settings, or a generic one.
func TestRequestMailsStateTheRights(t *testing.T) {
	t.Parallel()
	m := newMailer(t, "")
	words := map[string]struct{ complaint, court, generic string }{
		"en":    {"lodge a complaint", "judicial remedy", "your data protection authority"},
		"fr":    {"introduire une réclamation", "recours juridictionnel", "votre autorité de protection des données"},
		"zh-CN": {"投诉", "司法救济", "数据保护监管机构"},
	}
	for _, name := range []string{"request_denied", "request_expired"} {
		for _, named := range []bool{true, false} {
			for _, l := range i18n.Supported {
				d := map[string]any{"BaseURL": "https://privacy.example.com"}
				for k, v := range sampleData[name] {
					d[k] = v
				}
				d["Authority"], d["AuthorityURL"] = "", ""
				if named {
					d["Authority"], d["AuthorityURL"] = "CNIL", "https://www.cnil.fr"
				}
				r, err := m.templates.render(name, l.Code, d)
				if err != nil {
					t.Fatal(err)
				}
				w := words[l.Code]
				want := []string{w.complaint, w.court}
				if named {
					want = append(want, "CNIL")
				} else {
					want = append(want, w.generic)
				}
				for _, s := range want {
					if !strings.Contains(r.text, s) || !strings.Contains(r.html, s) {
						t.Errorf("%s/%s (authority named: %v) lacks %q:\n%s", name, l.Code, named, s, r.text)
					}
				}
				if named && !strings.Contains(r.html, `href="https://www.cnil.fr"`) {
					t.Errorf("%s/%s: the authority is not linked:\n%s", name, l.Code, r.html)
				}
			}
		}
	}
	// Free text staff wrote is escaped in HTML.
	d := map[string]any{"BaseURL": "https://privacy.example.com"}
	for k, v := range sampleData["request_denied"] {
		d[k] = v
	}
	r, err := m.templates.render("request_denied", "en", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.html, "<by law>") || !strings.Contains(r.html, "&lt;by law&gt;") {
		t.Errorf("the staff text is not escaped:\n%s", r.html)
	}
}
