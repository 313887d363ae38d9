package requests

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

type docFixture struct {
	s        *Service
	db       *dbtest.DB
	clock    *time.Time
	owner    actor.Actor
	other    actor.Actor
	staff    actor.Actor
	request  models.PrivacyRequest
	settings *settings.Service
}

func newDocFixture(t *testing.T, db *dbtest.DB) *docFixture {
	t.Helper()
	v, err := vault.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	f := &docFixture{db: db, clock: &now}
	f.settings = settings.New(db.DB, db.Dialect, settings.Options{})
	f.s = &Service{DB: db.DB, Dialect: db.Dialect, Vault: v, Settings: f.settings, Now: func() time.Time { return *f.clock }}
	users := map[string]*models.User{}
	for _, u := range []struct{ email, role string }{{"owner@example.com", "customer"}, {"other@example.com", "customer"}, {"staff@example.com", "staff"}} {
		m := &models.User{Email: u.email, Role: models.Role(u.role)}
		if err := db.Create(m).Error; err != nil {
			t.Fatal(err)
		}
		users[u.email] = m
	}
	f.owner = actor.Of(users["owner@example.com"], actor.Evidence{})
	f.other = actor.Of(users["other@example.com"], actor.Evidence{})
	f.staff = actor.Of(users["staff@example.com"], actor.Evidence{})
	f.request = f.newRequest(t, &f.owner.UserID, models.ChannelPortal, true)
	return f
}

func (f *docFixture) newRequest(t *testing.T, userID *int64, channel string, required bool) models.PrivacyRequest {
	t.Helper()
	now := *f.clock
	r := models.PrivacyRequest{UserID: userID, Kind: models.RequestErasure, Status: models.StatusAwaitingVerification,
		Channel: channel, Jurisdiction: models.JurisdictionGDPR, RequesterEmail: "owner@example.com",
		ReceivedAt: now, FirstDueAt: now.AddDate(0, 1, 0), DueAt: now.AddDate(0, 1, 0), DocumentRequired: required}
	if err := f.db.Create(&r).Error; err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *docFixture) doc(t *testing.T, id int64) models.RequestDocument {
	t.Helper()
	var d models.RequestDocument
	if err := f.db.Take(&d, id).Error; err != nil {
		t.Fatal(err)
	}
	return d
}

func (f *docFixture) audits(t *testing.T, action string) int64 {
	t.Helper()
	var n int64
	f.db.Model(&models.AuditEntry{}).Where("action = ?", action).Count(&n)
	return n
}

func TestAttachDocumentWhoAndWhen(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDocFixture(t, db)
		ctx := context.Background()
		notAsked := f.newRequest(t, &f.owner.UserID, models.ChannelPortal, false)
		closed := f.newRequest(t, &f.owner.UserID, models.ChannelPortal, true)
		db.Model(&closed).Update("status", models.StatusCancelled)
		public := f.newRequest(t, nil, models.ChannelPublic, true)
		agent := f.newRequest(t, nil, models.ChannelAgent, false)
		requester := actor.Actor{Kind: actor.Requester}
		cases := []struct {
			name    string
			a       actor.Actor
			id      int64
			purpose string
			want    fault.Kind // -1: accepted
			msg     string
		}{
			{"owner", f.owner, f.request.ID, models.DocumentIdentity, -1, ""},
			{"another customer", f.other, f.request.ID, models.DocumentIdentity, fault.NotFound, ""},
			{"staff", f.staff, f.request.ID, models.DocumentIdentity, fault.Forbidden, ""},
			{"nobody asked", f.owner, notAsked.ID, models.DocumentIdentity, fault.Invalid, msgDocumentNotNow},
			{"closed", f.owner, closed.ID, models.DocumentIdentity, fault.Invalid, msgDocumentNotNow},
			{"no such request", f.owner, 999999, models.DocumentIdentity, fault.NotFound, ""},
			{"public requester", requester, public.ID, models.DocumentIdentity, -1, ""},
			{"public requester on a portal request", requester, f.request.ID, models.DocumentIdentity, fault.NotFound, ""},
			{"agent permission at filing", requester, agent.ID, models.DocumentAgentPermission, -1, ""},
			{"agent permission on a non-agent request", requester, public.ID, models.DocumentAgentPermission, fault.Invalid, msgDocumentNotNow},
		}
		for _, c := range cases {
			doc, err := f.s.AttachDocument(ctx, c.a, c.id, c.purpose, bytes.NewReader(fixtureJPEG(t)))
			if c.want == -1 {
				if err != nil || doc.ID == 0 || doc.ContentType != TypeJPEG || doc.Purpose != c.purpose || doc.FileKey == "" {
					t.Errorf("%s: %+v, %v", c.name, doc, err)
				}
				continue
			}
			if !fault.Is(err, c.want) || (c.msg != "" && fieldMsg(err) != c.msg) {
				t.Errorf("%s: %v, want %v %s", c.name, err, c.want, c.msg)
			}
		}
		pages := []struct {
			name    string
			a       actor.Actor
			id      int64
			purpose string
			wanted  bool
			err     fault.Kind // -1: none
			recv    int
		}{
			{"owner's asked request", f.owner, f.request.ID, models.DocumentIdentity, true, -1, 1},
			{"owner's request not asking", f.owner, notAsked.ID, models.DocumentIdentity, false, -1, 0},
			{"owner's closed request", f.owner, closed.ID, models.DocumentIdentity, false, -1, 0},
			{"another customer", f.other, f.request.ID, models.DocumentIdentity, false, fault.NotFound, 0},
			{"agent's permission page", requester, agent.ID, models.DocumentAgentPermission, true, -1, 1},
			{"agent's identity page", requester, agent.ID, models.DocumentIdentity, false, -1, 0},
		}
		for _, c := range pages {
			st, err := f.s.DocumentUpload(ctx, c.a, c.id, c.purpose)
			if c.err != -1 {
				if !fault.Is(err, c.err) {
					t.Errorf("page %s: %v, want %v", c.name, err, c.err)
				}
				continue
			}
			if err != nil || st.Wanted != c.wanted || len(st.Received) != c.recv {
				t.Errorf("page %s: wanted %v, %d received, %v", c.name, st.Wanted, len(st.Received), err)
			}
		}
		var n int64
		db.Model(&models.RequestDocument{}).Count(&n)
		if n != 3 || f.audits(t, "request.document_uploaded") != 3 {
			t.Errorf("%d documents, %d audit entries; want 3 each", n, f.audits(t, "request.document_uploaded"))
		}
	})
}

func TestAttachDocumentStoresCleanedEncrypted(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDocFixture(t, db)
		ctx := context.Background()
		doc, err := f.s.AttachDocument(ctx, f.owner, f.request.ID, models.DocumentIdentity, bytes.NewReader(jpegWithExif(t)))
		if err != nil {
			t.Fatal(err)
		}
		content, typ, err := f.s.OpenDocument(ctx, f.staff, f.request.ID, doc.ID)
		if err != nil || typ != TypeJPEG || int64(len(content)) != doc.SizeBytes {
			t.Fatalf("open: %d bytes %q %v", len(content), typ, err)
		}
		if bytes.Contains(content, []byte(gpsMarker)) || bytes.Contains(content, []byte("Exif")) {
			t.Error("the stored image kept its EXIF")
		}
		if f.audits(t, "request.document_viewed") != 1 {
			t.Error("the view was not audited")
		}
		// Refused bodies leave nothing behind.
		for name, body := range map[string][]byte{"pdf with js": jsPDF(), "11 MB": make([]byte, 11<<20), "huge png": hugePNGHeader()} {
			if _, err := f.s.AttachDocument(ctx, f.owner, f.request.ID, models.DocumentIdentity, bytes.NewReader(body)); err == nil {
				t.Errorf("%s accepted", name)
			}
		}
		if _, err := f.s.AttachDocument(ctx, f.owner, f.request.ID, models.DocumentIdentity, bytes.NewReader(make([]byte, 11<<20))); !fault.Is(err, fault.TooLarge) {
			t.Errorf("11 MB: %v, want too large", err)
		}
		var n int64
		db.Model(&models.RequestDocument{}).Count(&n)
		if n != 1 {
			t.Errorf("%d rows after refusals, want 1", n)
		}
	})
}

func TestOpenDocumentRules(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDocFixture(t, db)
		ctx := context.Background()
		doc, err := f.s.AttachDocument(ctx, f.owner, f.request.ID, models.DocumentIdentity, bytes.NewReader(fixturePNG(t)))
		if err != nil {
			t.Fatal(err)
		}
		otherReq := f.newRequest(t, &f.other.UserID, models.ChannelPortal, true)
		cases := []struct {
			name  string
			a     actor.Actor
			reqID int64
			docID int64
			want  fault.Kind
		}{
			{"owner", f.owner, f.request.ID, doc.ID, fault.Forbidden},
			{"another request's path", f.staff, otherReq.ID, doc.ID, fault.NotFound},
			{"no such document", f.staff, f.request.ID, doc.ID + 100, fault.NotFound},
		}
		for _, c := range cases {
			if _, _, err := f.s.OpenDocument(ctx, c.a, c.reqID, c.docID); !fault.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		if f.audits(t, "request.document_viewed") != 0 {
			t.Error("a refused view was audited as a view")
		}
	})
}

// decide runs decideDocuments as an identity decision's transaction would.
func (f *docFixture) decide(t *testing.T, status models.RequestStatus) {
	t.Helper()
	err := f.s.within(context.Background(), func(tx *gorm.DB) error {
		r, err := load(tx, f.request.ID)
		if err != nil {
			return err
		}
		r.Status = status
		if err := tx.Model(&r).Update("status", status).Error; err != nil {
			return err
		}
		return f.s.decideDocuments(tx, &r)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDocumentGoneAfterDecision(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDocFixture(t, db)
		ctx := context.Background()
		doc, err := f.s.AttachDocument(ctx, f.owner, f.request.ID, models.DocumentIdentity, bytes.NewReader(fixtureJPEG(t)))
		if err != nil {
			t.Fatal(err)
		}
		f.decide(t, models.StatusInReview) // verified, no grace
		d := f.doc(t, doc.ID)
		if d.DestroyedAt == nil || d.FileKey != "" || d.SizeBytes == 0 || d.ContentType != TypeJPEG {
			t.Fatalf("after the decision: %+v", d)
		}
		if _, err := f.s.Vault.Get(doc.FileKey); err == nil {
			t.Error("the file is still in the vault")
		}
		if _, _, err := f.s.OpenDocument(ctx, f.staff, f.request.ID, doc.ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("viewer after destruction: %v, want not found", err)
		}
		if f.audits(t, "request.document_destroyed") != 1 {
			t.Error("destruction not audited")
		}
		if n, err := f.s.SweepDocuments(ctx); err != nil || n != 0 {
			t.Errorf("sweep after: %d, %v", n, err)
		}
	})
}

func TestDocumentSweptAfterGrace(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDocFixture(t, db)
		ctx := context.Background()
		if err := f.settings.Set(ctx, actor.SystemActor(), settings.RequestDocumentGrace.Key(), 48*time.Hour); err != nil {
			t.Fatal(err)
		}
		doc, err := f.s.AttachDocument(ctx, f.owner, f.request.ID, models.DocumentIdentity, bytes.NewReader(fixturePNG(t)))
		if err != nil {
			t.Fatal(err)
		}
		// A permission kept with the open request is not due at the identity decision.
		f.decide(t, models.StatusInReview)
		d := f.doc(t, doc.ID)
		if d.DestroyedAt != nil || d.DestroyAfter == nil || !d.DestroyAfter.Equal(f.clock.Add(48*time.Hour)) {
			t.Fatalf("after the decision with grace: %+v", d)
		}
		*f.clock = f.clock.Add(47 * time.Hour)
		if n, err := f.s.SweepDocuments(ctx); err != nil || n != 0 {
			t.Fatalf("sweep inside the grace: %d, %v", n, err)
		}
		if _, _, err := f.s.OpenDocument(ctx, f.staff, f.request.ID, doc.ID); err != nil {
			t.Fatalf("viewer inside the grace: %v", err)
		}
		*f.clock = f.clock.Add(time.Hour)
		if _, _, err := f.s.OpenDocument(ctx, f.staff, f.request.ID, doc.ID); !fault.Is(err, fault.NotFound) {
			t.Fatalf("viewer once due, before the sweep: %v", err)
		}
		if n, err := f.s.SweepDocuments(ctx); err != nil || n != 1 {
			t.Fatalf("sweep at the end of the grace: %d, %v", n, err)
		}
		if d := f.doc(t, doc.ID); d.DestroyedAt == nil || d.FileKey != "" {
			t.Fatalf("after the sweep: %+v", d)
		}
		if _, err := f.s.Vault.Get(doc.FileKey); err == nil {
			t.Error("the file is still in the vault")
		}
		if _, _, err := f.s.OpenDocument(ctx, f.staff, f.request.ID, doc.ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("viewer after the sweep: %v", err)
		}
	})
}

func TestSweepClosedRequests(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDocFixture(t, db)
		ctx := context.Background()
		agent := f.newRequest(t, nil, models.ChannelAgent, false)
		perm, err := f.s.AttachDocument(ctx, actor.Actor{Kind: actor.Requester}, agent.ID, models.DocumentAgentPermission, bytes.NewReader(cleanPDFFixture()))
		if err != nil {
			t.Fatal(err)
		}
		// Closed without decideDocuments (a close that forgot): the sweep finds it.
		closedAt := *f.clock
		db.Model(&models.PrivacyRequest{}).Where("id = ?", agent.ID).
			Updates(map[string]any{"status": models.StatusExpired, "closed_at": closedAt})
		*f.clock = f.clock.Add(time.Minute)
		n, err := f.s.SweepDocuments(ctx)
		if err != nil || n != 1 {
			t.Fatalf("sweep: %d, %v", n, err)
		}
		if d := f.doc(t, perm.ID); d.DestroyedAt == nil || d.FileKey != "" || d.ContentType != TypePDF {
			t.Fatalf("permission of a closed request: %+v", d)
		}
	})
}

func TestDecisionKeepsAgentPermissionWhileOpen(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		f := newDocFixture(t, db)
		ctx := context.Background()
		agent := f.newRequest(t, nil, models.ChannelAgent, true)
		f.request = agent
		perm, err := f.s.AttachDocument(ctx, actor.Actor{Kind: actor.Requester}, agent.ID, models.DocumentAgentPermission, bytes.NewReader(cleanPDFFixture()))
		if err != nil {
			t.Fatal(err)
		}
		id, err := f.s.AttachDocument(ctx, actor.Actor{Kind: actor.Requester}, agent.ID, models.DocumentIdentity, bytes.NewReader(fixtureJPEG(t)))
		if err != nil {
			t.Fatal(err)
		}
		f.decide(t, models.StatusInReview)
		if d := f.doc(t, id.ID); d.DestroyedAt == nil {
			t.Error("identity document kept after the decision")
		}
		if d := f.doc(t, perm.ID); d.DestroyedAt != nil || d.DestroyAfter != nil {
			t.Error("agent permission destroyed while the request is open")
		}
		f.decide(t, models.StatusDenied)
		if d := f.doc(t, perm.ID); d.DestroyedAt == nil {
			t.Error("agent permission kept after the close")
		}
		if f.audits(t, "request.document_destroyed") != 2 {
			t.Errorf("%d destructions audited, want 2", f.audits(t, "request.document_destroyed"))
		}
	})
}
