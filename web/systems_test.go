package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/erasure"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The connected systems' rows of the authorization matrix, on ids nobody
// has: the admin pages are admins' (404 once let in), the tasks staff's.
func init() {
	const none = "987654321"
	tasks := "/staff/requests/" + none + "/tasks/" + none
	matrix["POST /staff/requests/{id}/tasks/{task}/done"] = matrixRow(tasks+"/done", url.Values{"task_note_" + none: {"done"}}, expect{see, forbid, notFound, notFound})
	matrix["POST /staff/requests/{id}/tasks/{task}/retry"] = matrixRow(tasks+"/retry", nil, expect{see, forbid, notFound, notFound})
	matrix["GET /admin/systems"] = matrixRow("/admin/systems", nil, expect{see, forbid, forbid, ok})
	matrix["POST /admin/systems"] = matrixRow("/admin/systems", url.Values{"name": {""}, "kind": {"webhook"}}, expect{see, forbid, forbid, invalid})
	matrix["GET /admin/systems/{id}"] = matrixRow("/admin/systems/"+none, nil, expect{see, forbid, forbid, notFound})
	matrix["POST /admin/systems/{id}"] = matrixRow("/admin/systems/"+none, url.Values{"name": {"X"}}, expect{see, forbid, forbid, notFound})
	for _, a := range []string{"enable", "disable", "delete", "rotate"} {
		matrix["POST /admin/systems/{id}/"+a] = matrixRow("/admin/systems/"+none+"/"+a, nil, expect{see, forbid, forbid, notFound})
	}
}

var (
	secretShown = regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`)
	tokenShown  = regexp.MustCompile(`ppsys_[A-Za-z0-9_-]+`)
)

func TestSystemsAdminPages(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		admin := p.signedIn(t, "admin")
		// A private address is refused beside the field, the rest kept.
		res, body := p.postBody(t, admin, "/admin/systems", url.Values{"name": {"Web shop"}, "kind": {"webhook"},
			"url": {"https://127.0.0.1/hooks"}, "enabled": {"1"}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "field-url-error") || !strings.Contains(body, `value="Web shop"`) {
			t.Fatalf("private URL: %d", res.StatusCode)
		}
		res, body = p.postBody(t, admin, "/admin/systems", url.Values{"name": {"Web shop"}, "kind": {"webhook"},
			"url": {"https://93.184.215.14/hooks"}, "enabled": {"1"}}, nil)
		secret, token := secretShown.FindString(html.UnescapeString(body)), tokenShown.FindString(body)
		if res.StatusCode != http.StatusOK || secret == "" || token == "" {
			t.Fatalf("create: %d, secret %q token %q", res.StatusCode, secret, token)
		}
		var sys models.ConnectedSystem
		if err := p.DB().Where("name = ?", "Web shop").Take(&sys).Error; err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sys.SecretSealed, secret[6:]) || strings.Contains(sys.TokenHash, token) {
			t.Error("credentials stored in clear")
		}
		// Shown once: the list and the edit page never show them.
		for _, path := range []string{"/admin/systems", "/admin/systems/" + strconv.FormatInt(sys.ID, 10)} {
			if res, body := p.get(t, admin, path); res.StatusCode != 200 || strings.Contains(body, "whsec_") || strings.Contains(body, token) {
				t.Errorf("%s: %d, or it shows the credentials", path, res.StatusCode)
			}
		}
		id := strconv.FormatInt(sys.ID, 10)
		res, body = p.postBody(t, admin, "/admin/systems/"+id+"/rotate", nil, nil)
		if s2 := secretShown.FindString(html.UnescapeString(body)); res.StatusCode != 200 || s2 == "" || s2 == secret {
			t.Errorf("rotate: %d, secret %q", res.StatusCode, s2)
		}
		if res := p.post(t, admin, "/admin/systems/"+id, url.Values{"name": {"Shop"}, "url": {"https://93.184.215.14/v2"}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("save: %d", res.StatusCode)
		}
		if res, body := p.postBody(t, admin, "/admin/systems/"+id, url.Values{"name": {""}, "url": {"http://93.184.215.14/"}}, nil); res.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "field-name-error") || !strings.Contains(body, "field-url-error") {
			t.Errorf("invalid save: %d", res.StatusCode)
		}
		p.DB().Take(&sys, sys.ID)
		if sys.Name != "Shop" || sys.Enabled || sys.URL != "https://93.184.215.14/v2" {
			t.Errorf("saved = %+v", sys)
		}
		res = p.post(t, admin, "/admin/systems", url.Values{"name": {"Print system"}, "kind": {"manual"}, "instructions": {"Delete them in the print queue."}})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("manual create: %d", res.StatusCode)
		}
		for _, a := range []string{"enable", "disable", "delete"} {
			if res := p.post(t, admin, "/admin/systems/"+id+"/"+a, nil); res.StatusCode != http.StatusSeeOther {
				t.Errorf("%s: %d", a, res.StatusCode)
			}
		}
		if err := p.DB().Take(&models.ConnectedSystem{}, sys.ID).Error; err == nil {
			t.Error("the system was not deleted")
		}
		var n int64
		p.DB().Model(&models.AuditEntry{}).Where("action LIKE ?", "systems.%").Count(&n)
		if n != 7 {
			t.Errorf("%d systems.* audit entries, want 7", n)
		}
		if res, _ := p.get(t, p.signedIn(t, "staff"), "/admin/systems"); res.StatusCode != http.StatusForbidden {
			t.Errorf("staff on the systems page: %d", res.StatusCode)
		}
	})
}

func TestSystemTasksOnTheDesk(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, p *portal) {
		ctx := context.Background()
		admin := actor.Actor{Kind: actor.Admin, UserID: 1}
		s := p.Erasure()
		disableDemoSystems(t, p)
		_, _, err := s.CreateSystem(ctx, admin, erasure.SystemInput{Name: "Print system", Kind: models.SystemManual, Instructions: "Delete the prints.", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		_, creds, err := s.CreateSystem(ctx, admin, erasure.SystemInput{Name: "Web shop", Kind: models.SystemWebhook, URL: "https://93.184.215.14/h", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		r := deskRequest(t, p, models.RequestRestriction, models.StatusCompleted)
		other := deskRequest(t, p, models.RequestRestriction, models.StatusCompleted)
		if err := p.DB().Transaction(func(tx *gorm.DB) error { return s.PassOn(tx, &r, models.EventRestriction) }); err != nil {
			t.Fatal(err)
		}
		var tasks []models.SystemTask
		p.DB().Where("request_id = ?", r.ID).Order("id").Find(&tasks)
		if len(tasks) != 2 {
			t.Fatalf("%d tasks", len(tasks))
		}
		manual, hook := tasks[0], tasks[1]
		staff := p.signedIn(t, "staff")
		res, body := p.get(t, staff, deskPath(r.ID, ""))
		if res.StatusCode != 200 || !strings.Contains(body, `id="desk-tasks"`) || !strings.Contains(body, "Print system") || !strings.Contains(body, "Delete the prints.") {
			t.Fatalf("desk page: %d, tasks missing", res.StatusCode)
		}
		taskPath := func(req, task int64, action string) string {
			return deskPath(req, "tasks/"+strconv.FormatInt(task, 10)+"/"+action)
		}
		note := "task_note_" + strconv.FormatInt(manual.ID, 10)
		res, body = p.postBody(t, staff, taskPath(r.ID, manual.ID, "done"), url.Values{note: {" "}}, nil)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "field-"+note+"-error") {
			t.Errorf("no note: %d", res.StatusCode)
		}
		// Through another request, the task does not exist.
		if res := p.post(t, staff, taskPath(other.ID, manual.ID, "done"), url.Values{note: {"done"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("another request's task: %d", res.StatusCode)
		}
		if res := p.post(t, p.signedIn(t, "customer"), taskPath(r.ID, manual.ID, "done"), url.Values{note: {"done"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("customer: %d", res.StatusCode)
		}
		if res := p.post(t, staff, taskPath(r.ID, manual.ID, "done"), url.Values{note: {"Deleted from the print queue."}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("done: %d", res.StatusCode)
		}
		// A pending webhook task is not retried; a failed one is.
		if res := p.post(t, staff, taskPath(r.ID, hook.ID, "retry"), nil); res.StatusCode != http.StatusConflict {
			t.Errorf("retry pending: %d", res.StatusCode)
		}
		p.DB().Model(&models.SystemTask{}).Where("id = ?", hook.ID).Updates(map[string]any{"status": models.TaskFailed, "last_error": "answered 503"})
		if _, body := p.get(t, staff, deskPath(r.ID, "")); !strings.Contains(body, "answered 503") || !strings.Contains(body, "/retry") {
			t.Error("the failed task's error and retry are not shown")
		}
		if res := p.post(t, staff, taskPath(r.ID, hook.ID, "retry"), nil); res.StatusCode != http.StatusSeeOther {
			t.Errorf("retry failed: %d", res.StatusCode)
		}
		// The system acknowledges through the API, with its own token only.
		ack := func(token string) *http.Response {
			req, _ := http.NewRequest("POST", p.URL+"/api/v1/tasks/"+strconv.FormatInt(hook.ID, 10)+"/ack", nil)
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		if res := ack(""); res.StatusCode != http.StatusUnauthorized || res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("ack without a token: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res := ack(creds.Token); res.StatusCode != http.StatusOK {
			t.Errorf("ack: %d", res.StatusCode)
		}
		p.DB().Where("request_id = ?", r.ID).Order("id").Find(&tasks)
		if tasks[0].Status != models.TaskDone || tasks[1].Status != models.TaskDone || tasks[0].Note == "" {
			t.Errorf("tasks after = %+v", tasks)
		}
	})
}

// Art. 19: approving a restriction on the desk passes it on to every
// enabled system, through the requests service's PassOn hook.
func TestRestrictionIsPassedOn(t *testing.T) {
	t.Parallel()
	p := startPortal(t, "", nil)
	admin := actor.Actor{Kind: actor.Admin, UserID: 1}
	disableDemoSystems(t, p)
	if _, _, err := p.Erasure().CreateSystem(context.Background(), admin, erasure.SystemInput{Name: "Print system",
		Kind: models.SystemManual, Instructions: "Stop printing for them.", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	r := deskRequest(t, p, models.RequestRestriction, models.StatusInReview)
	if res := p.post(t, p.signedIn(t, "staff"), deskPath(r.ID, "approve"), nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	var tasks []models.SystemTask
	p.DB().Where("request_id = ?", r.ID).Find(&tasks)
	if len(tasks) != 1 || tasks[0].Event != models.EventRestriction || tasks[0].Status != models.TaskPending {
		t.Fatalf("tasks = %+v", tasks)
	}
}

// disableDemoSystems turns the demo shop's connected systems off, so a
// test counts the tasks of the systems it made.
func disableDemoSystems(t *testing.T, p *portal) {
	t.Helper()
	if err := p.DB().Model(&models.ConnectedSystem{}).Where("1 = 1").Update("enabled", false).Error; err != nil {
		t.Fatal(err)
	}
}
