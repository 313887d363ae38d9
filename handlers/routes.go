package handlers

// Routes is the portal's routing table. web registers each entry behind
// the access check its Access names; the authorization matrix test walks
// this same table, so a route cannot be added without stating who may use it.
func (h *Handler) Routes() []Route {
	return []Route{
		{"GET", "/{$}", Public, h.root},
		{"GET", "/signin", Public, h.showSignIn},
		{"POST", "/signin", Public, h.signIn},
		{"POST", "/signout", Public, h.signOut},
		{"POST", "/language", Public, h.setLanguage},

		{"GET", "/account", Customer, h.customerHome},

		{"GET", "/staff", Staff, h.staffHome},

		{"GET", "/admin", Admin, h.adminHome},
		{"GET", "/admin/outbox", Admin, h.outbox},
		{"GET", "/admin/outbox/{id}", Admin, h.outboxMessage},
		{"POST", "/admin/outbox/test", Admin, h.sendTestMail},
		{"GET", "/admin/audit", Admin, h.auditLog},
	}
}
