package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The mailed links' rows of the authorization matrix: a token nobody
// was given is not found, whoever asks (signed in or not).
func init() {
	const bad = "bm90LWEtdG9rZW4.1.AAAA"
	for _, m := range []string{"GET", "POST"} {
		matrix[m+" /u/{token}"] = matrixRow("/u/"+bad, url.Values{"List-Unsubscribe": {"One-Click"}}, expect{notFound, notFound, notFound, notFound})
		matrix[m+" /u/{token}/prefs"] = matrixRow("/u/"+bad+"/prefs", url.Values{"all": {"1"}}, expect{notFound, notFound, notFound, notFound})
		matrix[m+" /confirm/{token}"] = matrixRow("/confirm/"+bad, nil, expect{notFound, notFound, notFound, notFound})
	}
}

// cookieless is what a mail provider's one-click request comes from: no
// cookie jar, no redirects followed.
func cookieless() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func subjectEvents(t *testing.T, p *portal, sub int64) []models.ConsentEvent {
	t.Helper()
	var out []models.ConsentEvent
	if err := p.DB().Where("subject_id = ?", sub).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func customerSubject(t *testing.T, p *portal) (int64, string) {
	t.Helper()
	var u models.User
	if err := p.DB().Where("email = ?", p.logins["customer"].Email).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	var sub int64
	err := p.DB().Transaction(func(tx *gorm.DB) error {
		var err error
		sub, err = p.Consent().SubjectOf(tx, u.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sub, u.Email
}

var confirmURL = regexp.MustCompile(`/confirm/[A-Za-z0-9_.-]+`)

// TestUnsubscribeMailEndToEnd: the double opt-in mail captured from the
// SMTP server carries both List-Unsubscribe headers; its confirmation
// link's GET changes nothing and its POST confirms; the one-click URL's
// GET changes nothing; its POST, cookieless and from another origin,
// answers 200 and unsubscribes; a repeat appends nothing.
func TestUnsubscribeMailEndToEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		server := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
		if err := server.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { server.Stop() })
		p := startPortal(t, db.URL, map[string]string{"PORTAL_SMTP_URL": "smtp://127.0.0.1:" + strconv.Itoa(server.PortNumber())})
		sub, email := customerSubject(t, p)
		err := p.DB().Transaction(func(tx *gorm.DB) error {
			return p.Consent().RequestConfirmation(tx, sub, email, "newsletter", consent.Evidence{Locale: "en"})
		})
		if err != nil {
			t.Fatal(err)
		}
		runJobs(t, p)
		var sent int64
		p.DB().Model(&models.OutboxMessage{}).Where("status = ?", models.OutboxSent).Count(&sent)
		msgs, err := server.WaitForMessages(int(sent), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var parsed *mail.Message
		for _, m := range msgs {
			pm, err := mail.ReadMessage(strings.NewReader(m.MsgRequest()))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(pm.Header.Get("To"), email) && strings.Contains(pm.Header.Get("Subject"), "confirm") {
				parsed = pm
			}
		}
		if parsed == nil {
			t.Fatalf("no confirmation mail among %d captured", len(msgs))
		}
		if got := parsed.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post = %q", got)
		}
		lu := parsed.Header.Get("List-Unsubscribe")
		if !strings.HasPrefix(lu, "<"+p.URL+"/u/") || !strings.HasSuffix(lu, ">") {
			t.Fatalf("List-Unsubscribe = %q", lu)
		}
		oneClick := strings.TrimPrefix(strings.Trim(lu, "<>"), p.URL)

		news := consent.Marketing("newsletter", models.ChannelEmail)
		state := func() string {
			st, err := p.Consent().States(context.Background(), sub)
			if err != nil {
				t.Fatal(err)
			}
			return st[news].Status
		}
		confirm := confirmURL.FindString(lastMail(t, p, email, "consent_confirm").TextBody)
		if confirm == "" {
			t.Fatal("no confirmation link in the mail")
		}
		c := cookieless()
		if res, body := p.get(t, c, confirm); res.StatusCode != http.StatusOK || !strings.Contains(body, `action="`+confirm+`"`) {
			t.Fatalf("confirmation page: %d", res.StatusCode)
		}
		if s := state(); s != models.ConsentPending {
			t.Fatalf("the confirmation link's GET made the opt-in %s", s)
		}
		if res := p.post(t, p.client(t), confirm, nil); res.StatusCode != http.StatusOK || state() != models.ConsentGranted {
			t.Fatalf("confirmation POST: %d, state %s", res.StatusCode, state())
		}
		if res := p.post(t, p.client(t), confirm, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("a second confirmation POST: %d, want 404", res.StatusCode)
		}

		before := len(subjectEvents(t, p, sub))
		for _, path := range []string{oneClick, oneClick + "/prefs"} {
			res, body := p.get(t, c, path)
			if res.StatusCode != http.StatusOK || len(res.Cookies()) != 0 {
				t.Errorf("GET %s: %d, cookies %v", path, res.StatusCode, res.Cookies())
			}
			if path == oneClick && (!strings.Contains(body, `action="`+oneClick+`"`) || !strings.Contains(body, oneClick+"/prefs")) {
				t.Errorf("the unsubscribe page lacks its button or the preference link")
			}
		}
		if n := len(subjectEvents(t, p, sub)); n != before || state() != models.ConsentGranted {
			t.Fatalf("GETs appended %d events, state %s", n-before, state())
		}

		form := url.Values{"List-Unsubscribe": {"One-Click"}}
		foreign := http.Header{"Origin": {"https://mail.provider.example"}, "Sec-Fetch-Site": {"cross-site"}}
		if res, body := p.postBody(t, c, oneClick, form, foreign); res.StatusCode != http.StatusOK || len(body) > 64 || len(res.Cookies()) != 0 {
			t.Fatalf("one-click POST: %d %q, cookies %v", res.StatusCode, body, res.Cookies())
		}
		// The provider's retry, as multipart/form-data (RFC 8058 allows both).
		var mp bytes.Buffer
		w := multipart.NewWriter(&mp)
		w.WriteField("List-Unsubscribe", "One-Click")
		w.Close()
		req, _ := http.NewRequest("POST", p.URL+oneClick, &mp)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Origin", "https://mail.provider.example")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		mpBody, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || string(mpBody) != "unsubscribed\n" {
			t.Fatalf("multipart one-click retry: %d %q, want the one-click answer", res.StatusCode, mpBody)
		}
		evs := subjectEvents(t, p, sub)
		if len(evs) != before+1 || evs[len(evs)-1].Method != models.MethodOneClick || state() != models.ConsentWithdrawn {
			t.Errorf("after two one-click POSTs: %d new events (want 1), last %+v, state %s", len(evs)-before, evs[len(evs)-1], state())
		}
		// The exemption is that route's alone: the token preference page
		// posted from another site is refused.
		if res, _ := p.postBody(t, c, oneClick+"/prefs", url.Values{"all": {"1"}}, foreign); res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin POST to the preference page: %d, want 403", res.StatusCode)
		}
	})
}

// TestOnlyOneClickIsCrossOrigin: the routing table flags one route.
func TestOnlyOneClickIsCrossOrigin(t *testing.T) {
	p := startPortal(t, "", nil)
	var flagged []string
	for _, rt := range p.Routes() {
		if rt.CrossOrigin {
			flagged = append(flagged, rt.Method+" "+rt.Pattern)
		}
	}
	if len(flagged) != 1 || flagged[0] != "POST /u/{token}" {
		t.Errorf("cross-origin routes %v, want POST /u/{token} alone", flagged)
	}
}

// TestUnsubscribeTokensRefused: a forged, foreign or other-kind token is
// a 404 and records nothing; an old-key token still unsubscribes after a
// rotation; the token pages cannot opt anyone in.
func TestUnsubscribeTokensRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		sub, _ := customerSubject(t, p)
		cs := p.Consent()
		err := p.DB().Transaction(func(tx *gorm.DB) error {
			_, err := cs.Apply(tx, sub, []consent.Change{
				{Choice: consent.Marketing("newsletter", models.ChannelEmail), Status: models.ConsentGranted},
				{Choice: consent.Marketing("offers", models.ChannelSMS), Status: models.ConsentGranted},
				{Choice: consent.Marketing("surveys", models.ChannelEmail), Status: models.ConsentGranted},
			}, consent.Evidence{Method: models.MethodPortal})
			if err != nil {
				return err
			}
			// Catalogues by post: withdrawn, the token page must not turn it on.
			_, err = cs.Apply(tx, sub, []consent.Change{{Choice: consent.Marketing("catalogues", models.ChannelPost), Status: models.ConsentGranted}}, consent.Evidence{Method: models.MethodPortal})
			if err != nil {
				return err
			}
			_, err = cs.Apply(tx, sub, []consent.Change{{Choice: consent.Marketing("catalogues", models.ChannelPost), Status: models.ConsentWithdrawn}}, consent.Evidence{Method: models.MethodPortal})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		good := cs.UnsubscribeToken(sub, "newsletter")
		ring, err := vault.OpenKeyRing(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		foreign := (&consent.Service{DB: p.DB(), Secrets: ring}).UnsubscribeToken(sub, "newsletter")
		tampered := good[:len(good)-4] + strings.Map(func(r rune) rune {
			if r == 'A' {
				return 'B'
			}
			return 'A'
		}, good[len(good)-4:])
		c := cookieless()
		before := len(subjectEvents(t, p, sub))
		for name, tok := range map[string]string{"foreign": foreign, "tampered": tampered, "other subject": cs.UnsubscribeToken(sub+1000, "newsletter")} {
			for _, path := range []string{"/u/" + tok, "/u/" + tok + "/prefs", "/confirm/" + tok} {
				if res, _ := p.get(t, c, path); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s GET %s: %d, want 404", name, path, res.StatusCode)
				}
			}
			if res, _ := p.postBody(t, c, "/u/"+tok, url.Values{"List-Unsubscribe": {"One-Click"}}, nil); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s one-click: %d, want 404", name, res.StatusCode)
			}
			if res := p.post(t, p.client(t), "/u/"+tok+"/prefs", url.Values{"all": {"1"}}); res.StatusCode != http.StatusNotFound {
				t.Errorf("%s prefs POST: %d, want 404", name, res.StatusCode)
			}
		}
		if n := len(subjectEvents(t, p, sub)); n != before {
			t.Fatalf("refused tokens appended %d events", n-before)
		}

		// The preference page: an attempt to tick on what is off, or to
		// name a choice never made, switches nothing on.
		res := p.post(t, p.client(t), "/u/"+good+"/prefs", url.Values{"stop": {"offers:sms"}, "grant": {"catalogues:post"},
			"start": {"partners:email"}, "status": {"granted"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("prefs POST: %d", res.StatusCode)
		}
		st, _ := cs.States(context.Background(), sub)
		if st[consent.Marketing("offers", models.ChannelSMS)].Status != models.ConsentWithdrawn ||
			st[consent.Marketing("catalogues", models.ChannelPost)].Status != models.ConsentWithdrawn ||
			st[consent.Marketing("newsletter", models.ChannelEmail)].Status != models.ConsentGranted {
			t.Errorf("states after the token page: %+v", st)
		}
		if _, ok := st[consent.Marketing("partners", models.ChannelEmail)]; ok {
			t.Error("the token page created a choice")
		}
		var grants int64
		p.DB().Model(&models.ConsentEvent{}).Where("subject_id = ? AND action = ? AND id > (SELECT MAX(id) FROM consent_events WHERE method = ?)",
			sub, models.ConsentGranted, models.MethodPortal).Count(&grants)
		if grants != 0 {
			t.Errorf("%d grants after the token page", grants)
		}

		// A rotation: the link mailed before it still unsubscribes.
		if _, err := cs.Secrets.AddKey(); err != nil {
			t.Fatal(err)
		}
		res, body := p.postBody(t, c, "/u/"+good, url.Values{"List-Unsubscribe": {"One-Click"}}, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("old-key one-click: %d %q", res.StatusCode, body)
		}
		st, _ = cs.States(context.Background(), sub)
		if st[consent.Marketing("newsletter", models.ChannelEmail)].Status != models.ConsentWithdrawn {
			t.Error("the old-key token did not unsubscribe")
		}
		// "Stop all" on the page withdraws what is left.
		if res := p.post(t, p.client(t), "/u/"+good+"/prefs", url.Values{"all": {"1"}}); res.StatusCode != http.StatusOK {
			t.Fatalf("stop all: %d", res.StatusCode)
		}
		st, _ = cs.States(context.Background(), sub)
		if st[consent.Marketing("surveys", models.ChannelEmail)].Status != models.ConsentWithdrawn {
			t.Errorf("stop all left %+v", st)
		}
		res2, err := c.Get(p.URL + "/u/" + good)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res2.Body)
		res2.Body.Close()
		if strings.Contains(string(b), `action="/u/`+good+`"`) {
			t.Error("the page still offers to unsubscribe what is off")
		}
	})
}

// TestPlainHTTPBaseURLWarns: a public http:// base URL is warned about at
// start (one-click unsubscribe needs HTTPS); localhost is not.
func TestPlainHTTPBaseURLWarns(t *testing.T) {
	warned := func(base string) bool {
		logs := &logLines{}
		startPortalLogging(t, "", map[string]string{"PORTAL_BASE_URL": base}, logs)
		logs.mu.Lock()
		defer logs.mu.Unlock()
		return strings.Contains(strings.Join(logs.lines, ""), "RFC 8058")
	}
	if !warned("http://privacy.example.com") {
		t.Error("no start-up warning for a public http:// base URL")
	}
	if warned("http://localhost:8080") {
		t.Error("a warning for localhost")
	}
}
