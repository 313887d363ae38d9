package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/models"
)

// TestOutboxCodeMasking: an admin reading a code mail in the outbox sees
// the code only on a demo installation without SMTP; on a production
// installation it is masked, so an admin cannot sign in as a customer.
func TestOutboxCodeMasking(t *testing.T) {
	cases := []struct {
		name     string
		demo     bool
		wantCode bool
	}{
		{"demo installation without SMTP", true, true},
		{"production installation without SMTP", false, false},
	}
	eachDB(t, func(t *testing.T, p *portal) {
		customer := p.logins["customer"].Email
		admin := p.signedIn(t, "admin")
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p.post(t, p.client(t), "/signin/code", url.Values{"email": {customer}})
				runJobs(t, p)
				var row models.OutboxMessage
				if err := p.DB().Where("to_address = ? AND template = ?", customer, "email_code").Order("id DESC").Take(&row).Error; err != nil {
					t.Fatal(err)
				}
				// The portal starts as a demo: read the real code first.
				code := sixDigits.FindString(lastMail(t, p, customer, "email_code").TextBody)
				if code == "" {
					t.Fatal("no code in the mail")
				}
				if row.SealedCode == "" || strings.Contains(row.TextBody+row.HTMLBody, code) {
					t.Fatal("the stored mail holds the code in clear")
				}
				if !c.demo {
					p.DB().Exec("DELETE FROM installations")
				}
				res, body := p.get(t, admin, "/admin/outbox/"+strconv.FormatInt(row.ID, 10))
				if res.StatusCode != http.StatusOK {
					t.Fatalf("outbox message: %d", res.StatusCode)
				}
				if shown := strings.Contains(body, code); c.wantCode != shown {
					t.Errorf("code shown to the admin = %v, want %v", shown, c.wantCode)
				}
				if !c.wantCode && !strings.Contains(body, mail.CodeMask) {
					t.Error("the masked mail lacks the mask")
				}
				if note := strings.Contains(body, "Demo installation: the one-time code is shown"); note != c.wantCode {
					t.Errorf("demo note shown = %v, want %v", note, c.wantCode)
				}
			})
		}
	})
}
