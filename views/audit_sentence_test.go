package views

import (
	"context"
	"testing"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

func TestAuditSentence(t *testing.T) {
	t.Parallel()
	alex, sam, gone := int64(5), int64(7), int64(9)
	names := map[int64]string{alex: "Alex Moreau", sam: "Sam Rivera"}
	user := func(id int64) string { return map[int64]string{5: "5", 7: "7", 9: "9"}[id] }
	cases := []struct {
		locale string
		e      models.AuditEntry
		want   string
	}{
		{"en", models.AuditEntry{ActorID: &alex, Action: "account.totp_enabled", TargetType: "user", TargetID: user(alex)},
			"Alex Moreau turned on two-factor authentication"},
		{"en", models.AuditEntry{ActorID: &alex, Action: "admin.totp_reset", TargetType: "user", TargetID: user(sam)},
			"Sam Rivera’s second factor was reset by Alex Moreau"},
		{"fr", models.AuditEntry{ActorID: &alex, Action: "admin.totp_reset", TargetType: "user", TargetID: user(sam)},
			"Le second facteur de Sam Rivera a été réinitialisé par Alex Moreau"},
		// French contracts "de" before a vowel and "de le" into "du"
		{"fr", models.AuditEntry{ActorID: &alex, Action: "auth.signin", TargetType: "user", TargetID: user(alex)},
			"Connexion d’Alex Moreau"},
		{"fr", models.AuditEntry{ActorID: &sam, Action: "profile.updated", TargetType: "user", TargetID: user(alex)},
			"Le profil d’Alex Moreau a été modifié par Sam Rivera"},
		{"fr", models.AuditEntry{ActorRole: "requester", Action: "auth.signout"}, "Déconnexion d’un visiteur"},
		{"zh-CN", models.AuditEntry{ActorID: &alex, Action: "admin.staff_created", TargetType: "user", TargetID: user(sam)},
			"Alex Moreau创建了Sam Rivera的账户"},
		// a deleted account and other targets
		{"en", models.AuditEntry{ActorID: &gone, Action: "auth.signout", TargetType: "user", TargetID: user(gone)},
			"Deleted account #9 signed out"},
		{"fr", models.AuditEntry{ActorID: &alex, Action: "admin.totp_reset", TargetType: "user", TargetID: user(gone)},
			"Le second facteur du compte supprimé n° 9 a été réinitialisé par Alex Moreau"},
		{"fr", models.AuditEntry{ActorID: &gone, Action: "account.totp_enabled"}, "Le compte supprimé n° 9 a activé la double authentification"},
		{"en", models.AuditEntry{ActorID: &alex, Action: "admin.job_retried", TargetType: "job", TargetID: "12"},
			"Alex Moreau retried job #12"},
		{"fr", models.AuditEntry{ActorID: &alex, Action: "settings.changed", TargetType: "setting", TargetID: "auth.lockout_after"},
			"Alex Moreau a modifié le réglage « auth.lockout_after »"},
		{"en", models.AuditEntry{ActorRole: "system", Action: "admin.created", TargetType: "user", TargetID: user(alex)},
			"The admin account Alex Moreau was created by the portal"},
		{"en", models.AuditEntry{ActorID: &sam, Action: "request.extend", TargetType: "request", TargetID: "42"},
			"Sam Rivera extended the deadline of request #42"},
		{"fr", models.AuditEntry{ActorID: &sam, Action: "request.note", TargetType: "request", TargetID: "42"},
			"Sam Rivera a ajouté une note interne à la demande n° 42"},
		{"zh-CN", models.AuditEntry{ActorRole: "requester", Action: "request.file", TargetType: "request", TargetID: "42"},
			"一位访客提交了请求 #42"},
		{"en", models.AuditEntry{Action: "retention.purged", TargetType: "order", TargetID: "3"},
			"The portal: retention.purged (order #3)"},
	}
	for _, c := range cases {
		got := auditSentence(i18n.WithLocale(context.Background(), c.locale), c.e, names)
		if got != c.want {
			t.Errorf("%s %s: got %q, want %q", c.locale, c.e.Action, got, c.want)
		}
	}
}
