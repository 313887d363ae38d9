package consent

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// grant gives subject topic by email (method portal) and returns the subject.
func grant(t *testing.T, s *Service, db *dbtest.DB, uid int64, topic string) int64 {
	t.Helper()
	var sub int64
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if sub, err = s.SubjectOf(tx, uid); err != nil {
			return err
		}
		_, err = s.Apply(tx, sub, []Change{{Choice: Marketing(topic, models.ChannelEmail), Status: models.ConsentGranted}}, Evidence{Method: models.MethodPortal})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sub
}

func events(t *testing.T, db *dbtest.DB, sub int64) []models.ConsentEvent {
	t.Helper()
	var out []models.ConsentEvent
	if err := db.Where("subject_id = ?", sub).Order("id").Find(&out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTokensRefuseForgeries: a token verifies only untouched, of its own
// kind and from this installation's key ring.
func TestTokensRefuseForgeries(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		uid := newUser(t, db, "ada@example.com")
		sub := grant(t, s, db, uid, "newsletter")
		good := s.UnsubscribeToken(sub, "newsletter")
		if strings.Contains(good, "newsletter") || strings.Contains(good, "|") {
			t.Errorf("token %q is not opaque", good)
		}
		head, mac, _ := strings.Cut(good, ".")
		raw, _ := base64.RawURLEncoding.DecodeString(head)
		other := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(raw), "|newsletter|", "|offers|", 1))) + "." + mac
		otherRing, err := vault.OpenKeyRing(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		foreign := (&Service{DB: db.DB, Secrets: otherRing}).UnsubscribeToken(sub, "newsletter")
		flipped := []byte(good)
		if flipped[len(flipped)-3] == 'A' {
			flipped[len(flipped)-3] = 'B'
		} else {
			flipped[len(flipped)-3] = 'A'
		}
		for name, tok := range map[string]string{
			"another topic": other, "another installation": foreign, "a flipped character": string(flipped),
			"a confirmation token": s.confirmToken(sub, "newsletter", 1), "garbage": "bm9wZQ", "empty": "",
			"an unknown key version": strings.Replace(good, ".1.", ".7.", 1), "a truncated MAC": good[:len(good)-6],
		} {
			if _, err := s.Unsubscribe(context.Background(), tok, Evidence{Method: models.MethodOneClick}); !errors.Is(err, ErrBadToken) {
				t.Errorf("%s: Unsubscribe = %v, want ErrBadToken", name, err)
			}
			if _, err := s.ViewToken(context.Background(), tok); !errors.Is(err, ErrBadToken) {
				t.Errorf("%s: ViewToken = %v, want ErrBadToken", name, err)
			}
		}
		if n := len(events(t, db, sub)); n != 1 {
			t.Errorf("%d events after refused tokens, want the grant alone", n)
		}
	})
}

// TestOldKeyTokenStillUnsubscribes: a rotation keeps every mailed link
// working; unsubscribe tokens never expire.
func TestOldKeyTokenStillUnsubscribes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		sub := grant(t, s, db, newUser(t, db, "ada@example.com"), "newsletter")
		old := s.UnsubscribeToken(sub, "newsletter")
		if _, err := s.Secrets.AddKey(); err != nil {
			t.Fatal(err)
		}
		if s.UnsubscribeToken(sub, "newsletter") == old {
			t.Fatal("the new key makes the same token: the rotation did nothing")
		}
		changed, err := s.Unsubscribe(context.Background(), old, Evidence{Method: models.MethodOneClick})
		if err != nil || !changed {
			t.Fatalf("old-key token: changed %v, %v", changed, err)
		}
		st, _ := s.States(context.Background(), sub)
		if st[Marketing("newsletter", models.ChannelEmail)].Status != models.ConsentWithdrawn {
			t.Errorf("state %+v after the old-key unsubscribe", st)
		}
	})
}

// TestUnsubscribeIsIdempotent: a provider's retry appends nothing.
func TestUnsubscribeIsIdempotent(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		sub := grant(t, s, db, newUser(t, db, "ada@example.com"), "newsletter")
		tok := s.UnsubscribeToken(sub, "newsletter")
		ev := Evidence{Method: models.MethodOneClick, IP: "198.51.100.23"}
		for i, want := range []bool{true, false, false} {
			changed, err := s.Unsubscribe(context.Background(), tok, ev)
			if err != nil || changed != want {
				t.Errorf("call %d: changed %v, %v; want %v", i+1, changed, err, want)
			}
		}
		evs := events(t, db, sub)
		if len(evs) != 2 || evs[1].Method != models.MethodOneClick || evs[1].Action != models.ConsentWithdrawn {
			t.Errorf("events %+v, want the grant and one one-click withdrawal", evs)
		}
	})
}

// TestTokenPageOnlyWithdraws: whatever the preference page is sent, it
// switches nothing on.
func TestTokenPageOnlyWithdraws(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		s := newTestService(t, db)
		sub := grant(t, s, db, newUser(t, db, "ada@example.com"), "newsletter")
		tok := s.UnsubscribeToken(sub, "newsletter")
		ctx := context.Background()
		if _, err := s.WithdrawByToken(ctx, tok, []Choice{Marketing("offers", models.ChannelSMS), SaleShare, Profiling}, Evidence{Method: models.MethodEmailLink}); err != nil {
			t.Fatal(err)
		}
		st, _ := s.States(ctx, sub)
		if len(st) != 1 || st[Marketing("newsletter", models.ChannelEmail)].Status != models.ConsentGranted {
			t.Errorf("states %+v: the token page changed what it must not", st)
		}
		v, err := s.ViewToken(ctx, tok)
		if err != nil || !v.Subscribed || len(v.On) != 1 || v.Name("newsletter", "fr") != "Lettre d’information" {
			t.Errorf("view %+v, %v", v, err)
		}
	})
}
