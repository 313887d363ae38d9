package demo

import (
	"context"
	"errors"
	"testing"

	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/password"
	"github.com/photolab/privacyportal/models"
)

// TestSeedRefusesARealInstallation: the demo goes only into an empty
// database or an existing demo, never into one with its own accounts,
// which would then show one-time codes to its admins.
func TestSeedRefusesARealInstallation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		if err := db.Create(&models.User{Email: "owner@shop.example", Role: models.RoleAdmin, Name: "Owner"}).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := Seed(ctx, db.DB, password.New(1)); !errors.Is(err, ErrRealInstallation) {
			t.Fatalf("Seed on a real installation: %v, want refused", err)
		}
		if demo, err := models.IsDemo(ctx, db.DB); err != nil || demo {
			t.Fatalf("the real installation was marked a demo (%v, %v)", demo, err)
		}
		var users int64
		db.Model(&models.User{}).Count(&users)
		if users != 1 {
			t.Fatalf("%d users after a refused seed, want the 1 of its own", users)
		}
		// An existing demo with extra accounts (staff added while trying it)
		// seeds again.
		if err := db.Where("1 = 1").Delete(&models.User{}).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := Seed(ctx, db.DB, password.New(1)); err != nil {
			t.Fatal(err)
		}
		if err := db.Create(&models.User{Email: "trial.staff@example.com", Role: models.RoleStaff, Name: "Trial"}).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := Seed(ctx, db.DB, password.New(1)); err != nil {
			t.Fatalf("seeding an existing demo again: %v", err)
		}
	})
}
