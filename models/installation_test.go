package models_test

import (
	"context"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/models"
)

func TestInstallationDemoFlag(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if demo, err := models.IsDemo(ctx, db.DB); err != nil || demo {
			t.Fatalf("fresh installation: demo=%v, %v; want a production one", demo, err)
		}
		for range 2 { // seeding the demo twice changes nothing
			if err := models.MarkDemo(ctx, db.DB); err != nil {
				t.Fatal(err)
			}
		}
		if demo, err := models.IsDemo(ctx, db.DB); err != nil || !demo {
			t.Fatalf("after MarkDemo: demo=%v, %v", demo, err)
		}
		if err := db.Exec("INSERT INTO installations (id, demo) VALUES (2, TRUE)").Error; err == nil {
			t.Error("a second installation row was accepted")
		}
	})
}
