package export

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

func TestBuildPackage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		s, _ := newService(t, db)
		uid := newCustomer(t, db, "ada@example.com")
		other := newCustomer(t, db, "bob@example.com")
		addOrders(t, db, uid, 3, 2)
		addOrders(t, db, other, 1, 1)
		ph := addPhoto(t, s, uid, "../../etc/passwd", []byte("\xff\xd8\xff jpeg bytes"))
		a := actor.Actor{Kind: actor.Customer, UserID: uid}
		e, err := s.Request(ctx, a, uid, nil, "fr")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Build(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		e = reload(t, s, e.ID)
		if e.Status != models.ExportReady || e.ExpiresAt == nil || !e.ExpiresAt.Equal(testNow.AddDate(0, 0, 7)) || e.SizeBytes == 0 {
			t.Fatalf("after build: %+v", e)
		}
		files := unzip(t, s, e)
		for _, name := range []string{"index.html", "data.json", SchemaName, "csv/orders.csv", "csv/profile.csv", PhotoPath(ph.ID, "image/jpeg")} {
			if _, ok := files[name]; !ok {
				t.Errorf("package lacks %s; has %d files", name, len(files))
			}
		}
		for name := range files {
			if strings.Contains(name, "..") || strings.Contains(name, "passwd") {
				t.Errorf("unsafe name in the ZIP: %q", name)
			}
		}
		var data struct {
			Email      string
			Categories map[string]map[string]json.RawMessage
		}
		if err := json.Unmarshal(files["data.json"], &data); err != nil {
			t.Fatalf("data.json: %v\n%s", err, files["data.json"])
		}
		var orders []map[string]any
		json.Unmarshal(data.Categories["orders"]["orders"], &orders)
		if data.Email != "ada@example.com" || len(orders) != 3 {
			t.Errorf("data.json: email %q, %d orders", data.Email, len(orders))
		}
		if strings.Contains(string(files["data.json"]), "bob@example.com") || strings.Contains(string(files["data.json"]), "secret-hash") {
			t.Error("data.json holds another customer's data or the password hash")
		}
		if !strings.HasPrefix(string(files["csv/orders.csv"]), "\uFEFFrecord,id,") {
			t.Errorf("orders.csv starts %q", string(files["csv/orders.csv"])[:30])
		}
	})
}
