package requests

import (
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
)

// TestRepeatRulesPerJurisdiction: GDPR flags any earlier request to know
// inside 12 months; CCPA flags only the third. Denied, cancelled, expired
// and duplicate requests do not count, nor do other kinds.
func TestRepeatRulesPerJurisdiction(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
	req := func(id int64, kind models.RequestKind, st models.RequestStatus, ago time.Duration) models.PrivacyRequest {
		return models.PrivacyRequest{ID: id, Kind: kind, Status: st, ReceivedAt: at.Add(-ago)}
	}
	month := 30 * 24 * time.Hour
	cases := []struct {
		name    string
		jur     string
		kind    models.RequestKind
		earlier []models.PrivacyRequest
		want    int64 // 0: not a repeat
	}{
		{"gdpr first access", models.JurisdictionGDPR, models.RequestAccess, nil, 0},
		{"gdpr access after access 3 months ago", models.JurisdictionGDPR, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusCompleted, 3*month)}, 1},
		{"gdpr portability after access counts", models.JurisdictionGDPR, models.RequestPortability,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusWaitingFulfilment, month)}, 1},
		{"gdpr access after 13 months is free", models.JurisdictionGDPR, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusCompleted, 13*month)}, 0},
		{"gdpr denied earlier does not count", models.JurisdictionGDPR, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusDenied, month)}, 0},
		{"gdpr cancelled, expired, duplicate do not count", models.JurisdictionGDPR, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusCancelled, month),
				req(2, models.RequestAccess, models.StatusExpired, month), req(3, models.RequestAccess, models.StatusDuplicate, month)}, 0},
		{"gdpr erasure is never a repeat", models.JurisdictionGDPR, models.RequestErasure,
			[]models.PrivacyRequest{req(1, models.RequestErasure, models.StatusCompleted, month)}, 0},
		{"gdpr other kinds earlier do not count", models.JurisdictionGDPR, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestErasure, models.StatusCompleted, month)}, 0},
		{"gdpr links the latest earlier one", models.JurisdictionGDPR, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusCompleted, 5*month), req(2, models.RequestAccess, models.StatusCompleted, 2*month)}, 2},
		{"ccpa second request to know is free", models.JurisdictionCCPA, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusCompleted, 2*month)}, 0},
		{"ccpa third request to know is flagged", models.JurisdictionCCPA, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusCompleted, 5*month), req(2, models.RequestPortability, models.StatusCompleted, 2*month)}, 2},
		{"ccpa third, one outside 12 months, is free", models.JurisdictionCCPA, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusCompleted, 14*month), req(2, models.RequestAccess, models.StatusCompleted, 2*month)}, 0},
		{"ccpa third, one denied, is free", models.JurisdictionCCPA, models.RequestAccess,
			[]models.PrivacyRequest{req(1, models.RequestAccess, models.StatusDenied, 5*month), req(2, models.RequestAccess, models.StatusCompleted, 2*month)}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := repeatOf(c.jur, c.kind, at, c.earlier)
			var id int64
			if got != nil {
				id = *got
			}
			if id != c.want {
				t.Errorf("repeatOf = %d, want %d", id, c.want)
			}
		})
	}
}

func TestCheckFiling(t *testing.T) {
	t.Parallel()
	long := make([]byte, MaxDetails+1)
	for i := range long {
		long[i] = 'x'
	}
	cases := []struct {
		name       string
		kind       models.RequestKind
		details    string
		categories []string
		ground     string
		fixes      bool
		want       map[string]string
	}{
		{"access", models.RequestAccess, "", nil, "", false, nil},
		{"unknown kind", "delete_everything", "", nil, "", false, map[string]string{"kind": "request.error.kind"}},
		{"too long", models.RequestAccess, string(long), nil, "", false, map[string]string{"details": "request.error.details_too_long"}},
		{"erasure of a category", models.RequestErasure, "", []string{"photos"}, "", false, nil},
		{"unknown category", models.RequestRestriction, "", []string{"photos", "dreams"}, "", false, map[string]string{"categories": "request.error.category"}},
		{"categories on access", models.RequestAccess, "", []string{"photos"}, "", false, map[string]string{"categories": "request.error.category"}},
		{"objection without ground", models.RequestObjection, "", nil, "", false, map[string]string{"objection_ground": "request.error.ground_required"}},
		{"objection to marketing", models.RequestObjection, "", nil, models.ObjectMarketing, false, nil},
		{"legitimate interest needs grounds", models.RequestObjection, " ", nil, models.ObjectLegitimate, false, map[string]string{"details": "request.error.details_required"}},
		{"rectification says what", models.RequestRectification, "", nil, "", false, map[string]string{"details": "request.error.details_required"}},
		{"rectification with corrections", models.RequestRectification, "", nil, "", true, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := checkFiling(c.kind, c.details, c.categories, c.ground, c.fixes)
			if len(got) != len(c.want) {
				t.Fatalf("errors = %v, want %v", got, c.want)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestMatchKnowledge: the order pair alone, or two other points, pass
// "knowledge"; "strict" needs three points and the declaration; a point a
// correction touches never counts; an email without an account has no
// facts, so nothing matches.
func TestMatchKnowledge(t *testing.T) {
	t.Parallel()
	held := facts{OrderNumbers: []string{"PL-1001"}, DeliveryPostal: "75011", BillingPostal: "SW1A 1AA",
		Phone: "+33612345678", BirthDate: "1990-04-01", Last4: []string{"4242"}}
	none := map[string]bool{}
	cases := []struct {
		name     string
		level    string
		f        facts
		ans      Answers
		excluded map[string]bool
		want     bool
		points   int
	}{
		{"order and its postal code", settings.VerifyKnowledge, held, Answers{OrderNumber: "pl-1001", DeliveryPostalCode: "75 011"}, none, true, 1},
		{"order with a wrong postal code", settings.VerifyKnowledge, held, Answers{OrderNumber: "PL-1001", DeliveryPostalCode: "75012"}, none, false, 0},
		{"someone else's order", settings.VerifyKnowledge, facts{DeliveryPostal: "75011"}, Answers{OrderNumber: "PL-1001", DeliveryPostalCode: "75011"}, none, false, 0},
		{"phone typed nationally and birth date", settings.VerifyKnowledge, held, Answers{Phone: "06 12 34 56 78", BirthDate: "1990-04-01"}, none, true, 2},
		{"one point is not enough", settings.VerifyKnowledge, held, Answers{Phone: "+33 6 12 34 56 78"}, none, false, 1},
		{"billing postal code and card digits", settings.VerifyKnowledge, held, Answers{BillingPostalCode: "sw1a1aa", Last4: "4242"}, none, true, 2},
		{"wrong answers add nothing", settings.VerifyKnowledge, held, Answers{Phone: "0699999999", BirthDate: "1990-04-02", Last4: "4242"}, none, false, 1},
		{"the field being corrected proves nothing", settings.VerifyKnowledge, held, Answers{Phone: "0612345678", BirthDate: "1990-04-01"}, map[string]bool{PointPhone: true}, false, 1},
		{"a corrected delivery address voids the order pair", settings.VerifyKnowledge, held, Answers{OrderNumber: "PL-1001", DeliveryPostalCode: "75011"}, map[string]bool{PointOrder: true}, false, 0},
		{"no account, no facts", settings.VerifyKnowledge, facts{}, Answers{OrderNumber: "PL-1001", DeliveryPostalCode: "75011", Phone: "0612345678", BirthDate: "1990-04-01"}, none, false, 0},
		{"strict: three points and the declaration", settings.VerifyStrict, held, Answers{Phone: "0612345678", BirthDate: "1990-04-01", Last4: "4242", Declared: true}, none, true, 3},
		{"strict: order pair and one more", settings.VerifyStrict, held, Answers{OrderNumber: "PL-1001", DeliveryPostalCode: "75011", BirthDate: "1990-04-01", Declared: true}, none, true, 2},
		{"strict: two points are not enough", settings.VerifyStrict, held, Answers{Phone: "0612345678", BirthDate: "1990-04-01", Declared: true}, none, false, 2},
		{"strict: no declaration", settings.VerifyStrict, held, Answers{Phone: "0612345678", BirthDate: "1990-04-01", Last4: "4242"}, none, false, 3},
		{"short digits never match a phone", settings.VerifyKnowledge, held, Answers{Phone: "678", BirthDate: "1990-04-01"}, none, false, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			points, ok := matchKnowledge(c.level, c.f, c.ans, c.excluded)
			if ok != c.want || len(points) != c.points {
				t.Errorf("match = %v %v, want %v with %d points", ok, points, c.want, c.points)
			}
		})
	}
}

func TestExcludedPoints(t *testing.T) {
	t.Parallel()
	got := excludedPoints([]models.RequestCorrection{{Category: "profile", Field: "phone"}, {Category: "profile", Field: "delivery.postal_code"}})
	if !got[PointPhone] || !got[PointOrder] || got[PointBirth] || got[PointBilling] {
		t.Errorf("excluded = %v", got)
	}
}
