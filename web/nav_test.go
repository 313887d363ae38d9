package web

import (
	"testing"

	"github.com/photolab/privacyportal/handlers"
	"github.com/photolab/privacyportal/models"
	"github.com/photolab/privacyportal/views"
)

// TestHeaderNavHasNoDeadLinks: every section the navigation shows a role
// is a GET route of the routing table that the role may open, so a
// section appears only once it exists.
func TestHeaderNavHasNoDeadLinks(t *testing.T) {
	t.Parallel()
	h := &handlers.Handler{}
	get := map[string]handlers.Access{}
	for _, rt := range h.Routes() {
		if rt.Method == "GET" {
			p := rt.Pattern
			if p == "/{$}" {
				p = "/"
			}
			get[p] = rt.Access
		}
	}
	for _, role := range views.NavRoles() {
		items := views.Navigation(role)
		if len(items) == 0 {
			t.Errorf("role %q has no navigation", role)
		}
		var u *models.User
		if role != "" {
			u = &models.User{Role: models.Role(role)}
		}
		seen := map[string]bool{}
		for _, it := range items {
			access, ok := get[it.Path]
			switch {
			case !ok:
				t.Errorf("role %q: section %s has no GET route", role, it.Path)
			case !access.Allows(u):
				t.Errorf("role %q: section %s is a %s route it may not open", role, it.Path, access)
			case seen[it.Path]:
				t.Errorf("role %q: section %s listed twice", role, it.Path)
			case it.Message == "":
				t.Errorf("role %q: section %s has no label", role, it.Path)
			}
			seen[it.Path] = true
		}
	}
}
