package requests

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// The whole life of each kind of request, through the service calls the
// pages make, one after the other as people would: the seams between
// intake, the desk, fulfilment, documents and the mails.

type lifeEnv struct {
	*intakeEnv
	staff actor.Actor
}

func newLifeEnv(t *testing.T, db *dbtest.DB) *lifeEnv {
	t.Helper()
	e := newIntakeEnv(t, db)
	v, err := vault.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.s.Vault = v
	u := models.User{Email: "sam@shop.test", Role: models.RoleStaff, Name: "Sam Staff", Locale: "en"}
	if err := db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	return &lifeEnv{intakeEnv: e, staff: actor.Actor{Kind: actor.Staff, UserID: u.ID, IP: "192.0.2.1"}}
}

// mails are the templates queued to address, in order.
func (e *lifeEnv) mails(t *testing.T, to string) []string {
	t.Helper()
	var out []string
	if err := e.db.Model(&models.OutboxMessage{}).Where("to_address = ?", to).Order("id").Pluck("template", &out).Error; err != nil {
		t.Fatal(err)
	}
	return out
}

func (e *lifeEnv) timeline(t *testing.T, id int64) []string {
	t.Helper()
	var evs []models.RequestEvent
	if err := e.db.Where("request_id = ?", id).Order("id").Find(&evs).Error; err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Action+"/"+ev.ActorKind)
	}
	return out
}

func (e *lifeEnv) status(t *testing.T, id int64, want models.RequestStatus) models.PrivacyRequest {
	t.Helper()
	r := e.reload(t, id)
	if r.Status != want {
		t.Fatalf("request %d is %s, want %s", id, r.Status, want)
	}
	return r
}

func (e *lifeEnv) audits(t *testing.T, action string, id int64) int64 {
	t.Helper()
	var n int64
	if err := e.db.Model(&models.AuditEntry{}).Where("action = ? AND target_id = ?", action, strconv.FormatInt(id, 10)).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLifeOfAnAccessRequest(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestAccess})
		if err != nil {
			t.Fatal(err)
		}
		got := e.status(t, r.ID, models.StatusInReview)
		if got.VerificationMethod != settings.VerifySession || got.VerifiedAt == nil || got.StaffNotifiedAt == nil {
			t.Fatalf("verified by the session: %+v", got)
		}
		if staff := e.mails(t, "sam@shop.test"); !slices.Equal(staff, []string{MailStaffNew}) {
			t.Errorf("staff mails = %v", staff)
		}
		if err := e.s.Approve(ctx, e.staff, r.ID); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusWaitingFulfilment)
		if tl := e.timeline(t, r.ID); !slices.Equal(tl, []string{"file/requester", "verify/system", "approve/staff", "hand_off/system"}) {
			t.Errorf("timeline = %v", tl)
		}
		// One mail per thing the requester should know: received, verified,
		// approved and being carried out (one mail, not "approved" twice).
		if m := e.mails(t, zoe.Email); !slices.Equal(m, []string{MailReceived, MailUpdate, MailUpdate}) {
			t.Errorf("requester mails = %v", m)
		}
		for _, a := range []string{"request.file", "request.verify", "request.approve", "request.hand_off"} {
			if e.audits(t, a, r.ID) != 1 {
				t.Errorf("%s audited %d times", a, e.audits(t, a, r.ID))
			}
		}
	})
}

func TestLifeOfARectification(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestRectification,
			Corrections: []models.RequestCorrection{{Category: holdings.KeyProfile, Field: "phone", ProposedValue: "06 98 76 54 32", Reason: "new number"}}})
		if err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusInReview)
		var cs []models.RequestCorrection
		db.Where("request_id = ?", r.ID).Find(&cs)
		if len(cs) != 1 || cs[0].CurrentValue != "+33612345678" {
			t.Fatalf("corrections as filed = %+v", cs)
		}
		if err := e.s.Approve(ctx, e.staff, r.ID); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusCompleted)
		var p models.Profile
		db.Where("user_id = ?", zoe.ID).Take(&p)
		if p.Phone != "+33698765432" {
			t.Errorf("phone = %q", p.Phone)
		}
		var changes []models.ProfileChange
		db.Where("user_id = ? AND field = ?", zoe.ID, "phone").Find(&changes)
		if len(changes) != 1 || changes[0].RequestID == nil || *changes[0].RequestID != r.ID || changes[0].ActorKind != "staff" {
			t.Errorf("history = %+v", changes)
		}
		db.Where("request_id = ?", r.ID).Find(&cs)
		if len(cs) != 1 || cs[0].AppliedAt == nil {
			t.Errorf("correction not marked applied: %+v", cs)
		}
		if m := e.mails(t, zoe.Email); !slices.Equal(m, []string{MailReceived, MailUpdate, MailCompleted}) {
			t.Errorf("requester mails = %v", m)
		}
		if n := e.audits(t, "request.correction_applied", r.ID); n != 1 {
			t.Errorf("correction audited %d times", n)
		}
	})
}

func TestLifeOfARestriction(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestRestriction,
			Categories: []string{holdings.KeyPhotos, holdings.KeySurveys}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.Approve(ctx, e.staff, r.ID); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusCompleted)
		var rows []models.Restriction
		db.Where("request_id = ?", r.ID).Order("id").Find(&rows)
		if len(rows) != 2 || rows[0].Category != holdings.KeyPhotos || rows[1].Category != holdings.KeySurveys || rows[0].UserID != zoe.ID {
			t.Fatalf("restrictions = %+v", rows)
		}
		for _, c := range []string{holdings.KeyPhotos, holdings.KeySurveys} {
			if ok, _ := e.s.IsRestricted(ctx, zoe.ID, c); !ok {
				t.Errorf("%s not restricted", c)
			}
		}
		if ok, _ := e.s.IsRestricted(ctx, zoe.ID, holdings.KeyOrders); ok {
			t.Error("orders restricted too")
		}
		before := len(e.mails(t, zoe.Email))
		if err := e.s.LiftRestriction(ctx, e.staff, rows[0].ID); err != nil {
			t.Fatal(err)
		}
		m := e.mails(t, zoe.Email)
		if len(m) != before+1 || m[len(m)-1] != "restriction_lift" {
			t.Fatalf("mails after the announcement = %v", m)
		}
		if ok, _ := e.s.IsRestricted(ctx, zoe.ID, holdings.KeyPhotos); !ok {
			t.Error("lifted before the notice ran")
		}
		e.clock.advance(settings.RequestLiftNotice.Get(nil))
		if n, err := e.s.LiftDue(ctx); n != 1 || err != nil {
			t.Fatalf("LiftDue = %d, %v", n, err)
		}
		if ok, _ := e.s.IsRestricted(ctx, zoe.ID, holdings.KeyPhotos); ok {
			t.Error("photos still restricted")
		}
		if ok, _ := e.s.IsRestricted(ctx, zoe.ID, holdings.KeySurveys); !ok {
			t.Error("surveys lifted with photos")
		}
	})
}

func TestLifeOfAnObjectionToMarketing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestObjection, ObjectionGround: models.ObjectMarketing})
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != models.StatusCompleted {
			t.Errorf("returned as %s", r.Status)
		}
		e.status(t, r.ID, models.StatusCompleted)
		var objs []models.MarketingObjection
		db.Where("request_id = ?", r.ID).Find(&objs)
		if len(objs) != 1 || objs[0].UserID == nil || *objs[0].UserID != zoe.ID || objs[0].Email != zoe.Email {
			t.Errorf("objections = %+v", objs)
		}
		if tl := e.timeline(t, r.ID); !slices.Equal(tl, []string{"file/requester", "verify/system", "approve/system", "complete/system"}) {
			t.Errorf("timeline = %v", tl)
		}
		if m := e.mails(t, zoe.Email); !slices.Contains(m, MailCompleted) || slices.Index(m, MailCompleted) != len(m)-1 {
			t.Errorf("requester mails = %v", m)
		}
		var rs int64
		db.Model(&models.Restriction{}).Where("request_id = ?", r.ID).Count(&rs)
		if rs != 0 {
			t.Errorf("%d restrictions for a marketing objection", rs)
		}
	})
}

func TestLifeOfAnObjectionOnLegitimateInterests(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestObjection,
			ObjectionGround: models.ObjectLegitimate, Details: "my situation", Categories: []string{holdings.KeySurveys}})
		if err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusInReview)
		if ok, _ := e.s.IsRestricted(ctx, zoe.ID, holdings.KeySurveys); !ok {
			t.Fatal("not restricted while weighed")
		}
		if err := e.s.Deny(ctx, e.staff, r.ID, "other", "Compelling legitimate grounds: the survey is required by law."); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusDenied)
		var rows []models.Restriction
		db.Where("request_id = ?", r.ID).Find(&rows)
		if len(rows) != 1 || rows[0].LiftNoticeAt == nil || rows[0].LiftedAt != nil {
			t.Fatalf("restrictions after the denial = %+v", rows)
		}
		m := e.mails(t, zoe.Email)
		if !slices.Contains(m, MailDenied) || !slices.Contains(m, "restriction_lift") {
			t.Errorf("requester mails = %v", m)
		}
		e.clock.advance(settings.RequestLiftNotice.Get(nil))
		if n, err := e.s.LiftDue(ctx); n != 1 || err != nil {
			t.Fatalf("LiftDue = %d, %v", n, err)
		}
		if ok, _ := e.s.IsRestricted(ctx, zoe.ID, holdings.KeySurveys); ok {
			t.Error("still restricted after the lifting")
		}
	})
}

func TestLifeOfAPublicRequestWithADocument(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		r, err := e.s.FilePublic(ctx, visitor, PublicFiling{Name: "Zoé", Email: "zoe@example.com", Kind: models.RequestAccess})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.ConfirmEmail(ctx, visitor, r.ID, e.lastCode(t, "zoe@example.com")); err != nil {
			t.Fatal(err)
		}
		e.clock.advance(24 * time.Hour)
		if err := e.s.CheckKnowledge(ctx, visitor, r.ID, Answers{OrderNumber: "PL-zoe", DeliveryPostalCode: "75011",
			Phone: "06 12 34 56 78", Declared: true}); err != nil {
			t.Fatal(err)
		}
		got := e.status(t, r.ID, models.StatusInReview)
		if got.UserID == nil || *got.UserID != zoe.ID || got.PausedAt != nil {
			t.Fatalf("after the knowledge check: %+v", got)
		}
		dueAfterCheck := got.DueAt
		if staff := e.mails(t, "sam@shop.test"); len(staff) != 1 {
			t.Fatalf("staff mails after verification = %v", staff)
		}

		if err := e.s.RequireDocument(ctx, e.staff, r.ID, "the order was delivered to a parcel shop"); err != nil {
			t.Fatal(err)
		}
		got = e.status(t, r.ID, models.StatusAwaitingVerification)
		if got.PausedAt == nil {
			t.Fatal("the clock runs while the document is owed")
		}
		if p, err := e.s.PublicProgress(ctx, r.ID); err != nil || p.Step != StepDocument {
			t.Fatalf("progress = %+v, %v", p, err)
		}
		doc, err := e.s.AttachDocument(ctx, visitor, r.ID, models.DocumentIdentity, bytes.NewReader(fixtureJPEG(t)))
		if err != nil {
			t.Fatal(err)
		}
		e.clock.advance(3 * 24 * time.Hour)
		if err := e.s.VerifyIdentity(ctx, e.staff, r.ID, "the photo matches"); err != nil {
			t.Fatal(err)
		}
		got = e.status(t, r.ID, models.StatusInReview)
		if got.PausedAt != nil || !got.DueAt.Equal(dueAfterCheck.Add(3*24*time.Hour)) {
			t.Errorf("the clock: paused %v, due %v, want %v", got.PausedAt, got.DueAt, dueAfterCheck.Add(3*24*time.Hour))
		}
		if got.VerificationMethod != settings.VerifyDocument {
			t.Errorf("evidence says %q, want %q: the knowledge check was doubted", got.VerificationMethod, settings.VerifyDocument)
		}
		var d models.RequestDocument
		db.Take(&d, doc.ID)
		if d.DestroyedAt == nil || d.FileKey != "" {
			t.Errorf("document not destroyed at the decision: %+v", d)
		}
		if _, err := e.s.Vault.Get(doc.FileKey); err == nil {
			t.Error("the file is still in the vault")
		}
		// Staff heard of the request once, when it first entered review.
		if staff := e.mails(t, "sam@shop.test"); len(staff) != 1 {
			t.Errorf("staff mails = %v", staff)
		}
		if n := e.audits(t, "request.document_destroyed", r.ID); n != 1 {
			t.Errorf("destruction audited %d times", n)
		}
	})
}

func TestLifeOfAnErasureUnderAHold(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		if _, err := e.s.PlaceHold(ctx, e.staff, zoe.ID, []string{holdings.KeyOrders}, "unsettled debt"); err != nil {
			t.Fatal(err)
		}
		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestErasure})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.Approve(ctx, e.staff, r.ID); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusWaitingFulfilment)
		// The requester is told what is kept, by category, in their
		// language, on the timeline and in the mail; never the reason.
		var ev models.RequestEvent
		db.Where("request_id = ? AND action = ?", r.ID, string(ActHandOff)).Take(&ev)
		if !strings.Contains(ev.Note, "orders") && !strings.Contains(ev.Note, "ommandes") {
			t.Errorf("hand-off note = %q, want the held category", ev.Note)
		}
		if strings.Contains(ev.Note, "unsettled debt") || strings.Contains(ev.Note, "photos") {
			t.Errorf("hand-off note = %q: the reason or a category not held", ev.Note)
		}
		var last models.OutboxMessage
		db.Where("to_address = ?", zoe.Email).Order("id DESC").Take(&last)
		if !strings.Contains(last.TextBody, ev.Note) {
			t.Errorf("the hand-off mail does not say what is kept: %q", last.TextBody)
		}
		erase, keep, err := e.s.ErasurePlan(ctx, zoe.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(keep, []string{holdings.KeyOrders}) {
			t.Errorf("keep = %v", keep)
		}
		var all []string
		for _, c := range holdings.Entries() {
			if c.Key() != holdings.KeyOrders {
				all = append(all, c.Key())
			}
		}
		if !slices.Equal(erase, all) {
			t.Errorf("erase = %v, want %v", erase, all)
		}
	})
}

// An agent's signed permission stays while the request is open and goes
// when it closes: an approval that completes the request closes it too.
func TestApprovalThatCompletesDestroysTheDocuments(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		now := e.clock.now()
		r := models.PrivacyRequest{UserID: &zoe.ID, Kind: models.RequestRestriction, Status: models.StatusInReview,
			Channel: models.ChannelAgent, Jurisdiction: models.JurisdictionGDPR, RequesterEmail: zoe.Email, Locale: "fr",
			AgentName: "Agent", AgentEmail: "agent@example.com", ReceivedAt: now, FirstDueAt: FirstDue(models.JurisdictionGDPR, now),
			DueAt: FirstDue(models.JurisdictionGDPR, now)}
		if err := db.Create(&r).Error; err != nil {
			t.Fatal(err)
		}
		key, err := e.s.Vault.Put([]byte("%PDF-1.4 permission"))
		if err != nil {
			t.Fatal(err)
		}
		doc := models.RequestDocument{RequestID: r.ID, Purpose: models.DocumentAgentPermission, FileKey: key,
			ContentType: "application/pdf", SizeBytes: 19, UploadedAt: now}
		if err := db.Create(&doc).Error; err != nil {
			t.Fatal(err)
		}
		if err := e.s.Approve(ctx, e.staff, r.ID); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusCompleted)
		var d models.RequestDocument
		db.Take(&d, doc.ID)
		if d.DestroyedAt == nil {
			t.Errorf("the permission outlived the request: %+v", d)
		}
	})
}

// An objection on legitimate interests withdrawn, or found a duplicate,
// ends the restriction placed while it was weighed, announced first
// (Art. 18(3)), as a denial does.
func TestObjectionWithdrawnEndsItsInterimRestriction(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		file := func(t *testing.T) models.PrivacyRequest {
			t.Helper()
			r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestObjection,
				ObjectionGround: models.ObjectLegitimate, Details: "my situation", Categories: []string{holdings.KeySurveys}})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		announced := func(t *testing.T, id int64) {
			t.Helper()
			var rows []models.Restriction
			db.Where("request_id = ?", id).Find(&rows)
			if len(rows) != 1 || rows[0].LiftNoticeAt == nil {
				t.Errorf("restriction of %d = %+v, want its lifting announced", id, rows)
			}
		}
		r := file(t)
		if err := e.s.Cancel(ctx, customerActor(zoe), r.ID); err != nil {
			t.Fatal(err)
		}
		announced(t, r.ID)

		doubted := file(t)
		if err := e.s.RequireDocument(ctx, e.staff, doubted.ID, "the account's address differs"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.RejectIdentity(ctx, e.staff, doubted.ID, "no document came"); err != nil {
			t.Fatal(err)
		}
		announced(t, doubted.ID)

		first := file(t)
		// A second one, filed on the public form and linked to her by the
		// knowledge check, is a duplicate staff close.
		now := e.clock.now()
		second := models.PrivacyRequest{UserID: &zoe.ID, Kind: models.RequestObjection, ObjectionGround: models.ObjectLegitimate,
			Status: models.StatusInReview, Channel: models.ChannelPublic, Jurisdiction: models.JurisdictionGDPR,
			RequesterEmail: zoe.Email, Locale: "fr", ReceivedAt: now, FirstDueAt: now.AddDate(0, 1, 0), DueAt: now.AddDate(0, 1, 0)}
		if err := db.Create(&second).Error; err != nil {
			t.Fatal(err)
		}
		if err := tx(t, e.s, func(tx *gorm.DB) error { return e.s.restrict(tx, e.staff, &second, groundObjection, "") }); err != nil {
			t.Fatal(err)
		}
		if err := e.s.MarkDuplicate(ctx, e.staff, second.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		announced(t, second.ID)
		var stays []models.Restriction
		db.Where("request_id = ? AND lift_notice_at IS NULL", first.ID).Find(&stays)
		if len(stays) != 1 {
			t.Errorf("the first objection's restriction = %+v, want it kept", stays)
		}
	})
}

// Staff's question reaches the requester's mail (the desk writes it to
// the thread, the mail reads it there), and their answer brings the
// request back to review without a mail about their own message.
func TestAskedQuestionIsInTheMail(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestAccess})
		if err != nil {
			t.Fatal(err)
		}
		const q = "Which of your two accounts do you mean?"
		if err := e.s.Ask(ctx, e.staff, r.ID, q); err != nil {
			t.Fatal(err)
		}
		var m models.OutboxMessage
		db.Where("to_address = ? AND template = ?", zoe.Email, MailQuestion).Take(&m)
		if !strings.Contains(m.TextBody, q) || !strings.Contains(m.HTMLBody, "Which of your two accounts") {
			t.Errorf("the question mail lacks the question: %q", m.TextBody)
		}
		before := len(e.mails(t, zoe.Email))
		if err := e.s.Reply(ctx, customerActor(zoe), r.ID, "The one with the photos."); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusInReview)
		if n := len(e.mails(t, zoe.Email)); n != before {
			t.Errorf("%d mails about the requester's own answer", n-before)
		}
	})
}

// A rectification from the public form names no fields: approved, it
// waits for staff to correct by hand and complete it, and the requester
// hears of the approval, then of the completion.
func TestFreeTextRectificationWaitsForStaff(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		r, err := e.s.FilePublic(ctx, visitor, PublicFiling{Name: "Zoé", Email: zoe.Email, Kind: models.RequestRectification,
			Details: "My surname is misspelt on my invoices"})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.ConfirmEmail(ctx, visitor, r.ID, e.lastCode(t, zoe.Email)); err != nil {
			t.Fatal(err)
		}
		if err := e.s.CheckKnowledge(ctx, visitor, r.ID, Answers{OrderNumber: "PL-zoe", DeliveryPostalCode: "75011",
			Phone: "0612345678", Declared: true}); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusInReview)
		before := len(e.mails(t, zoe.Email))
		if err := e.s.Approve(ctx, e.staff, r.ID); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusApproved)
		if m := e.mails(t, zoe.Email); len(m) != before+1 || m[len(m)-1] != MailUpdate {
			t.Errorf("mails after the approval = %v", m[before:])
		}
		if err := e.s.Complete(ctx, e.staff, r.ID, "Corrected on your invoices."); err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusCompleted)
		if m := e.mails(t, zoe.Email); m[len(m)-1] != MailCompleted {
			t.Errorf("mails = %v", m)
		}
	})
}

// A question cannot carry an unverified request into review: staff ask
// only once the identity is decided, and before that they write in the
// thread, which leaves the request where it is.
func TestAnswerDoesNotSkipVerification(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newLifeEnv(t, db)
		ctx := context.Background()
		e.setting(t, "requests.verify.portal.erasure", settings.VerifyDocument)
		zoe := e.customer(t, "zoe@example.com")
		r, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestErasure})
		if err != nil {
			t.Fatal(err)
		}
		e.status(t, r.ID, models.StatusAwaitingVerification)
		if err := e.s.Ask(ctx, e.staff, r.ID, "Is this your only account?"); !errors.Is(err, ErrWrongState) {
			t.Fatalf("a question before verification: %v", err)
		}
		if _, err := e.s.StaffMessage(ctx, e.staff, r.ID, "Is this your only account?"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.Reply(ctx, customerActor(zoe), r.ID, "Yes."); err != nil {
			t.Fatal(err)
		}
		if got := e.status(t, r.ID, models.StatusAwaitingVerification); got.VerifiedAt != nil {
			t.Errorf("verified by an answer: %+v", got)
		}
		if err := e.s.Approve(ctx, e.staff, r.ID); !errors.Is(err, ErrWrongState) {
			t.Errorf("approved without verification: %v", err)
		}
	})
}
