package profile

import (
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

func TestValidateTimeZone(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		zone, want string
		ok         bool
	}{
		{"", "", true}, // the shop's zone
		{"Europe/Paris", "Europe/Paris", true},
		{" Asia/Shanghai ", "Asia/Shanghai", true},
		{"UTC", "UTC", true},
		{"America/Argentina/Ushuaia", "America/Argentina/Ushuaia", true}, // not offered, still IANA
		{"Local", "", false},                                             // the server's zone, not the customer's
		{"Europe/Atlantis", "", false},
		{"../../etc/passwd", "", false},
		{"+08:00", "", false},
	}
	for _, c := range cases {
		in := fullInput()
		in.TimeZone = c.zone
		out, errs := Validate(in, now)
		if !c.ok {
			if errs["time_zone"] != MsgTimeZone {
				t.Errorf("%q: errors %v, want time_zone %s", c.zone, errs, MsgTimeZone)
			}
			continue
		}
		if errs != nil || out.TimeZone != c.want {
			t.Errorf("%q: zone %q, errors %v; want %q", c.zone, out.TimeZone, errs, c.want)
		}
	}
}

// Every zone the form offers loads, so no choice can be refused.
func TestOfferedZonesLoad(t *testing.T) {
	t.Parallel()
	for _, z := range Zones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("offered zone %s: %v", z, err)
		}
	}
}

// The zone is a profile field like the others (recorded in the history)
// and is copied onto the user row, which sessions read on every request.
func TestTimeZoneSavedRecordedAndSynced(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		s, _ := newService(db)
		ctx := context.Background()
		id := newUser(t, db, "tz@example.com")
		snap, err := s.Update(ctx, customer(id), id, fullInput())
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct{ zone, was string }{{"Asia/Shanghai", ""}, {"", "Asia/Shanghai"}}
		for _, step := range steps {
			next := snap.Input()
			next.TimeZone = step.zone
			if snap, err = s.Update(ctx, customer(id), id, next); err != nil {
				t.Fatal(err)
			}
			if snap.Profile.TimeZone != step.zone {
				t.Errorf("profile zone = %q, want %q", snap.Profile.TimeZone, step.zone)
			}
			if u := loadUserRow(t, db, id); u.TimeZone != step.zone {
				t.Errorf("user zone = %q, want %q", u.TimeZone, step.zone)
			}
			var change models.ProfileChange
			if err := db.Where("user_id = ? AND field = ?", id, "time_zone").Order("id DESC").Take(&change).Error; err != nil {
				t.Fatalf("no history row for the zone: %v", err)
			}
			if change.OldValue != step.was || change.NewValue != step.zone {
				t.Errorf("history %q → %q, want %q → %q", change.OldValue, change.NewValue, step.was, step.zone)
			}
		}
	})
}
