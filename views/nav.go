package views

// NavItem is one link of the main navigation.
type NavItem struct {
	Path    string
	Message string // i18n message id of the label
	// Exact items (a role's home) match only their own path; the others
	// also match their sub-pages, so /admin/outbox/7 marks Outbox.
	Exact bool
}

// navigation is every role's sections, in the order shown. It lists only
// sections that have a route today (a test in web checks each path is a
// GET route the role may open), so there are no dead links: a new
// section (Preferences; the staff Queue, Customers,
// Dashboard; the admin's Templates, Policy, Settings…) is one item here.
// The key "" is the signed-out visitor.
var navigation = map[string][]NavItem{
	"": {
		{Path: "/signin", Message: "nav.signin", Exact: true},
	},
	"customer": {
		{Path: "/account", Message: "nav.account", Exact: true},
		{Path: "/account/data", Message: "nav.your_data"},
		{Path: "/account/requests", Message: "nav.your_requests"},
		{Path: "/account/export", Message: "nav.downloads"},
		{Path: "/account/preferences", Message: "nav.preferences"},
		{Path: "/security", Message: "nav.security"},
	},
	"staff": {
		{Path: "/staff", Message: "nav.staff_home", Exact: true},
		{Path: "/staff/requests", Message: "nav.staff_queue"},
		{Path: "/staff/customers", Message: "nav.staff_customers"},
		{Path: "/security", Message: "nav.security"},
	},
	"admin": {
		{Path: "/admin", Message: "nav.admin_home", Exact: true},
		{Path: "/admin/staff", Message: "nav.staff_accounts"},
		{Path: "/admin/outbox", Message: "nav.outbox"},
		{Path: "/admin/jobs", Message: "nav.jobs"},
		{Path: "/admin/audit", Message: "nav.audit"},
		{Path: "/staff", Message: "nav.staff_home", Exact: true},
		{Path: "/staff/requests", Message: "nav.staff_queue"},
		{Path: "/staff/customers", Message: "nav.staff_customers"},
		{Path: "/security", Message: "nav.security"},
	},
}

// setupNavigation is the whole menu of a staff member or admin who must
// enrol two-factor first: every other section would send them back.
var setupNavigation = []NavItem{
	{Path: setupPath, Message: "nav.setup_2fa"},
}

// SetupNavigation is the menu while two-factor set-up is required, for
// the test that its links stay reachable before enrolment.
func SetupNavigation() []NavItem { return setupNavigation }

// Navigation is the sections of a role ("" when signed out), for the
// layout and for the test that every link has a route.
func Navigation(role string) []NavItem { return navigation[role] }

// NavRoles are the keys of the navigation, "" (signed out) included.
func NavRoles() []string { return []string{"", "customer", "staff", "admin"} }

func navFor(p Page) []NavItem {
	u := p.User
	if p.SetupRequired {
		return setupNavigation
	}
	if u == nil {
		return navigation[""]
	}
	return navigation[u.Role]
}
