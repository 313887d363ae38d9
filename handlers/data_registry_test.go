package handlers

import (
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/holdings"
)

// TestCategoryPagesMatchRegistry ties the routing table to the registry:
// every category's list page is a customer GET route, and every
// /account/data/<name> page is a registered category's, so a category
// cannot be added without its page nor a page without its category.
func TestCategoryPagesMatchRegistry(t *testing.T) {
	t.Parallel()
	routes := map[string]Access{}
	for _, rt := range (&Handler{}).Routes() {
		if rt.Method == "GET" {
			routes[rt.Pattern] = rt.Access
		}
	}
	paths := map[string]bool{}
	for _, e := range holdings.Entries() {
		paths[e.Path()] = true
		access, ok := routes[e.Path()]
		if !ok {
			t.Errorf("category %s: no GET route for its page %s", e.Key(), e.Path())
		} else if access != Customer {
			t.Errorf("category %s: page %s is not a customer route", e.Key(), e.Path())
		}
	}
	for pattern := range routes {
		rest, ok := strings.CutPrefix(pattern, "/account/data/")
		if ok && !strings.Contains(rest, "/") && !paths[pattern] {
			t.Errorf("route %s looks like a category page but no registry entry has it", pattern)
		}
	}
}
