package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
)

// A customer who chose a time zone sees their login history in it, with
// the zone named; one who did not sees the shop's (UTC in tests).
func TestLoginHistoryInTheCustomersZone(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		var me models.User
		if err := p.DB().Where("email = ?", p.logins["customer"].Email).Take(&me).Error; err != nil {
			t.Fatal(err)
		}
		// Later than the sign-ins the test makes, so it is on the first page.
		at := time.Date(2030, 1, 15, 8, 30, 0, 0, time.UTC)
		ev := models.LoginEvent{UserID: me.ID, CreatedAt: at, Event: "signin", Method: "password", IP: "192.0.2.9"}
		if err := p.DB().Create(&ev).Error; err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			locale, zone, want string
		}{
			{"en", "", "15 January 2030, 08:30 UTC"},
			{"en", "Asia/Shanghai", "15 January 2030, 16:30 UTC+8"},
			{"zh-CN", "Asia/Shanghai", "2030年1月15日 16:30（北京时间）"},
			{"fr", "Europe/Paris", "15 janvier 2030 à 09:30 CET"},
			{"en", "America/New_York", "15 January 2030, 03:30 EST"},
		}
		for _, c := range cases {
			if err := p.DB().Model(&models.User{}).Where("id = ?", me.ID).
				Updates(map[string]any{"locale": c.locale, "time_zone": c.zone}).Error; err != nil {
				t.Fatal(err)
			}
			cl := p.signedIn(t, "customer")
			res, body := p.get(t, cl, "/account/data/logins")
			if res.StatusCode != 200 {
				t.Fatalf("%s/%s: status %d", c.locale, c.zone, res.StatusCode)
			}
			if !strings.Contains(body, c.want) {
				t.Errorf("%s/%s: login history lacks %q", c.locale, c.zone, c.want)
			}
			if !strings.Contains(body, `datetime="2030-01-15T08:30:00Z"`) {
				t.Errorf("%s/%s: the machine-readable time is not UTC", c.locale, c.zone)
			}
			// The security page lists the same sign-ins.
			if _, sec := p.get(t, cl, "/security"); !strings.Contains(sec, c.want) {
				t.Errorf("%s/%s: security page lacks %q", c.locale, c.zone, c.want)
			}
		}
	})
}

// The zone is chosen on the profile form, offered with the shop's as the
// default, and is then used on the next page.
func TestProfileTimeZoneChoice(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		c := p.signedIn(t, "customer")
		_, form := p.get(t, c, "/account/data/profile/edit")
		if !strings.Contains(form, `name="time_zone"`) || !strings.Contains(form, `<option value="Asia/Shanghai">`) {
			t.Fatal("profile form offers no time zones")
		}
		var me models.User
		p.DB().Where("email = ?", p.logins["customer"].Email).Take(&me)
		var prof models.Profile
		p.DB().Take(&prof, "user_id = ?", me.ID)
		vals := profileFormValues(form)
		vals.Set("time_zone", "Asia/Tokyo")
		if res := p.post(t, c, "/account/data/profile/edit", vals); res.StatusCode != see {
			t.Fatalf("save: %d", res.StatusCode)
		}
		p.DB().Take(&me, me.ID)
		if me.TimeZone != "Asia/Tokyo" {
			t.Fatalf("user zone = %q", me.TimeZone)
		}
		_, page := p.get(t, c, "/account/data/profile")
		if !strings.Contains(page, "JST") && !strings.Contains(page, "东京时间") {
			t.Error("profile page does not show its update time in Tokyo time")
		}
		vals = profileFormValues(func() string { _, f := p.get(t, c, "/account/data/profile/edit"); return f }())
		vals.Set("time_zone", "Mars/Olympus")
		res, body := p.postBody(t, c, "/account/data/profile/edit", vals, nil)
		if res.StatusCode != invalid || !strings.Contains(body, `id="field-time_zone-error"`) {
			t.Errorf("unknown zone: status %d", res.StatusCode)
		}
	})
}

// profileFormValues is a valid profile form at the version the page shows.
func profileFormValues(page string) url.Values {
	version := ""
	if m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page); m != nil {
		version = m[1]
	}
	return url.Values{"version": {version}, "first_name": {"Camille"}, "last_name": {"Laurent"},
		"phone": {"06 12 34 56 78"}, "billing.line1": {"12 rue des Lilas"},
		"billing.postal_code": {"75011"}, "billing.city": {"Paris"}, "billing.country": {"FR"}}
}
