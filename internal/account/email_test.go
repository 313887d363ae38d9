package account

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/jobs"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
)

// TestEmailChangeMailsAreCappedPerAddress: asking again and again sends
// an address at most codeMailsPerWindow mails per code lifetime, whether
// it is free (codes) or taken (warnings to its owner).
func TestEmailChangeMailsAreCappedPerAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
		keys := testKeys(t)
		mailer, err := mail.New(mail.Config{From: "p@example.com", BaseURL: "http://localhost", Keys: keys}, nil)
		if err != nil {
			t.Fatal(err)
		}
		s := NewService(db.DB, db.Dialect, password.New(1), mailer, keys, "Test", "http://localhost", func() time.Time { return now })
		var send jobs.Handler
		for _, spec := range s.Jobs() {
			if spec.Kind == JobEmailChange {
				send = spec.Handle
			}
		}
		ctx := context.Background()
		asker := &models.User{Email: "asker@example.com", Role: models.RoleCustomer, Name: "Asker"}
		owner := &models.User{Email: "owner@example.com", Role: models.RoleCustomer, Name: "Owner"}
		for _, u := range []*models.User{asker, owner} {
			if err := db.Create(u).Error; err != nil {
				t.Fatal(err)
			}
		}
		a := actor.Of(asker, actor.Evidence{})
		mails := func(to, template string) int64 {
			var n int64
			db.Model(&models.OutboxMessage{}).Where("to_address = ? AND template = ?", to, template).Count(&n)
			return n
		}
		for _, c := range []struct {
			to, template string
		}{{"free@example.com", "email_change_code"}, {owner.Email, "email_change_taken"}} {
			for range codeMailsPerWindow + 3 {
				if _, err := s.RequestEmailChange(ctx, a, asker, c.to); err != nil {
					t.Fatal(err)
				}
				now = now.Add(time.Second)
			}
			var queued []models.Job
			db.Where("kind = ?", JobEmailChange).Find(&queued)
			for _, j := range queued {
				if err := send(ctx, &j); err != nil {
					t.Fatal(err)
				}
			}
			db.Where("kind = ?", JobEmailChange).Delete(&models.Job{})
			if n := mails(c.to, c.template); n != codeMailsPerWindow {
				t.Errorf("%s: %d %s mails, want the cap of %d", c.to, n, c.template, codeMailsPerWindow)
			}
		}
		if n := mails(owner.Email, "email_change_code"); n != 0 {
			t.Errorf("%d codes sent to an address that has an account", n)
		}
	})
}
