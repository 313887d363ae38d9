package session

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func setup(t *testing.T, db *dbtest.DB) (*Store, *clock, *models.User) {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}
	st := New(db.DB, Options{Now: c.now, Policies: map[models.Role]Policy{
		models.RoleCustomer: {Idle: time.Hour, Absolute: 24 * time.Hour},
		models.RoleStaff:    {Idle: 30 * time.Minute, Absolute: 12 * time.Hour},
	}})
	u := &models.User{Email: "someone@example.test", Role: models.RoleCustomer}
	if err := db.Create(u).Error; err != nil {
		t.Fatal(err)
	}
	return st, c, u
}

// request carries the cookie set by an earlier response, like a browser.
func request(prev *httptest.ResponseRecorder) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	if prev != nil {
		for _, c := range prev.Result().Cookies() {
			r.AddCookie(c)
		}
	}
	return r
}

func signIn(t *testing.T, st *Store, u *models.User) (*httptest.ResponseRecorder, string) {
	t.Helper()
	w := httptest.NewRecorder()
	r := request(nil)
	sess, err := st.Get(r, Name)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SignIn(r, w, sess, u); err != nil {
		t.Fatal(err)
	}
	return w, sess.ID
}

func TestSessionLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		st, _, u := setup(t, db)
		w, token := signIn(t, st, u)

		var row models.Session
		if err := db.Take(&row).Error; err != nil {
			t.Fatal(err)
		}
		if row.TokenHash == token || strings.Contains(row.TokenHash, token) || len(row.TokenHash) != 64 {
			t.Fatalf("token must be stored hashed, got %q", row.TokenHash)
		}
		sess, err := st.New(request(w), Name)
		if err != nil || User(sess) == nil || User(sess).ID != u.ID {
			t.Fatalf("session not found by its cookie: %v %v", err, sess.Values)
		}

		// Signing in again renews the token: the old cookie stops working.
		w2 := httptest.NewRecorder()
		r2 := request(w)
		sess2, _ := st.New(r2, Name)
		sess2.Values["flash"] = "kept"
		if err := st.SignIn(r2, w2, sess2, u); err != nil {
			t.Fatal(err)
		}
		if sess2.ID == token {
			t.Fatal("session id was not renewed at sign-in")
		}
		if old, _ := st.New(request(w), Name); User(old) != nil {
			t.Fatal("old session token still valid after renewal")
		}
		renewed, _ := st.New(request(w2), Name)
		if renewed.Values["flash"] != "kept" {
			t.Fatalf("values not carried over: %v", renewed.Values)
		}

		// Signing out deletes the row; the cookie cannot be reused.
		w3 := httptest.NewRecorder()
		if err := st.SignOut(request(w2), w3, renewed); err != nil {
			t.Fatal(err)
		}
		if again, _ := st.New(request(w2), Name); User(again) != nil {
			t.Fatal("signed-out session reused")
		}
		var n int64
		db.Model(&models.Session{}).Count(&n)
		if n != 0 {
			t.Fatalf("%d session rows left after sign-out", n)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	cases := []struct {
		name   string
		role   models.Role
		steps  []time.Duration // time passing between requests
		wantOK bool
	}{
		{"customer active within idle", models.RoleCustomer, []time.Duration{50 * time.Minute, 50 * time.Minute}, true},
		{"customer idle too long", models.RoleCustomer, []time.Duration{61 * time.Minute}, false},
		{"customer past absolute though active", models.RoleCustomer, repeat(50*time.Minute, 29), false},
		{"staff idle too long", models.RoleStaff, []time.Duration{31 * time.Minute}, false},
		{"staff active within idle", models.RoleStaff, []time.Duration{29 * time.Minute}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := dbtest.SQLite(t)
			st, clk, u := setup(t, db)
			u.Role = c.role
			db.Save(u)
			w, _ := signIn(t, st, u)
			ok := true
			for _, d := range c.steps {
				clk.t = clk.t.Add(d)
				sess, err := st.New(request(w), Name)
				if err != nil {
					t.Fatal(err)
				}
				ok = User(sess) != nil
			}
			if ok != c.wantOK {
				t.Fatalf("session valid = %v, want %v", ok, c.wantOK)
			}
		})
	}
}

func TestAnonymousViewsStoreNothing(t *testing.T) {
	db := dbtest.SQLite(t)
	st, _, _ := setup(t, db)
	w := httptest.NewRecorder()
	r := request(nil)
	sess, _ := st.Get(r, Name)
	if err := sess.Save(r, w); err != nil {
		t.Fatal(err)
	}
	var n int64
	db.Model(&models.Session{}).Count(&n)
	if n != 0 || len(w.Result().Cookies()) != 0 {
		t.Fatalf("anonymous view stored %d rows and %d cookies", n, len(w.Result().Cookies()))
	}
	sess.AddFlash("hello")
	w = httptest.NewRecorder()
	if err := sess.Save(r, w); err != nil {
		t.Fatal(err)
	}
	next, _ := st.New(request(w), Name)
	if f := next.Flashes(); len(f) != 1 || f[0] != "hello" {
		t.Fatalf("flash not carried: %v", f)
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}
