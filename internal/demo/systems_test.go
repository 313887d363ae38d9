package demo

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

func TestSeedSystems(t *testing.T) {
	t.Parallel()
	db := dbtest.SQLite(t)
	for range 2 { // once only
		if err := SeedSystems(context.Background(), db.DB, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	var systems []models.ConnectedSystem
	if err := db.Order("id").Find(&systems).Error; err != nil || len(systems) != 2 {
		t.Fatalf("%d systems, %v", len(systems), err)
	}
	shop, print := systems[0], systems[1]
	u, err := url.Parse(shop.URL)
	if shop.Kind != models.SystemWebhook || shop.Enabled || err != nil || !strings.HasSuffix(u.Hostname(), ".invalid") {
		t.Errorf("web shop = %+v", shop)
	}
	if print.Kind != models.SystemManual || !print.Enabled || print.Instructions == "" {
		t.Errorf("print system = %+v", print)
	}
}
