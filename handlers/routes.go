package handlers

// Routes is the portal's routing table. web registers each entry behind
// the checks its fields name (role, recent re-authentication, enrolled
// 2FA for staff); the authorization matrix test walks this same table, so
// a route cannot be added without stating who may use it.
func (h *Handler) Routes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/{$}", Access: Public, Handle: h.root, Before2FA: true},
		{Method: "GET", Pattern: "/signin", Access: Public, Handle: h.showSignIn, Before2FA: true},
		{Method: "POST", Pattern: "/signin", Access: Public, Handle: h.signIn, Before2FA: true},
		{Method: "GET", Pattern: "/signin/code", Access: Public, Handle: h.showCodeRequest, Before2FA: true},
		{Method: "POST", Pattern: "/signin/code", Access: Public, Handle: h.requestCode, Before2FA: true},
		{Method: "GET", Pattern: "/signin/code/enter", Access: Public, Handle: h.showCodeEnter, Before2FA: true},
		{Method: "POST", Pattern: "/signin/code/enter", Access: Public, Handle: h.enterCode, Before2FA: true},
		{Method: "GET", Pattern: "/signin/2fa", Access: Public, Handle: h.showSecondFactor, Before2FA: true},
		{Method: "POST", Pattern: "/signin/2fa", Access: Public, Handle: h.secondFactor, Before2FA: true},
		{Method: "POST", Pattern: "/signout", Access: Public, Handle: h.signOut, Before2FA: true},
		{Method: "POST", Pattern: "/language", Access: Public, Handle: h.setLanguage, Before2FA: true},
		{Method: "POST", Pattern: "/language/preferred", Access: SignedIn, Handle: h.setPreferredLanguage, Before2FA: true},

		{Method: "GET", Pattern: "/account", Access: Customer, Handle: h.customerHome},
		{Method: "GET", Pattern: "/account/data", Access: Customer, Handle: h.dataOverview},
		{Method: "GET", Pattern: "/account/data/profile", Access: Customer, Handle: h.profileData},
		{Method: "GET", Pattern: "/account/data/profile/edit", Access: Customer, Handle: h.showProfileEdit},
		{Method: "POST", Pattern: "/account/data/profile/edit", Access: Customer, Handle: h.saveProfile},
		{Method: "GET", Pattern: "/account/data/profile/history", Access: Customer, Handle: h.profileHistory},
		{Method: "GET", Pattern: "/account/data/orders", Access: Customer, Handle: h.ordersData},
		{Method: "GET", Pattern: "/account/data/payments", Access: Customer, Handle: h.paymentsData},
		{Method: "GET", Pattern: "/account/data/photos", Access: Customer, Handle: h.photosData},
		{Method: "GET", Pattern: "/account/data/photos/{id}/thumb", Access: Customer, Handle: h.photoFile(true)},
		{Method: "GET", Pattern: "/account/data/photos/{id}/file", Access: Customer, Handle: h.photoFile(false)},
		{Method: "GET", Pattern: "/account/data/contact", Access: Customer, Handle: h.contactData},
		{Method: "GET", Pattern: "/account/data/surveys", Access: Customer, Handle: h.surveysData},
		{Method: "GET", Pattern: "/account/data/logins", Access: Customer, Handle: h.loginsData},
		{Method: "GET", Pattern: "/account/policy", Access: Customer, Handle: h.policy},
		{Method: "POST", Pattern: "/account/policy/ack", Access: Customer, Handle: h.acknowledgePolicy},

		{Method: "GET", Pattern: "/security", Access: SignedIn, Handle: h.security},
		{Method: "GET", Pattern: "/security/confirm", Access: SignedIn, Handle: h.showConfirm, Before2FA: true},
		{Method: "POST", Pattern: "/security/confirm", Access: SignedIn, Handle: h.confirm, Before2FA: true},
		{Method: "GET", Pattern: "/security/password", Access: SignedIn, Handle: h.showPassword, Reauth: true},
		{Method: "POST", Pattern: "/security/password", Access: SignedIn, Handle: h.changePassword, Reauth: true},
		{Method: "GET", Pattern: "/security/2fa", Access: SignedIn, Handle: h.showTOTP, Before2FA: true},
		{Method: "POST", Pattern: "/security/2fa/start", Access: SignedIn, Handle: h.startTOTP, Reauth: true, Before2FA: true},
		{Method: "GET", Pattern: "/security/2fa/setup", Access: SignedIn, Handle: h.showTOTPSetup, Reauth: true, Before2FA: true},
		{Method: "POST", Pattern: "/security/2fa/setup", Access: SignedIn, Handle: h.confirmTOTP, Reauth: true, Before2FA: true},
		{Method: "POST", Pattern: "/security/2fa/disable", Access: SignedIn, Handle: h.disableTOTP, Reauth: true},
		{Method: "POST", Pattern: "/security/2fa/recovery-codes", Access: SignedIn, Handle: h.regenerateRecoveryCodes, Reauth: true},
		{Method: "POST", Pattern: "/security/2fa/recovery-codes/saved", Access: SignedIn, Handle: h.recoveryCodesSaved},
		{Method: "GET", Pattern: "/security/email", Access: SignedIn, Handle: h.showEmailChange, Reauth: true},
		{Method: "POST", Pattern: "/security/email", Access: SignedIn, Handle: h.requestEmailChange, Reauth: true},
		{Method: "GET", Pattern: "/security/email/confirm", Access: SignedIn, Handle: h.showEmailConfirm, Reauth: true},
		{Method: "POST", Pattern: "/security/email/confirm", Access: SignedIn, Handle: h.confirmEmailChange, Reauth: true},
		{Method: "GET", Pattern: "/security/sessions", Access: SignedIn, Handle: h.sessions},
		{Method: "POST", Pattern: "/security/sessions/{id}/revoke", Access: SignedIn, Handle: h.revokeSession},
		{Method: "POST", Pattern: "/security/sessions/revoke-others", Access: SignedIn, Handle: h.revokeOtherSessions},

		// Privacy requests, intake (the requester's side): the customer's
		// list, form and request page; the public form for people without an
		// account, its email code and knowledge check, and the status page
		// reached with a fresh mailed code. (The verify and check pages put
		// the id last: "/requests/{id}/verify" beside "/requests/status/{id}"
		// is a pattern conflict net/http refuses.)
		{Method: "GET", Pattern: "/account/requests", Access: Customer, Handle: h.myRequests},
		{Method: "GET", Pattern: "/account/requests/new", Access: Customer, Handle: h.showNewRequest, Reauth: true},
		{Method: "POST", Pattern: "/account/requests/new", Access: Customer, Handle: h.fileRequest, Reauth: true},
		{Method: "GET", Pattern: "/account/requests/{id}", Access: Customer, Handle: h.myRequest},
		{Method: "POST", Pattern: "/account/requests/{id}/cancel", Access: Customer, Handle: h.cancelMyRequest},
		{Method: "POST", Pattern: "/account/requests/{id}/reply", Access: Customer, Handle: h.replyMyRequest},
		{Method: "POST", Pattern: "/account/requests/{id}/erasure/cancel", Access: Customer, Handle: h.cancelMyErasure},
		{Method: "POST", Pattern: "/account/requests/{id}/erasure/waive", Access: Customer, Handle: h.waiveMyErasure},
		{Method: "POST", Pattern: "/staff/requests/{id}/erasure/cancel", Access: Staff, Handle: h.deskStopErasure},
		{Method: "GET", Pattern: "/requests/new", Access: Public, Handle: h.showPublicRequest},
		{Method: "POST", Pattern: "/requests/new", Access: Public, Handle: h.filePublicRequest},
		{Method: "GET", Pattern: "/requests/verify/{id}", Access: Public, Handle: h.showPublicCode},
		{Method: "POST", Pattern: "/requests/verify/{id}", Access: Public, Handle: h.confirmPublicCode},
		{Method: "POST", Pattern: "/requests/verify/{id}/resend", Access: Public, Handle: h.resendPublicCode},
		{Method: "GET", Pattern: "/requests/check/{id}", Access: Public, Handle: h.showKnowledgeCheck},
		{Method: "POST", Pattern: "/requests/check/{id}", Access: Public, Handle: h.checkKnowledge},
		{Method: "GET", Pattern: "/requests/received/{id}", Access: Public, Handle: h.publicReceived},
		{Method: "GET", Pattern: "/requests/status/{id}", Access: Public, Handle: h.publicStatus},
		{Method: "POST", Pattern: "/requests/status/{id}/send", Access: Public, Handle: h.sendStatusCode},
		{Method: "POST", Pattern: "/requests/status/{id}/code", Access: Public, Handle: h.enterStatusCode},
		{Method: "POST", Pattern: "/requests/status/{id}/reply", Access: Public, Handle: h.publicReply},
		{Method: "POST", Pattern: "/requests/status/{id}/cancel", Access: Public, Handle: h.publicCancel},

		{Method: "GET", Pattern: "/staff", Access: Staff, Handle: h.staffHome},
		// requests: the staff desk (handlers/desk.go). Before the admin routes: the
		// matrix test walks them in order, and an admin resets staff 2FA there.
		{Method: "GET", Pattern: "/staff/requests", Access: Staff, Handle: h.deskQueue},
		{Method: "GET", Pattern: "/staff/requests/{id}", Access: Staff, Handle: h.deskRequest},
		{Method: "POST", Pattern: "/staff/requests/{id}/verify", Access: Staff, Handle: h.deskAction("verify")},
		{Method: "POST", Pattern: "/staff/requests/{id}/require_document", Access: Staff, Handle: h.deskAction("require_document")},
		{Method: "POST", Pattern: "/staff/requests/{id}/reject_identity", Access: Staff, Handle: h.deskAction("reject_identity")},
		{Method: "POST", Pattern: "/staff/requests/{id}/ask", Access: Staff, Handle: h.deskAction("ask")},
		{Method: "POST", Pattern: "/staff/requests/{id}/approve", Access: Staff, Handle: h.deskAction("approve")},
		{Method: "POST", Pattern: "/staff/requests/{id}/deny", Access: Staff, Handle: h.deskAction("deny")},
		{Method: "POST", Pattern: "/staff/requests/{id}/extend", Access: Staff, Handle: h.deskAction("extend")},
		{Method: "POST", Pattern: "/staff/requests/{id}/mark_duplicate", Access: Staff, Handle: h.deskAction("mark_duplicate")},
		{Method: "POST", Pattern: "/staff/requests/{id}/complete", Access: Staff, Handle: h.deskAction("complete")},
		{Method: "POST", Pattern: "/staff/requests/{id}/assign", Access: Staff, Handle: h.deskAction("assign")},
		// requests: the jurisdiction's per-request override
		{Method: "POST", Pattern: "/staff/requests/{id}/jurisdiction", Access: Staff, Handle: h.deskAction("jurisdiction")},
		{Method: "POST", Pattern: "/staff/requests/{id}/message", Access: Staff, Handle: h.deskAction("message")},
		{Method: "POST", Pattern: "/staff/requests/{id}/note", Access: Staff, Handle: h.deskAction("note")},

		// Requests: ID documents (docs). The upload pages and the staff viewer
		// (ahead of the admin routes: the matrix test runs in table order, and
		// an admin route there resets the staff login's second factor).
		{Method: "GET", Pattern: "/account/requests/{id}/document", Access: Customer, Handle: h.showCustomerDocument},
		{Method: "POST", Pattern: "/account/requests/{id}/document", Access: Customer, Handle: h.uploadCustomerDocument, MaxBody: DocumentMaxBody},
		{Method: "GET", Pattern: "/requests/status/{id}/document", Access: Public, Handle: h.showPublicDocument},
		{Method: "POST", Pattern: "/requests/status/{id}/document", Access: Public, Handle: h.uploadPublicDocument, MaxBody: DocumentMaxBody},
		{Method: "GET", Pattern: "/requests/status/{id}/permission", Access: Public, Handle: h.showPublicPermission},
		{Method: "POST", Pattern: "/requests/status/{id}/permission", Access: Public, Handle: h.uploadPublicPermission, MaxBody: DocumentMaxBody},
		{Method: "GET", Pattern: "/staff/requests/{id}/documents/{doc}", Access: Staff, Handle: h.viewDocument},
		// Requests, fulfil: the customer's rectification form and the staff
		// customer page (look-up, legal holds, restrictions).
		{Method: "GET", Pattern: "/account/requests/new/rectification", Access: Customer, Handle: h.showRectify, Reauth: true},
		{Method: "POST", Pattern: "/account/requests/new/rectification", Access: Customer, Handle: h.fileRectification, Reauth: true},
		{Method: "GET", Pattern: "/staff/customers", Access: Staff, Handle: h.lookupCustomers},
		// The form posts: an email or a name typed to look up stays out of the URL.
		{Method: "POST", Pattern: "/staff/customers", Access: Staff, Handle: h.lookupCustomers},
		{Method: "GET", Pattern: "/staff/customers/{id}", Access: Staff, Handle: h.showCustomer},
		{Method: "POST", Pattern: "/staff/customers/{id}/holds", Access: Staff, Handle: h.placeHold},
		{Method: "POST", Pattern: "/staff/customers/{id}/holds/{hold}/release", Access: Staff, Handle: h.releaseHold},
		{Method: "POST", Pattern: "/staff/customers/{id}/restrictions/{restriction}/lift", Access: Staff, Handle: h.liftRestriction},

		// Export: "Download my data" (its form, like a request's, needs a
		// recent confirmation, asked before the choices are made),
		// a package's page, its progress fragment and its download; the
		// public requester's download behind the status page's pass; the
		// desk's rebuild, resend and a note withheld from the export.
		// Ahead of the admin routes, like the desk's (the matrix test).
		{Method: "GET", Pattern: "/account/export", Access: Customer, Handle: h.showExports, Reauth: true},
		{Method: "POST", Pattern: "/account/export", Access: Customer, Handle: h.askExport, Reauth: true},
		{Method: "GET", Pattern: "/account/export/{id}", Access: Customer, Handle: h.showExport},
		{Method: "GET", Pattern: "/account/export/{id}/progress", Access: Customer, Handle: h.exportProgress},
		{Method: "GET", Pattern: "/account/export/{id}/download", Access: Customer, Handle: h.downloadExport},
		{Method: "GET", Pattern: "/requests/status/{id}/export/{eid}", Access: Public, Handle: h.publicExport},
		{Method: "POST", Pattern: "/staff/requests/{id}/exports", Access: Staff, Handle: h.deskStartExport},
		{Method: "POST", Pattern: "/staff/requests/{id}/exports/{eid}/rebuild", Access: Staff, Handle: h.deskExport("rebuild")},
		{Method: "POST", Pattern: "/staff/requests/{id}/exports/{eid}/resend", Access: Staff, Handle: h.deskExport("resend")},
		{Method: "POST", Pattern: "/staff/requests/{id}/notes/{note}/withhold", Access: Staff, Handle: h.withholdNote},

		// Consent: the links of mails about a subscription, reached by their
		// token without signing in (handlers/unsubscribe.go).
		{Method: "GET", Pattern: "/u/{token}", Access: Public, Handle: h.showUnsubscribe},
		{Method: "POST", Pattern: "/u/{token}", Access: Public, Handle: h.unsubscribe, CrossOrigin: true},
		{Method: "GET", Pattern: "/u/{token}/prefs", Access: Public, Handle: h.showUnsubscribePrefs},
		{Method: "POST", Pattern: "/u/{token}/prefs", Access: Public, Handle: h.saveUnsubscribePrefs},
		{Method: "GET", Pattern: "/confirm/{token}", Access: Public, Handle: h.showConsentConfirm},
		{Method: "POST", Pattern: "/confirm/{token}", Access: Public, Handle: h.consentConfirm},
		// Issue 12, preferences: the customer's page (GPC honoured on it),
		// the one-click unsubscribe from all, the consents category (the
		// ledger), the signed-out opt-out of sale, the staff consent proof.
		{Method: "GET", Pattern: "/account/preferences", Access: Customer, Handle: h.showPreferences},
		{Method: "POST", Pattern: "/account/preferences", Access: Customer, Handle: h.savePreferences},
		{Method: "POST", Pattern: "/account/preferences/unsubscribe-all", Access: Customer, Handle: h.unsubscribeAll},
		{Method: "GET", Pattern: "/account/preferences/history", Access: Customer, Handle: h.consentHistory},
		{Method: "GET", Pattern: "/privacy/opt-out", Access: Public, Handle: h.showOptOut},
		{Method: "POST", Pattern: "/privacy/opt-out", Access: Public, Handle: h.optOut},
		{Method: "GET", Pattern: "/staff/customers/{id}/consent-proof", Access: Staff, Handle: h.consentProof},
		// Issue 13, retention: the dry run of the purge (handlers/retention.go).
		{Method: "GET", Pattern: "/admin/retention", Access: Admin, Handle: h.retentionPage},

		// Erasure, connected systems (handlers/systems.go): the staff's tasks
		// of a request (tick off, retry), and the admin's list of systems.
		{Method: "POST", Pattern: "/staff/requests/{id}/tasks/{task}/done", Access: Staff, Handle: h.completeTask},
		{Method: "POST", Pattern: "/staff/requests/{id}/tasks/{task}/retry", Access: Staff, Handle: h.retryTask},
		{Method: "GET", Pattern: "/admin/systems", Access: Admin, Handle: h.systemsList},
		{Method: "POST", Pattern: "/admin/systems", Access: Admin, Handle: h.createSystem},
		{Method: "GET", Pattern: "/admin/systems/{id}", Access: Admin, Handle: h.showSystem},
		{Method: "POST", Pattern: "/admin/systems/{id}", Access: Admin, Handle: h.saveSystem},
		{Method: "POST", Pattern: "/admin/systems/{id}/enable", Access: Admin, Handle: h.systemAction("enable")},
		{Method: "POST", Pattern: "/admin/systems/{id}/disable", Access: Admin, Handle: h.systemAction("disable")},
		{Method: "POST", Pattern: "/admin/systems/{id}/delete", Access: Admin, Handle: h.systemAction("delete")},
		{Method: "POST", Pattern: "/admin/systems/{id}/rotate", Access: Admin, Handle: h.rotateSystem},

		// Erasure engine (issue 13, A): the staff search and reading of
		// retained invoices (each reading audited), and the admins'
		// strategy per data category.
		{Method: "GET", Pattern: "/staff/retained-invoices", Access: Staff, Handle: h.retainedInvoices},
		{Method: "GET", Pattern: "/staff/retained-invoices/{id}", Access: Staff, Handle: h.retainedInvoice},
		{Method: "GET", Pattern: "/admin/erasure", Access: Admin, Handle: h.erasureStrategies},
		{Method: "POST", Pattern: "/admin/erasure/{category}", Access: Admin, Handle: h.saveErasureStrategy},

		{Method: "GET", Pattern: "/admin", Access: Admin, Handle: h.adminHome},
		{Method: "GET", Pattern: "/admin/outbox", Access: Admin, Handle: h.outbox},
		{Method: "GET", Pattern: "/admin/outbox/{id}", Access: Admin, Handle: h.outboxMessage},
		{Method: "POST", Pattern: "/admin/outbox/test", Access: Admin, Handle: h.sendTestMail},
		{Method: "GET", Pattern: "/admin/audit", Access: Admin, Handle: h.auditLog},
		{Method: "GET", Pattern: "/admin/jobs", Access: Admin, Handle: h.jobsPage},
		{Method: "POST", Pattern: "/admin/jobs/{id}/retry", Access: Admin, Handle: h.retryJob},
		{Method: "GET", Pattern: "/admin/staff", Access: Admin, Handle: h.staff},
		{Method: "POST", Pattern: "/admin/staff", Access: Admin, Handle: h.createStaff},
		{Method: "POST", Pattern: "/admin/staff/{id}/reset-2fa", Access: Admin, Handle: h.resetStaffTOTP, Reauth: true},
	}
}
