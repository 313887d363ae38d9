package requests

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
)

func wrongCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func TestPublicFilingAndKnowledgeCheck(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newIntakeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")

		if _, err := e.s.FilePublic(ctx, visitor, PublicFiling{Name: "", Email: "nope", Kind: models.RequestErasure}); len(fault.FieldsOf(err)) != 2 {
			t.Fatalf("invalid public filing: %v", fault.FieldsOf(err))
		}
		r, err := e.s.FilePublic(ctx, visitor, PublicFiling{Name: "Zoé", Email: " Zoe@Example.com ", Kind: models.RequestErasure,
			Details: "Remove my photos", AgentName: "Agent Smith", AgentEmail: "agent@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, r.ID)
		if got.Status != models.StatusAwaitingVerification || got.Channel != models.ChannelAgent || got.UserID != nil ||
			got.RequesterEmail != "zoe@example.com" || got.AgentEmail != "agent@example.com" || got.PausedAt == nil {
			t.Fatalf("filed: %+v", got)
		}
		var agentMails int64
		db.Model(&models.OutboxMessage{}).Where("to_address = ?", "agent@example.com").Count(&agentMails)
		if agentMails != 0 {
			t.Error("the agent got a mail; the code goes to the person")
		}
		code := e.lastCode(t, "zoe@example.com")
		if err := e.s.CheckKnowledge(ctx, visitor, r.ID, Answers{OrderNumber: "PL-zoe", DeliveryPostalCode: "75011"}); !errors.Is(err, ErrWrongState) {
			t.Fatalf("knowledge before the email: %v", err)
		}
		if err := e.s.ConfirmEmail(ctx, visitor, r.ID, wrongCode(code)); !errors.Is(err, ErrCodeInvalid) {
			t.Fatalf("wrong code: %v", err)
		}
		if err := e.s.ConfirmEmail(ctx, visitor, r.ID, code); err != nil {
			t.Fatal(err)
		}
		if err := e.s.ConfirmEmail(ctx, visitor, r.ID, code); !errors.Is(err, ErrCodeInvalid) {
			t.Fatalf("code reused: %v", err)
		}
		if got := e.reload(t, r.ID); got.EmailVerifiedAt == nil {
			t.Fatal("email not confirmed")
		}
		// A wrong answer, then the right one.
		if err := e.s.CheckKnowledge(ctx, visitor, r.ID, Answers{OrderNumber: "PL-zoe", DeliveryPostalCode: "99999"}); !errors.Is(err, ErrKnowledgeFailed) {
			t.Fatalf("wrong answer: %v", err)
		}
		e.clock.advance(48 * time.Hour)
		if err := e.s.CheckKnowledge(ctx, visitor, r.ID, Answers{OrderNumber: "pl-zoe", DeliveryPostalCode: "75 011"}); err != nil {
			t.Fatal(err)
		}
		// Filed by an agent, it waits for staff to judge the permission.
		got = e.reload(t, r.ID)
		if got.Status != models.StatusAwaitingVerification || got.UserID == nil || *got.UserID != zoe.ID || got.PausedAt == nil {
			t.Fatalf("an agent's request after the check: %+v", got)
		}
		if p, err := e.s.PublicProgress(ctx, r.ID); err != nil || p.Step != StepAgent {
			t.Fatalf("progress = %+v, %v", p, err)
		}
		staff := models.User{Email: "sam@shop.test", Role: models.RoleStaff, Name: "Sam"}
		if err := db.Create(&staff).Error; err != nil {
			t.Fatal(err)
		}
		if err := e.s.VerifyIdentity(ctx, actor.Actor{Kind: actor.Staff, UserID: staff.ID}, r.ID, ""); err != nil {
			t.Fatal(err)
		}
		got = e.reload(t, r.ID)
		if got.Status != models.StatusInReview || got.UserID == nil || *got.UserID != zoe.ID || got.VerificationMethod != "knowledge" ||
			got.VerificationNote != PointOrder || got.PausedAt != nil || !got.DueAt.Equal(got.FirstDueAt.Add(48*time.Hour)) {
			t.Fatalf("verified: %+v", got)
		}
		if strings.Contains(got.VerificationNote, "75011") {
			t.Error("the evidence holds a value")
		}
		if err := e.s.CheckKnowledge(ctx, visitor, r.ID, Answers{}); !errors.Is(err, ErrWrongState) {
			t.Fatalf("check after verification: %v", err)
		}
	})
}

// confirmed files a public request for email and proves the email.
func (e *intakeEnv) confirmed(t *testing.T, email string, kind models.RequestKind) models.PrivacyRequest {
	t.Helper()
	ctx := context.Background()
	r, err := e.s.FilePublic(ctx, visitor, PublicFiling{Name: "Someone", Email: email, Kind: kind, Details: "please"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.ConfirmEmail(ctx, visitor, r.ID, e.lastCode(t, email)); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestKnowledgeCheckSameAnswerWithoutAccount: an email without an account
// fails exactly like a wrong answer, and both lock after three attempts.
func TestKnowledgeCheckSameAnswerWithoutAccount(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newIntakeEnv(t, db)
		ctx := context.Background()
		e.customer(t, "zoe@example.com")
		withAccount := e.confirmed(t, "zoe@example.com", models.RequestErasure)
		without := e.confirmed(t, "ghost@example.com", models.RequestErasure)
		wrong := Answers{OrderNumber: "PL-zoe", DeliveryPostalCode: "00000"}
		for i := 1; i <= knowledgeAttempts+1; i++ {
			want := ErrKnowledgeFailed
			if i > knowledgeAttempts {
				want = ErrKnowledgeLocked
			}
			for _, id := range []int64{withAccount.ID, without.ID} {
				if err := e.s.CheckKnowledge(ctx, visitor, id, wrong); !errors.Is(err, want) {
					t.Fatalf("attempt %d on %d: %v, want %v", i, id, err, want)
				}
			}
		}
		// Locked: even the right answer waits for staff now.
		if err := e.s.CheckKnowledge(ctx, visitor, withAccount.ID, Answers{OrderNumber: "PL-zoe", DeliveryPostalCode: "75011"}); !errors.Is(err, ErrKnowledgeLocked) {
			t.Fatalf("after the limit: %v", err)
		}
		if got := e.reload(t, withAccount.ID); got.Status != models.StatusAwaitingVerification || got.UserID != nil {
			t.Fatalf("locked request: %+v", got)
		}
		var audits int64
		db.Model(&models.AuditEntry{}).Where("action = ?", "request.knowledge_checked").Count(&audits)
		if audits != 2*knowledgeAttempts {
			t.Errorf("knowledge audits = %d", audits)
		}
	})
}

func TestKnowledgeCheckLevels(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newIntakeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		// Access is "strict" by default: the declaration and three points.
		acc := e.confirmed(t, "zoe@example.com", models.RequestAccess)
		three := Answers{Phone: "06 12 34 56 78", BirthDate: "1990-04-01", Last4: "4242"}
		if err := e.s.CheckKnowledge(ctx, visitor, acc.ID, three); !errors.Is(err, ErrDeclarationRequired) {
			t.Fatalf("no declaration: %v", err)
		}
		three.Declared = true
		if err := e.s.CheckKnowledge(ctx, visitor, acc.ID, three); err != nil {
			t.Fatal(err)
		}
		got := e.reload(t, acc.ID)
		if got.VerificationMethod != "strict" || got.DeclaredAt == nil || got.Status != models.StatusInReview ||
			got.VerificationNote != "phone, birth_date, payment_last4" {
			t.Fatalf("strict: %+v", got)
		}
		// A rule asking for a document: the check passes, then the upload.
		e.setting(t, "requests.verify.public.erasure", settings.VerifyDocument)
		er := e.confirmed(t, "zoe@example.com", models.RequestErasure)
		if err := e.s.CheckKnowledge(ctx, visitor, er.ID, three); err != nil {
			t.Fatal(err)
		}
		got = e.reload(t, er.ID)
		if got.Status != models.StatusAwaitingVerification || !got.DocumentRequired || got.UserID == nil || *got.UserID != zoe.ID || got.PausedAt == nil {
			t.Fatalf("document rule: %+v", got)
		}
		// A second public access request, matched to zoe, is a duplicate.
		dup := e.confirmed(t, "zoe@example.com", models.RequestAccess)
		if err := e.s.CheckKnowledge(ctx, visitor, dup.ID, three); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, dup.ID); got.Status != models.StatusDuplicate || got.DuplicateOfID == nil || *got.DuplicateOfID != acc.ID {
			t.Fatalf("duplicate: %+v", got)
		}
	})
}

// TestRequestCodes: a code expires, allows five tries, works once, and
// only the latest one counts; the status code opens only its request.
func TestRequestCodes(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newIntakeEnv(t, db)
		ctx := context.Background()
		r, err := e.s.FilePublic(ctx, visitor, PublicFiling{Name: "A", Email: "a@example.com", Kind: models.RequestAccess})
		if err != nil {
			t.Fatal(err)
		}
		code := e.lastCode(t, "a@example.com")
		e.clock.advance(15*time.Minute + time.Second)
		if err := e.s.ConfirmEmail(ctx, visitor, r.ID, code); !errors.Is(err, ErrCodeInvalid) {
			t.Fatalf("expired code: %v", err)
		}
		if err := e.s.ResendVerifyCode(ctx, visitor, r.ID); err != nil {
			t.Fatal(err)
		}
		code = e.lastCode(t, "a@example.com")
		for i := 0; i < 5; i++ {
			if err := e.s.ConfirmEmail(ctx, visitor, r.ID, wrongCode(code)); !errors.Is(err, ErrCodeInvalid) {
				t.Fatalf("try %d: %v", i, err)
			}
		}
		if err := e.s.ConfirmEmail(ctx, visitor, r.ID, code); !errors.Is(err, ErrCodeInvalid) {
			t.Fatalf("right code after five tries: %v", err)
		}
		e.s.ResendVerifyCode(ctx, visitor, r.ID)
		older := e.lastCode(t, "a@example.com")
		e.s.ResendVerifyCode(ctx, visitor, r.ID)
		// Three codes within the lifetime: the next resend mails nothing.
		var n int64
		db.Model(&models.OutboxMessage{}).Where("template = ?", "request_code").Count(&n)
		e.s.ResendVerifyCode(ctx, visitor, r.ID)
		var m int64
		db.Model(&models.OutboxMessage{}).Where("template = ?", "request_code").Count(&m)
		if m != n {
			t.Errorf("resend past the cap mailed again (%d → %d)", n, m)
		}
		if newest := e.lastCode(t, "a@example.com"); older != newest {
			if err := e.s.ConfirmEmail(ctx, visitor, r.ID, older); !errors.Is(err, ErrCodeInvalid) {
				t.Fatalf("superseded code: %v", err)
			}
		}
		if err := e.s.ConfirmEmail(ctx, visitor, r.ID, e.lastCode(t, "a@example.com")); err != nil {
			t.Fatal(err)
		}

		// Status codes: a verify code does not open the status page, and
		// a status code opens only its own request.
		other, _ := e.s.FilePublic(ctx, visitor, PublicFiling{Name: "B", Email: "b@example.com", Kind: models.RequestAccess})
		if err := e.s.SendStatusCode(ctx, visitor, r.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.s.SendStatusCode(ctx, visitor, 987654); err != nil {
			t.Fatalf("unknown id answers differently: %v", err)
		}
		st := e.lastCode(t, "a@example.com")
		if err := e.s.CheckStatusCode(ctx, visitor, other.ID, st); !errors.Is(err, ErrCodeInvalid) {
			t.Fatalf("status code on another request: %v", err)
		}
		if err := e.s.CheckStatusCode(ctx, visitor, r.ID, st); err != nil {
			t.Fatal(err)
		}
		if d, err := e.s.PublicOne(ctx, r.ID); err != nil || d.Request.ID != r.ID || d.Notes != nil {
			t.Fatalf("public page: %v", err)
		}
		if err := e.s.PublicReply(ctx, visitor, r.ID, "A question"); err != nil {
			t.Fatal(err)
		}
		if err := e.s.PublicCancel(ctx, visitor, r.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.reload(t, r.ID); got.Status != models.StatusCancelled {
			t.Fatalf("cancelled: %s", got.Status)
		}
	})
}

func TestExpireUnverified(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		t.Parallel()
		e := newIntakeEnv(t, db)
		ctx := context.Background()
		zoe := e.customer(t, "zoe@example.com")
		stale, _ := e.s.FilePublic(ctx, visitor, PublicFiling{Name: "A", Email: "a@example.com", Kind: models.RequestAccess})
		proven := e.confirmed(t, "b@example.com", models.RequestAccess)
		// Locked after its tries, the check waits for staff: it does not expire.
		locked := e.confirmed(t, "d@example.com", models.RequestAccess)
		for range knowledgeAttempts {
			e.s.CheckKnowledge(ctx, visitor, locked.ID, Answers{OrderNumber: "nope", DeliveryPostalCode: "00000", Phone: "0", Declared: true})
		}
		e.setting(t, "requests.verify.portal.erasure", settings.VerifyDocument)
		portal, err := e.s.FileAsCustomer(ctx, customerActor(zoe), zoe.ID, Filing{Kind: models.RequestErasure})
		if err != nil {
			t.Fatal(err)
		}
		e.clock.advance(13 * 24 * time.Hour)
		fresh, _ := e.s.FilePublic(ctx, visitor, PublicFiling{Name: "C", Email: "c@example.com", Kind: models.RequestAccess})
		if n, err := e.s.ExpireUnverified(ctx); err != nil || n != 0 {
			t.Fatalf("before 14 days: %d %v", n, err)
		}
		e.clock.advance(24*time.Hour + time.Second)
		if n, err := e.s.ExpireUnverified(ctx); err != nil || n != 2 {
			t.Fatalf("after 14 days: %d %v", n, err)
		}
		if n, err := e.s.ExpireUnverified(ctx); err != nil || n != 0 {
			t.Fatalf("rerun: %d %v", n, err)
		}
		// The email proven but the knowledge check never done: abandoned too.
		for id, want := range map[int64]models.RequestStatus{stale.ID: models.StatusExpired, proven.ID: models.StatusExpired,
			locked.ID: models.StatusAwaitingVerification, portal.ID: models.StatusAwaitingVerification, fresh.ID: models.StatusAwaitingVerification} {
			if got := e.reload(t, id); got.Status != want {
				t.Errorf("request %d: %s, want %s", id, got.Status, want)
			}
		}
	})
}
