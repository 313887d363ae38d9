package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
)

// expect is the status each kind of visitor must get from a route.
type expect struct{ anon, customer, staff, admin int }

const (
	ok       = http.StatusOK
	see      = http.StatusSeeOther
	forbid   = http.StatusForbidden
	notFound = http.StatusNotFound
	invalid  = http.StatusUnprocessableEntity
)

// matrix lists every route the portal registers. Adding a route without a
// row here fails TestAuthorizationMatrix. Paths use {id} placeholders that
// the test fills with real ids.
var matrix = map[string]struct {
	path string
	form url.Values
	want expect
}{
	"GET /{$}":                {"/", nil, expect{see, see, see, see}},
	"GET /signin":             {"/signin", nil, expect{ok, see, see, see}},
	"POST /signin":            {"/signin", url.Values{"email": {"x@example.com"}}, expect{invalid, invalid, invalid, invalid}},
	"POST /signout":           {"/signout", nil, expect{see, see, see, see}},
	"POST /language":          {"/language", url.Values{"lang": {"fr"}, "next": {"/"}}, expect{see, see, see, see}},
	"GET /signin/code":        {"/signin/code", nil, expect{ok, ok, ok, ok}},
	"POST /signin/code":       {"/signin/code", url.Values{"email": {"x@example.com"}}, expect{see, see, see, see}},
	"GET /signin/code/enter":  {"/signin/code/enter", nil, expect{see, see, see, see}},
	"POST /signin/code/enter": {"/signin/code/enter", url.Values{"code": {"123456"}}, expect{see, see, see, see}},
	"GET /signin/2fa":         {"/signin/2fa", nil, expect{see, see, see, see}},
	"POST /signin/2fa":        {"/signin/2fa", url.Values{"code": {"123456"}}, expect{see, see, see, see}},

	// Issue 8: the preferred-language offer and "I have saved them".
	"POST /language/preferred":                {"/language/preferred", url.Values{"lang": {"fr"}, "next": {"/"}}, expect{see, see, see, see}},
	"POST /security/2fa/recovery-codes/saved": {"/security/2fa/recovery-codes/saved", url.Values{"enrolled": {"1"}}, expect{see, see, see, see}},

	"GET /account/data":                 {"/account/data", nil, expect{see, ok, forbid, forbid}},
	"GET /account/data/profile":         {"/account/data/profile", nil, expect{see, ok, forbid, forbid}},
	"GET /account/data/profile/edit":    {"/account/data/profile/edit", nil, expect{see, ok, forbid, forbid}},
	"POST /account/data/profile/edit":   {"/account/data/profile/edit", url.Values{"first_name": {""}}, expect{see, invalid, forbid, forbid}},
	"GET /account/data/profile/history": {"/account/data/profile/history", nil, expect{see, ok, forbid, forbid}},
	"GET /account/data/orders":          {"/account/data/orders", nil, expect{see, ok, forbid, forbid}},
	"GET /account/data/payments":        {"/account/data/payments", nil, expect{see, ok, forbid, forbid}},
	"GET /account/data/photos":          {"/account/data/photos", nil, expect{see, ok, forbid, forbid}},
	// Another customer's photo: not found, whoever asks.
	"GET /account/data/photos/{id}/thumb": {"/account/data/photos/{victim_photo}/thumb", nil, expect{see, notFound, forbid, forbid}},
	"GET /account/data/photos/{id}/file":  {"/account/data/photos/{victim_photo}/file", nil, expect{see, notFound, forbid, forbid}},
	"GET /account/data/contact":           {"/account/data/contact", nil, expect{see, ok, forbid, forbid}},
	"GET /account/data/surveys":           {"/account/data/surveys", nil, expect{see, ok, forbid, forbid}},
	"GET /account/data/logins":            {"/account/data/logins", nil, expect{see, ok, forbid, forbid}},
	"GET /account/policy":                 {"/account/policy", nil, expect{see, ok, forbid, forbid}},
	"POST /account/policy/ack":            {"/account/policy/ack", url.Values{"version": {"V.100000002"}}, expect{see, see, forbid, forbid}},

	"GET /admin/jobs":             {"/admin/jobs?status=dead", nil, expect{see, forbid, forbid, ok}},
	"GET /admin/retention":        {"/admin/retention", nil, expect{see, forbid, forbid, ok}},
	"POST /admin/jobs/{id}/retry": {"/admin/jobs/{dead_job}/retry", nil, expect{see, forbid, forbid, see}},

	"GET /security":           {"/security", nil, expect{see, ok, ok, ok}},
	"GET /security/confirm":   {"/security/confirm", nil, expect{see, ok, ok, ok}},
	"POST /security/confirm":  {"/security/confirm", url.Values{"password": {"not-my-password"}}, expect{see, invalid, invalid, invalid}},
	"GET /security/password":  {"/security/password", nil, expect{see, ok, ok, ok}},
	"POST /security/password": {"/security/password", url.Values{"current": {"x"}}, expect{see, invalid, invalid, invalid}},
	"GET /security/2fa":       {"/security/2fa", nil, expect{see, ok, ok, ok}},
	// Routes run in table order: "start" leaves the customer (no 2FA yet)
	// with a pending secret, so the set-up page shows; enrolled staff are
	// sent back.
	"POST /security/2fa/start":          {"/security/2fa/start", nil, expect{see, see, see, see}},
	"GET /security/2fa/setup":           {"/security/2fa/setup", nil, expect{see, ok, see, see}},
	"POST /security/2fa/setup":          {"/security/2fa/setup", url.Values{"code": {"abcdef"}}, expect{see, invalid, see, see}},
	"POST /security/2fa/disable":        {"/security/2fa/disable", nil, expect{see, see, forbid, forbid}},
	"POST /security/2fa/recovery-codes": {"/security/2fa/recovery-codes", nil, expect{see, see, ok, ok}},
	"GET /security/email":               {"/security/email", nil, expect{see, ok, ok, ok}},
	"POST /security/email":              {"/security/email", url.Values{"email": {"not-an-address"}}, expect{see, invalid, invalid, invalid}},
	"GET /security/email/confirm":       {"/security/email/confirm", nil, expect{see, see, see, see}},
	"POST /security/email/confirm":      {"/security/email/confirm", url.Values{"code": {"123456"}}, expect{see, see, see, see}},
	"GET /security/sessions":            {"/security/sessions", nil, expect{see, ok, ok, ok}},
	// Another customer's session: nobody else can end it, not even an admin.
	"POST /security/sessions/{id}/revoke":   {"/security/sessions/{victim_session}/revoke", nil, expect{see, notFound, notFound, notFound}},
	"POST /security/sessions/revoke-others": {"/security/sessions/revoke-others", nil, expect{see, see, see, see}},
	"GET /admin/staff":                      {"/admin/staff", nil, expect{see, forbid, forbid, ok}},
	"POST /admin/staff":                     {"/admin/staff", url.Values{"email": {"bad"}, "name": {"N"}, "role": {"staff"}}, expect{see, forbid, forbid, invalid}},
	"POST /admin/staff/{id}/reset-2fa":      {"/admin/staff/{staff}/reset-2fa", nil, expect{see, forbid, forbid, see}},
	"GET /account":                          {"/account", nil, expect{see, ok, forbid, forbid}},
	"GET /staff":                            {"/staff", nil, expect{see, forbid, ok, ok}},
	"GET /admin":                            {"/admin", nil, expect{see, forbid, forbid, ok}},
	"GET /admin/outbox":                     {"/admin/outbox", nil, expect{see, forbid, forbid, ok}},
	"GET /admin/outbox/{id}":                {"/admin/outbox/{outbox}", nil, expect{see, forbid, forbid, ok}},
	"POST /admin/outbox/test": {"/admin/outbox/test", url.Values{"to": {"check@example.com"}},
		expect{see, forbid, forbid, see}},
	"GET /admin/audit": {"/admin/audit", nil, expect{see, forbid, forbid, ok}},

	// Requests: ID documents (docs). A request that is not the customer's
	// is not found; without a session pass the public page sends the
	// visitor to the status page; only staff reach the viewer
	// (web/documents_test.go checks another customer's real request).
	"GET /account/requests/{id}/document":      {"/account/requests/999999/document", nil, expect{see, notFound, forbid, forbid}},
	"POST /account/requests/{id}/document":     {"/account/requests/999999/document", nil, expect{see, notFound, forbid, forbid}},
	"GET /requests/status/{id}/document":       {"/requests/status/999999/document", nil, expect{see, see, see, see}},
	"POST /requests/status/{id}/document":      {"/requests/status/999999/document", nil, expect{see, see, see, see}},
	"GET /requests/status/{id}/permission":     {"/requests/status/999999/permission", nil, expect{see, see, see, see}},
	"POST /requests/status/{id}/permission":    {"/requests/status/999999/permission", nil, expect{see, see, see, see}},
	"GET /staff/requests/{id}/documents/{doc}": {"/staff/requests/999999/documents/1", nil, expect{see, forbid, notFound, notFound}},
	// Requests, fulfil: the rectification form (an invalid phone is
	// refused beside the field) and the staff customer page; a hold or
	// restriction id of nobody is not found.
	"GET /account/requests/new/rectification": {"/account/requests/new/rectification?category=profile&field=phone", nil, expect{see, ok, forbid, forbid}},
	"POST /account/requests/new/rectification": {"/account/requests/new/rectification",
		url.Values{"category": {"profile"}, "field": {"phone"}, "proposed": {"not a phone"}}, expect{see, invalid, forbid, forbid}},
	"GET /staff/customers":                                       {"/staff/customers?q=example", nil, expect{see, forbid, ok, ok}},
	"POST /staff/customers":                                      {"/staff/customers", url.Values{"q": {"example"}}, expect{see, forbid, ok, ok}},
	"GET /staff/customers/{id}":                                  {"/staff/customers/{victim}", nil, expect{see, forbid, ok, ok}},
	"POST /staff/customers/{id}/holds":                           {"/staff/customers/{victim}/holds", url.Values{"reason": {""}}, expect{see, forbid, invalid, invalid}},
	"POST /staff/customers/{id}/holds/{hold}/release":            {"/staff/customers/{victim}/holds/0/release", url.Values{"reason": {"paid"}}, expect{see, forbid, notFound, notFound}},
	"POST /staff/customers/{id}/restrictions/{restriction}/lift": {"/staff/customers/{victim}/restrictions/0/lift", nil, expect{see, forbid, notFound, notFound}},
	// Issue 10, intake: the customer's requests (a number nobody has is
	// not found, like another's), and the public pages, which answer the
	// same for every number and show nothing without the session's pass.
	"GET /account/requests":              {"/account/requests", nil, expect{see, ok, forbid, forbid}},
	"GET /account/requests/new":          {"/account/requests/new", nil, expect{see, ok, forbid, forbid}},
	"POST /account/requests/new":         {"/account/requests/new", url.Values{"kind": {"nonsense"}}, expect{see, invalid, forbid, forbid}},
	"GET /account/requests/{id}":         {"/account/requests/987654321", nil, expect{see, notFound, forbid, forbid}},
	"POST /account/requests/{id}/cancel": {"/account/requests/987654321/cancel", url.Values{"confirm": {"yes"}}, expect{see, notFound, forbid, forbid}},
	"POST /account/requests/{id}/reply":  {"/account/requests/987654321/reply", url.Values{"body": {"hello"}}, expect{see, notFound, forbid, forbid}},
	"GET /requests/new":                  {"/requests/new", nil, expect{ok, ok, ok, ok}},
	"POST /requests/new":                 {"/requests/new", url.Values{"email": {"not-an-address"}}, expect{invalid, invalid, invalid, invalid}},
	"GET /requests/verify/{id}":          {"/requests/verify/987654321", nil, expect{ok, ok, ok, ok}},
	"POST /requests/verify/{id}":         {"/requests/verify/987654321", url.Values{"code": {"123456"}}, expect{invalid, invalid, invalid, invalid}},
	"POST /requests/verify/{id}/resend":  {"/requests/verify/987654321/resend", nil, expect{see, see, see, see}},
	"GET /requests/check/{id}":           {"/requests/check/987654321", nil, expect{see, see, see, see}},
	"POST /requests/check/{id}":          {"/requests/check/987654321", url.Values{"phone": {"0612345678"}}, expect{see, see, see, see}},
	"GET /requests/received/{id}":        {"/requests/received/987654321", nil, expect{see, see, see, see}},
	"GET /requests/status/{id}":          {"/requests/status/987654321", nil, expect{ok, ok, ok, ok}},
	"POST /requests/status/{id}/send":    {"/requests/status/987654321/send", nil, expect{see, see, see, see}},
	"POST /requests/status/{id}/code":    {"/requests/status/987654321/code", url.Values{"code": {"123456"}}, expect{invalid, invalid, invalid, invalid}},
	"POST /requests/status/{id}/reply":   {"/requests/status/987654321/reply", url.Values{"body": {"hello"}}, expect{see, see, see, see}},
	"POST /requests/status/{id}/cancel":  {"/requests/status/987654321/cancel", url.Values{"confirm": {"yes"}}, expect{see, see, see, see}},
	// Issue 13, the erasure engine: retained invoices (staff; a number
	// nobody has is not found) and the strategies (admins; a bad choice is
	// refused beside the field).
	"GET /staff/retained-invoices":      {"/staff/retained-invoices?number=INV", nil, expect{see, forbid, ok, ok}},
	"GET /staff/retained-invoices/{id}": {"/staff/retained-invoices/987654321", nil, expect{see, forbid, notFound, notFound}},
	"GET /admin/erasure":                {"/admin/erasure", nil, expect{see, forbid, forbid, ok}},
	"POST /admin/erasure/{category}":    {"/admin/erasure/photos", url.Values{"strategy": {"retain"}}, expect{see, forbid, forbid, invalid}},
}

func TestAuthorizationMatrix(t *testing.T) {
	eachDB(t, func(t *testing.T, p *portal) {
		outbox := models.OutboxMessage{ToAddress: "someone@example.com", Template: "test", Locale: "en",
			Subject: "s", TextBody: "t", HTMLBody: "h", Status: models.OutboxHeld}
		if err := p.DB().Create(&outbox).Error; err != nil {
			t.Fatal(err)
		}
		// A session of a customer who is not the demo "customer" login.
		var victim models.User
		if err := p.DB().Where("role = ? AND email <> ?", "customer", p.logins["customer"].Email).Take(&victim).Error; err != nil {
			t.Fatal(err)
		}
		victimSession := models.Session{TokenHash: strings.Repeat("ab", 32), UserID: &victim.ID,
			LastSeenAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
		if err := p.DB().Create(&victimSession).Error; err != nil {
			t.Fatal(err)
		}
		var victimPhoto models.Photo
		if err := p.DB().Where("user_id = ?", victim.ID).Take(&victimPhoto).Error; err != nil {
			t.Fatalf("the other demo customer has no photo: %v", err)
		}
		deadJob := models.Job{Kind: "test.kind", Status: models.JobDead, RunAt: time.Now(), Attempts: 1, MaxAttempts: 1}
		if err := p.DB().Create(&deadJob).Error; err != nil {
			t.Fatal(err)
		}
		var staff models.User
		if err := p.DB().Where("role = ?", "staff").Take(&staff).Error; err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{
			"{outbox}":         strconv.FormatInt(outbox.ID, 10),
			"{victim_session}": strconv.FormatInt(victimSession.ID, 10),
			"{staff}":          strconv.FormatInt(staff.ID, 10),
			"{victim_photo}":   strconv.FormatInt(victimPhoto.ID, 10),
			"{dead_job}":       strconv.FormatInt(deadJob.ID, 10),
			"{victim}":         strconv.FormatInt(victim.ID, 10),
		}

		seen := map[string]bool{}
		for _, rt := range p.Routes() {
			key := rt.Method + " " + rt.Pattern
			seen[key] = true
			row, ok := matrix[key]
			if !ok {
				t.Errorf("route %s is not in the authorization matrix", key)
				continue
			}
			path := row.path
			for k, v := range ids {
				path = strings.ReplaceAll(path, k, v)
			}
			for _, who := range []struct {
				role string
				want int
			}{{"", row.want.anon}, {"customer", row.want.customer}, {"staff", row.want.staff}, {"admin", row.want.admin}} {
				c := p.signedIn(t, who.role)
				var res *http.Response
				if rt.Method == "GET" {
					res, _ = p.get(t, c, path)
				} else {
					res = p.post(t, c, path, row.form)
				}
				if res.StatusCode != who.want {
					t.Errorf("%s as %q: status %d, want %d", key, who.role, res.StatusCode, who.want)
				}
				// Every response, whatever its status, carries the security headers.
				if h := res.Header; !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
					h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
					t.Errorf("%s as %q: security headers missing: %v", key, who.role, h)
				}
				if who.role == "" && who.want == see && row.want.customer != see && !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
					t.Errorf("%s anonymous: redirected to %q, want /signin", key, res.Header.Get("Location"))
				}
			}
		}
		for key := range matrix {
			if !seen[key] {
				t.Errorf("matrix row %s names no registered route", key)
			}
		}
		p.DB().Take(&deadJob, deadJob.ID)
		if deadJob.Status != models.JobQueued || deadJob.Attempts != 0 {
			t.Errorf("admin retry left the job %s with %d attempts", deadJob.Status, deadJob.Attempts)
		}
		if err := p.DB().Take(&models.Session{}, victimSession.ID).Error; err != nil {
			t.Errorf("another customer's session was ended: %v", err)
		}
	})
}
