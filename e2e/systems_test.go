//go:build e2e

package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// TestSystemsPagesAccessible checks with axe, in every language, the
// admin's connected systems (the list, a refused form with its errors,
// the one-time credentials) and the staff request page with its tasks.
func TestSystemsPagesAccessible(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		admin := newTab(t)
		signIn(t, admin, p.URL, p.login(t, "admin"))
		enrolTOTP(t, admin, nil)
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			switchLanguage(t, admin, lang)
			checkPage(t, admin, p, lang, "/admin/systems")
			if st := submitForm(t, admin, "/admin/systems"); st != http.StatusUnprocessableEntity {
				t.Errorf("%s: an empty system answered %d, want 422", lang, st)
			}
			checkA11y(t, admin, lang+" /admin/systems with errors")
		}
		typeIn(t, admin, `input[name="name"]`, "Web shop")
		choose(t, admin, `select[name="kind"]`, models.SystemWebhook)
		typeIn(t, admin, `input[name="url"]`, "https://93.184.215.14/hooks")
		if st := submitForm(t, admin, "/admin/systems"); st != http.StatusOK {
			t.Fatalf("create: %d", st)
		}
		if !strings.Contains(text(t, admin, "main"), "whsec_") {
			t.Error("the credentials page shows no signing secret")
		}
		checkA11y(t, admin, "credentials")

		// A request with a manual and a webhook task, on the staff page.
		ctx := context.Background()
		s := p.srv.Erasure()
		a := actor.Actor{Kind: actor.Admin, UserID: 1}
		if _, _, err := s.CreateSystem(ctx, a, erasure.SystemInput{Name: "Print system", Kind: models.SystemManual,
			Instructions: "Delete the customer's prints.", Enabled: true}); err != nil {
			t.Fatal(err)
		}
		var u models.User
		if err := p.srv.DB().Where("email = ?", p.login(t, "customer").Email).Take(&u).Error; err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		r := models.PrivacyRequest{UserID: &u.ID, Kind: models.RequestRestriction, Status: models.StatusCompleted,
			Channel: models.ChannelPortal, Jurisdiction: models.JurisdictionGDPR, RequesterEmail: u.Email, Locale: "en",
			ReceivedAt: now, FirstDueAt: now.AddDate(0, 1, 0), DueAt: now.AddDate(0, 1, 0)}
		if err := p.srv.DB().Create(&r).Error; err != nil {
			t.Fatal(err)
		}
		if err := p.srv.DB().Transaction(func(tx *gorm.DB) error { return s.PassOn(tx, &r, models.EventRestriction) }); err != nil {
			t.Fatal(err)
		}
		var manual models.SystemTask
		if err := p.srv.DB().Joins("JOIN connected_systems ON connected_systems.id = system_tasks.system_id").
			Where("system_tasks.request_id = ? AND connected_systems.kind = ?", r.ID, models.SystemManual).Take(&manual).Error; err != nil {
			t.Fatal(err)
		}
		staff := newTab(t)
		signIn(t, staff, p.URL, p.login(t, "staff"))
		enrolTOTP(t, staff, nil)
		page := "/staff/requests/" + strconv.FormatInt(r.ID, 10)
		done := page + "/tasks/" + strconv.FormatInt(manual.ID, 10) + "/done"
		for _, lang := range []string{"en", "fr", "zh-CN"} {
			switchLanguage(t, staff, lang)
			checkPage(t, staff, p, lang, page)
			if st := submitForm(t, staff, done); st != http.StatusUnprocessableEntity {
				t.Errorf("%s: a task ticked off without a note answered %d, want 422", lang, st)
			}
			checkA11y(t, staff, lang+" "+page+" task without a note")
		}
	})
}
