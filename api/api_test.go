package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

func TestAckEndpoint(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		ring, err := vault.OpenKeyRing(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		s := &erasure.Service{DB: db.DB, Dialect: db.Dialect, Secrets: ring}
		admin := actor.Actor{Kind: actor.Admin, UserID: 1}
		newSystem := func(name string) *erasure.Credentials {
			_, creds, err := s.CreateSystem(ctx, admin, erasure.SystemInput{Name: name, Kind: models.SystemWebhook,
				URL: "https://93.184.215.14/" + name, Enabled: true})
			if err != nil {
				t.Fatal(err)
			}
			return creds
		}
		shop, mailing := newSystem("shop"), newSystem("mailing")
		if err := db.Transaction(func(tx *gorm.DB) error {
			return s.Dispatch(tx, models.EventRestriction, nil, nil, erasure.Subject{UserID: 5, Email: "hal@example.test"})
		}); err != nil {
			t.Fatal(err)
		}
		var tasks []models.SystemTask
		if err := db.Order("id").Find(&tasks).Error; err != nil || len(tasks) != 2 {
			t.Fatalf("tasks: %v %d", err, len(tasks))
		}
		shopTask := strconv.FormatInt(tasks[0].ID, 10)
		h := (&API{Erasure: s}).Handler()
		post := func(path, auth string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, path, nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		for _, c := range []struct {
			name, path, auth string
			status           int
		}{
			{"no token", "/api/v1/tasks/" + shopTask + "/ack", "", 401},
			{"not bearer", "/api/v1/tasks/" + shopTask + "/ack", "Basic " + shop.Token, 401},
			{"bad token", "/api/v1/tasks/" + shopTask + "/ack", "Bearer ppsys_wrong", 401},
			{"other system's task", "/api/v1/tasks/" + shopTask + "/ack", "Bearer " + mailing.Token, 404},
			{"unknown task", "/api/v1/tasks/999999/ack", "Bearer " + shop.Token, 404},
			{"not an id", "/api/v1/tasks/abc/ack", "Bearer " + shop.Token, 404},
			{"not an id, bad token", "/api/v1/tasks/abc/ack", "Bearer x", 401},
			{"unknown route", "/api/v1/nothing", "Bearer " + shop.Token, 404},
		} {
			rec := post(c.path, c.auth)
			if rec.Code != c.status || rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Errorf("%s: %d %s, want %d problem+json", c.name, rec.Code, rec.Header().Get("Content-Type"), c.status)
			}
		}
		for range 2 {
			rec := post("/api/v1/tasks/"+shopTask+"/ack", "Bearer "+shop.Token)
			var got taskAck
			if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got.Status != models.TaskDone || got.DoneAt == nil {
				t.Fatalf("ack: %d %s", rec.Code, rec.Body)
			}
		}
		var other models.SystemTask
		if err := db.Take(&other, "id = ?", tasks[1].ID).Error; err != nil || other.Status != models.TaskPending {
			t.Errorf("the other system's task: %v %s", err, other.Status)
		}
	})
}
