package mail

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	smtpmock "github.com/mocktools/go-smtp-mock/v2"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/vault"
)

// TestListHeadersSignedWithDKIM: a subscription mail captured from the
// SMTP server carries both List-Unsubscribe headers, and its DKIM
// signature verifies against the published key and covers them; a
// service mail carries neither header.
func TestListHeadersSignedWithDKIM(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		server := smtpmock.New(smtpmock.ConfigurationAttr{HostAddress: "127.0.0.1", MultipleMessageReceiving: true})
		if err := server.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { server.Stop() })
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, _ := x509.MarshalPKCS8PrivateKey(priv)
		keyFile := filepath.Join(t.TempDir(), "dkim.pem")
		if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		signer, err := LoadDKIMKey(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		keys, _ := vault.OpenKeyRing(t.TempDir())
		m, err := New(Config{SMTPURL: "smtp://127.0.0.1:" + strconv.Itoa(server.PortNumber()), From: "Photo Lab <privacy@lab.example>",
			BaseURL: "https://privacy.lab.example", Keys: keys, DKIM: &DKIM{Domain: "lab.example", Selector: "portal", Signer: signer}}, quietLogger())
		if err != nil {
			t.Fatal(err)
		}
		q, _ := newQueue(db, m)
		const unsub = "<https://privacy.lab.example/u/dG9rZW4tb2YtYS12ZXJ5LWxvbmctbGVuZ3RoLXRoYXQtZ29lcy1wYXN0LXNldmVudHktc2l4LWNoYXJhY3RlcnMtb2YtaGVhZGVy>"
		if _, err := m.Queue(db.DB, Message{To: recipient, Template: "test", Locale: "fr", Headers: ListHeaders(unsub, "List-Unsubscribe=One-Click")}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Queue(db.DB, Message{To: recipient, Template: "test", Locale: "en"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Queue(db.DB, Message{To: recipient, Template: "test", Headers: map[string]string{"Bcc": "x@example.com"}}); err == nil {
			t.Error("a header other than the List-Unsubscribe pair was queued")
		}
		if _, err := m.Queue(db.DB, Message{To: recipient, Template: "test", Headers: ListHeaders("<https://x>\r\nBcc: x@example.com", "")}); err == nil {
			t.Error("a header value with a line break was queued")
		}
		for runOnce(t, q) {
		}
		msgs, err := server.WaitForMessages(2, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		lookup := func(domain string) ([]string, error) {
			if domain != "portal._domainkey.lab.example" {
				t.Errorf("looked up %q", domain)
			}
			return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
		}
		var withHeaders int
		for _, got := range msgs {
			raw := got.MsgRequest()
			parsed, err := mail.ReadMessage(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			verifications, err := dkim.VerifyWithOptions(strings.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup})
			if err != nil || len(verifications) != 1 || verifications[0].Err != nil {
				t.Fatalf("DKIM verification: %+v, %v", verifications, err)
			}
			signed := strings.ToLower(strings.Join(verifications[0].HeaderKeys, ":"))
			for _, h := range []string{"from", "to", "subject", "date", "message-id", "list-unsubscribe", "list-unsubscribe-post"} {
				if !strings.Contains(":"+signed+":", ":"+h+":") {
					t.Errorf("the signature does not cover %s: h=%s", h, signed)
				}
			}
			if v := parsed.Header.Get("List-Unsubscribe"); v != "" {
				withHeaders++
				if v != unsub || parsed.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
					t.Errorf("List-Unsubscribe %q, Post %q", v, parsed.Header.Get("List-Unsubscribe-Post"))
				}
			} else if parsed.Header.Get("List-Unsubscribe-Post") != "" {
				t.Error("a service mail carries List-Unsubscribe-Post")
			}
		}
		if withHeaders != 1 {
			t.Errorf("%d mails with List-Unsubscribe, want the subscription mail alone", withHeaders)
		}
		// A tampered header breaks the signature: the test can fail.
		for _, got := range msgs {
			raw := got.MsgRequest()
			if !strings.Contains(raw, unsub) {
				continue
			}
			forged := strings.Replace(raw, unsub, "<https://evil.example/u/x>", 1)
			v, err := dkim.VerifyWithOptions(strings.NewReader(forged), &dkim.VerifyOptions{LookupTXT: lookup})
			if err != nil || len(v) != 1 || v[0].Err == nil {
				t.Errorf("a rewritten List-Unsubscribe still verifies: %+v, %v", v, err)
			}
		}
	})
}
