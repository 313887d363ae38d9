package views_test

import (
	"html"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/views"
)

// TestSectionNavComesFromTheList: each role's layout shows exactly its
// listed sections, translated, signed-in users in the collapsible
// section menu and signed-out visitors in the header.
func TestSectionNavComesFromTheList(t *testing.T) {
	users := map[string]*views.PageUser{"": nil, "customer": customer, "staff": staff, "admin": admin}
	for _, l := range i18n.Supported {
		for _, role := range views.NavRoles() {
			t.Run(l.Code+"/"+role, func(t *testing.T) {
				out := render(t, l.Code, views.StaffHomePage(views.Page{Locale: l.Code, User: users[role], Path: "/nowhere"}, views.DeskDashboard{}))
				menu := strings.Contains(out, `<details class="nav-menu">`)
				if menu != (role != "") {
					t.Errorf("section menu present = %v, want %v", menu, role != "")
				}
				items := views.Navigation(role)
				if got := strings.Count(out, `<li><a href=`); got != len(items) {
					t.Errorf("%d navigation links, want %d", got, len(items))
				}
				for _, it := range items {
					link := `<li><a href="` + it.Path + `">` + html.EscapeString(i18n.Tl(l.Code, it.Message)) + `</a></li>`
					if !strings.Contains(out, link) {
						t.Errorf("missing %s", link)
					}
				}
			})
		}
	}
}
