package audit

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		l := New(db.DB, db.Dialect)
		alex := models.User{Email: "alex@example.com", Name: "Alex Moreau", Role: models.RoleAdmin}
		sam := models.User{Email: "sam@example.com", Role: models.RoleStaff} // no name: shown by e-mail
		for _, u := range []*models.User{&alex, &sam} {
			if err := db.Create(u).Error; err != nil {
				t.Fatal(err)
			}
		}
		gone := sam.ID + 100 // an account deleted since
		day := func(d int) time.Time { return time.Date(2026, 11, d, 12, 0, 0, 0, time.UTC) }
		// Rows are inserted directly with their times: Append stamps now,
		// and Search does not read the chain.
		rows := []struct {
			actor  int64
			action string
			target int64
			at     time.Time
		}{
			{alex.ID, "auth.signin", alex.ID, day(1)},
			{alex.ID, "admin.totp_reset", sam.ID, day(2)},
			{sam.ID, "account.totp_enabled", sam.ID, day(3)},
			{gone, "auth.signout", gone, day(4)},
			{alex.ID, "admin_x.thing", 0, day(5)}, // another group, with a LIKE wildcard in its name
			{sam.ID, "auth.signin_failed", sam.ID, day(6)},
		}
		ids := make([]int64, len(rows))
		for i, r := range rows {
			e := models.AuditEntry{CreatedAt: r.at, ActorID: &r.actor, ActorRole: "staff", Action: r.action,
				PrevHash: genesisHash, Hash: fmt.Sprintf("%064d", i)}
			if r.target != 0 {
				e.TargetType, e.TargetID = "user", fmt.Sprint(r.target)
			}
			if err := db.Create(&e).Error; err != nil {
				t.Fatal(err)
			}
			ids[i] = e.ID
		}
		cases := []struct {
			name  string
			f     Filter
			limit int
			want  []int // indexes into rows, newest first
			total int64
		}{
			{"all", Filter{}, 10, []int{5, 4, 3, 2, 1, 0}, 6},
			{"first page", Filter{}, 2, []int{5, 4}, 6},
			{"actor", Filter{ActorID: &sam.ID}, 10, []int{5, 2}, 2},
			{"action", Filter{Action: "auth.signin"}, 10, []int{0}, 1},
			{"prefix", Filter{Action: "auth."}, 10, []int{5, 3, 0}, 3},
			{"prefix is not a LIKE pattern", Filter{Action: "admin."}, 10, []int{1}, 1},
			{"prefix with an underscore", Filter{Action: "admin_x."}, 10, []int{4}, 1},
			{"from", Filter{From: day(5)}, 10, []int{5, 4}, 2},
			{"range", Filter{From: day(2), To: day(4)}, 10, []int{2, 1}, 2},
			{"everything", Filter{ActorID: &alex.ID, Action: "admin.", From: day(1), To: day(3)}, 10, []int{1}, 1},
		}
		for _, c := range cases {
			p, err := l.Search(ctx, c.f, c.limit, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []int64
			for _, e := range p.Entries {
				got = append(got, e.ID)
			}
			for _, i := range c.want {
				want = append(want, ids[i])
			}
			if !slices.Equal(got, want) || p.Total != c.total {
				t.Errorf("%s: got %v (total %d), want %v (total %d)", c.name, got, p.Total, want, c.total)
			}
		}
		p, err := l.Search(ctx, Filter{}, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantNames := map[int64]string{alex.ID: "Alex Moreau", sam.ID: "sam@example.com"}
		if fmt.Sprint(p.Names) != fmt.Sprint(wantNames) {
			t.Errorf("names = %v, want %v (the deleted account has none)", p.Names, wantNames)
		}
	})
}
