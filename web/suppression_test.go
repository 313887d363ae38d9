package web

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/consent"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TestPreferencesSuppressedRefused: an account whose address is on the
// suppression list gets 422 with consent.error.suppressed beside the
// box it ticked, and nothing saved; unsubscribing still works and is
// journaled beside the keys (the wiring of consent's Withdrawn hook).
func TestPreferencesSuppressedRefused(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		u := prefsCustomer(t, p, "")
		// Offers by email granted before the address was suppressed.
		err := p.DB().Transaction(func(tx *gorm.DB) error {
			sub, err := p.Consent().SubjectOf(tx, u.ID)
			if err == nil {
				_, err = p.Consent().Apply(tx, sub, []consent.Change{{Choice: consent.Marketing("offers", models.ChannelEmail), Status: models.ConsentGranted}},
					consent.Evidence{Method: models.MethodPortal})
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := consent.Suppress(p.DB(), p.Secrets(), u.Email, "admin", time.Now()); err != nil {
			t.Fatal(err)
		}
		c := p.signedIn(t, "customer")
		why := html.EscapeString(i18n.Tl("en", consent.BlockSuppressed))
		if _, body := p.get(t, c, "/account/preferences"); !strings.Contains(body, why) {
			t.Error("the page does not say the address is suppressed")
		}
		res, body := p.postBody(t, c, "/account/preferences", url.Values{"m.newsletter.email": {"1"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(i18n.Tl("en", consent.BlockSuppressed))) ||
			!strings.Contains(body, `id="field-m.newsletter.email-error"`) {
			t.Errorf("a suppressed opt-in: %d, reason shown %v", res.StatusCode, strings.Contains(body, html.EscapeString(i18n.Tl("en", consent.BlockSuppressed))))
		}
		if n := consentEvents(t, p, "topic = ? AND action <> ?", "newsletter", models.ConsentWithdrawn); n != 0 {
			t.Errorf("%d opt-in events for a suppressed address", n)
		}
		journal := p.Erasure().Journal.Path
		before := journalLines(t, journal)
		if res := p.post(t, c, "/account/preferences/unsubscribe-all", nil); res.StatusCode >= 400 {
			t.Fatalf("unsubscribe-all: %d", res.StatusCode)
		}
		if consentEvents(t, p, "action = ? AND topic = ?", models.ConsentWithdrawn, "offers") == 0 || journalLines(t, journal) <= before {
			t.Errorf("the withdrawal of offers: journal %d lines, was %d", journalLines(t, journal), before)
		}
		if filepath.Base(journal) != erasure.JournalFile {
			t.Errorf("journal at %s", journal)
		}
		if _, err := p.Erasure().Journal.Entries(p.Secrets()); err != nil {
			t.Error(err)
		}
	})
}

func journalLines(t *testing.T, path string) int {
	t.Helper()
	raw, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(raw), "\n")
}
