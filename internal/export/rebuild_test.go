package export

import (
	"context"
	"errors"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// requestPackage hands r off and builds its package.
func requestPackage(t *testing.T, s *Service, db *dbtest.DB, r *models.PrivacyRequest) models.Export {
	t.Helper()
	if err := db.Transaction(func(tx *gorm.DB) error { return s.StartForRequest(tx, r) }); err != nil {
		t.Fatal(err)
	}
	list, err := s.ForRequest(context.Background(), r.ID)
	if err != nil || len(list) == 0 {
		t.Fatalf("ForRequest: %v", err)
	}
	if err := s.Build(context.Background(), list[0].ID); err != nil {
		t.Fatal(err)
	}
	return reload(t, s, list[0].ID)
}

// TestRebuildReplacesThePackage: staff alone rebuild; the old file goes
// at once; the new package is queued for the same request.
func TestRebuildReplacesThePackage(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		r := richCustomer(t, s, db)
		old := requestPackage(t, s, db, &r.Request)
		var sam models.User
		if err := db.Where("role = ?", models.RoleStaff).Take(&sam).Error; err != nil {
			t.Fatal(err)
		}
		staff := actor.Actor{Kind: actor.Staff, UserID: sam.ID}
		if _, err := s.Rebuild(ctx, customer(r.UserID), old.ID); !errors.Is(err, requests.ErrStaffOnly) {
			t.Errorf("a customer rebuilt: %v", err)
		}
		fresh, err := s.Rebuild(ctx, staff, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := reload(t, s, old.ID); got.Status != models.ExportExpired || s.Vault.Exists(old.FileKey) {
			t.Errorf("the old package: %s, file still there %v", got.Status, s.Vault.Exists(old.FileKey))
		}
		if fresh.Status != models.ExportQueued || fresh.RequestID == nil || *fresh.RequestID != r.Request.ID || fresh.Locale != old.Locale {
			t.Errorf("the new package: %+v", fresh)
		}
		// A package being built is not rebuilt under the builder's feet.
		if _, err := s.Rebuild(ctx, staff, fresh.ID); !errors.Is(err, ErrNotReady) {
			t.Errorf("rebuild of a queued package: %v", err)
		}
		if err := s.Build(ctx, fresh.ID); err != nil {
			t.Fatal(err)
		}
		if got := reload(t, s, fresh.ID); got.Status != models.ExportReady || !s.Vault.Exists(got.FileKey) || got.FileKey == old.FileKey {
			t.Errorf("after the rebuild: %s, key %q (old %q)", got.Status, got.FileKey, old.FileKey)
		}
	})
}

// TestDownloadForRequest: the requester's link opens its request's
// package only, and never an account's: a public request matched to an
// account is answered in the account, behind its sign-in.
func TestDownloadForRequest(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		ctx := context.Background()
		s, _ := newService(t, db)
		r := richCustomer(t, s, db)
		pass := actor.Actor{Kind: actor.Requester}
		mine := requestPackage(t, s, db, &r.Request)
		if _, _, err := s.DownloadForRequest(ctx, pass, r.Request.ID, mine.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("an account's package through the request's code: %v, want not found", err)
		}
		if _, rc, err := s.Download(ctx, customer(r.UserID), r.UserID, mine.ID); err != nil {
			t.Errorf("the account's owner cannot download its request's package: %v", err)
		} else {
			rc.Close()
		}
		anon := r.Request
		anon.ID, anon.UserID, anon.Channel, anon.RequesterEmail = 0, nil, models.ChannelPublic, "margaux@example.com"
		if err := db.Create(&anon).Error; err != nil {
			t.Fatal(err)
		}
		r.Request = anon
		e := requestPackage(t, s, db, &anon)
		if _, _, err := s.DownloadForRequest(ctx, pass, r.Request.ID+1, e.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("another request's package: %v", err)
		}
		got, rc, err := s.DownloadForRequest(ctx, pass, r.Request.ID, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		rc.Close()
		if got.ID != e.ID || reload(t, s, e.ID).Downloads != 1 {
			t.Errorf("download not counted: %+v", reload(t, s, e.ID))
		}
		// A self-service package is no request's.
		own := built(t, s, r.UserID, nil)
		if _, _, err := s.DownloadForRequest(ctx, pass, r.Request.ID, own.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("a self-service package through a request link: %v", err)
		}
	})
}
