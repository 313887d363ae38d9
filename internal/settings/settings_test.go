package settings

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/auth"
	"github.com/photolab/privacyportal/internal/dbtest"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// admin stores an admin user (settings.updated_by references users) and
// returns them as an actor.
func admin(t *testing.T, db *dbtest.DB) actor.Actor {
	t.Helper()
	u := &models.User{Email: "admin@example.test", Role: models.RoleAdmin}
	if err := db.Create(u).Error; err != nil {
		t.Fatal(err)
	}
	return actor.Of(u, actor.Evidence{IP: "192.0.2.1"})
}

func newService(db *dbtest.DB) *Service {
	return New(db.DB, db.Dialect, Options{Now: func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }})
}

func auditRows(t *testing.T, db *dbtest.DB) []models.AuditEntry {
	t.Helper()
	var rows []models.AuditEntry
	if err := db.Where("action = ?", "settings.changed").Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestDefaults: the rules moved here keep the values they had as constants.
func TestDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key  string
		get  func(*Service) any
		want any
	}{
		{"auth.throttle.free_failures", func(s *Service) any { return ThrottleFreeFailures.Get(s) }, 4},
		{"auth.throttle.max_delay", func(s *Service) any { return ThrottleMaxDelay.Get(s) }, 60 * time.Second},
		{"auth.throttle.lock_after", func(s *Service) any { return ThrottleLockAfter.Get(s) }, 10},
		{"auth.throttle.lock_for", func(s *Service) any { return ThrottleLockFor.Get(s) }, 15 * time.Minute},
		{"auth.throttle.hourly_cap", func(s *Service) any { return ThrottleHourlyCap.Get(s) }, 100},
		{"auth.email_code.ttl", func(s *Service) any { return EmailCodeTTL.Get(s) }, 15 * time.Minute},
		{"auth.email_code.max_attempts", func(s *Service) any { return EmailCodeMaxAttempts.Get(s) }, 5},
		{"auth.recovery_codes.count", func(s *Service) any { return RecoveryCodeCount.Get(s) }, 10},
		{"account.reauth_window", func(s *Service) any { return ReauthWindow.Get(s) }, 10 * time.Minute},
		{"requests.jurisdiction", func(s *Service) any { return RequestJurisdiction.Get(s) }, "gdpr"},
		{"requests.pause_for_identity", func(s *Service) any { return RequestPauseForIdentity.Get(s) }, true},
		{"requests.code.ttl", func(s *Service) any { return RequestCodeTTL.Get(s) }, 15 * time.Minute},
		{"requests.code.max_attempts", func(s *Service) any { return RequestCodeAttempts.Get(s) }, 5},
		{"requests.unverified_expiry", func(s *Service) any { return RequestUnverifiedExpiry.Get(s) }, 14 * 24 * time.Hour},
		{"requests.document.grace", func(s *Service) any { return RequestDocumentGrace.Get(s) }, time.Duration(0)},
		{"requests.staff_notify", func(s *Service) any { return RequestStaffNotify.Get(s) }, "each"},
		{"requests.reminder_before", func(s *Service) any { return RequestReminderBefore.Get(s) }, 7 * 24 * time.Hour},
		{"requests.restriction.lift_notice", func(s *Service) any { return RequestLiftNotice.Get(s) }, 72 * time.Hour},
		{"requests.authority.name", func(s *Service) any { return RequestAuthorityName.Get(s) }, ""},
		{"requests.authority.url", func(s *Service) any { return RequestAuthorityURL.Get(s) }, ""},
		{"export.self_interval", func(s *Service) any { return ExportSelfInterval.Get(s) }, 24 * time.Hour},
		{"export.keep", func(s *Service) any { return ExportKeep.Get(s) }, 7 * 24 * time.Hour},
		{"privacy.automated_decisions", func(s *Service) any { return PrivacyAutomatedDecisions.Get(s) }, false},
		{"privacy.automated_decisions.logic", func(s *Service) any { return PrivacyAutomatedLogic.Get(s) }, ""},
		{"privacy.transfers", func(s *Service) any { return PrivacyTransfers.Get(s) }, ""},
		{"consent.age.gdpr", func(s *Service) any { return ConsentAgeGDPR.Get(s) }, 16},
		{"consent.age.ccpa", func(s *Service) any { return ConsentAgeCCPA.Get(s) }, 16},
		{"consent.serves_minors", func(s *Service) any { return ConsentServesMinors.Get(s) }, false},
		{"consent.confirm_within", func(s *Service) any { return ConsentConfirmWithin.Get(s) }, 7 * 24 * time.Hour},
		{"consent.unsubscribe_mailto", func(s *Service) any { return ConsentUnsubscribeMailto.Get(s) }, ""},
		{"erasure.cool_off", func(s *Service) any { return ErasureCoolOff.Get(s) }, 14 * 24 * time.Hour},
		{"erasure.bookkeeping_years", func(s *Service) any { return ErasureBookkeepingYears.Get(s) }, "default=10"},
		{"erasure.fiscal_year_end", func(s *Service) any { return ErasureFiscalYearEnd.Get(s) }, "12-31"},
		{"erasure.allow_private_webhooks", func(s *Service) any { return ErasurePrivateWebhooks.Get(s) }, false},
		{"retention.contact", func(s *Service) any { return RetentionContact.Get(s) }, 90 * 24 * time.Hour},
		{"retention.photos_paid", func(s *Service) any { return RetentionPhotosPaid.Get(s) }, 183 * 24 * time.Hour},
		{"retention.photos_unordered", func(s *Service) any { return RetentionPhotosUnpaid.Get(s) }, 183 * 24 * time.Hour},
		{"retention.logins", func(s *Service) any { return RetentionLogins.Get(s) }, 365 * 24 * time.Hour},
		{"retention.closed_requests", func(s *Service) any { return RetentionClosedRequests.Get(s) }, 730 * 24 * time.Hour},
		{"retention.outbox", func(s *Service) any { return RetentionOutbox.Get(s) }, 30 * 24 * time.Hour},
		{"retention.jobs", func(s *Service) any { return RetentionJobs.Get(s) }, 14 * 24 * time.Hour},
		{"retention.webhook_logs", func(s *Service) any { return RetentionWebhookLogs.Get(s) }, 30 * 24 * time.Hour},
		{"retention.dormant_years", func(s *Service) any { return RetentionDormantYears.Get(s) }, 3},
		{"retention.dormant_grace", func(s *Service) any { return RetentionDormantGrace.Get(s) }, 30 * 24 * time.Hour},
		{"retention.batch", func(s *Service) any { return RetentionBatch.Get(s) }, 500},
	}
	// The verification rules: proportionate by default (EDPB 01/2022).
	for kind, want := range map[string]string{"access": "strict", "portability": "strict", "rectification": "knowledge",
		"erasure": "knowledge", "restriction": "knowledge", "objection": "knowledge"} {
		portal, public := VerifyPortal[kind], VerifyPublic[kind]
		tests = append(tests,
			struct {
				key  string
				get  func(*Service) any
				want any
			}{portal.Key(), func(s *Service) any { return portal.Get(s) }, "session"},
			struct {
				key  string
				get  func(*Service) any
				want any
			}{public.Key(), func(s *Service) any { return public.Get(s) }, want})
	}
	svc := New(nil, models.SQLite, Options{}) // never refreshed: defaults
	for _, tc := range tests {
		if got := tc.get(nil); got != tc.want {
			t.Errorf("%s with no service = %v, want %v", tc.key, got, tc.want)
		}
		if got := tc.get(svc); got != tc.want {
			t.Errorf("%s before a refresh = %v, want %v", tc.key, got, tc.want)
		}
		if got, err := svc.Get(tc.key); err != nil || got != tc.want {
			t.Errorf("Get(%s) = %v, %v; want %v", tc.key, got, err, tc.want)
		}
	}
	if len(All()) != len(tests) {
		t.Errorf("%d settings declared, this test knows %d: add the new ones above", len(All()), len(tests))
	}
	if got, want := svc.ThrottleLimits(), auth.DefaultThrottleLimits(); got != want {
		t.Errorf("ThrottleLimits = %+v, want %+v", got, want)
	}
	if got, want := svc.CodeLimits(), auth.DefaultCodeLimits(); got != want {
		t.Errorf("CodeLimits = %+v, want %+v", got, want)
	}
}

// TestCheck covers every kind's rules on declarations of its own.
func TestCheck(t *testing.T) {
	t.Parallel()
	intDef := Def{Key: "t.int", Kind: KindInt, Default: 5, Min: 1, Max: 10}
	durDef := Def{Key: "t.dur", Kind: KindDuration, Default: time.Minute, Min: int64(time.Second), Max: int64(time.Hour)}
	boolDef := Def{Key: "t.bool", Kind: KindBool, Default: false}
	strDef := Def{Key: "t.str", Kind: KindString, Default: "", MaxLen: 3}
	enumDef := Def{Key: "t.enum", Kind: KindEnum, Default: "a", Choices: []string{"a", "b"}}
	tests := []struct {
		name    string
		def     Def
		value   any
		wantMsg string
	}{
		{"int ok", intDef, 10, ""},
		{"int64 ok", intDef, int64(1), ""},
		{"int below", intDef, 0, ErrRange},
		{"int above", intDef, 11, ErrRange},
		{"int as text", intDef, "5", ErrType},
		{"duration ok", durDef, time.Hour, ""},
		{"duration below", durDef, time.Millisecond, ErrRange},
		{"duration as int", durDef, 60, ErrType},
		{"bool ok", boolDef, true, ""},
		{"bool as text", boolDef, "true", ErrType},
		{"string ok", strDef, "abc", ""},
		{"string too long", strDef, "abcd", ErrLength},
		{"string with a newline", strDef, "a\nb", ErrType},
		{"enum ok", enumDef, "b", ""},
		{"enum unknown", enumDef, "c", ErrChoice},
	}
	for _, tc := range tests {
		if _, msg := tc.def.check(tc.value); msg != tc.wantMsg {
			t.Errorf("%s: check(%v) = %q, want %q", tc.name, tc.value, msg, tc.wantMsg)
		}
	}
}

// TestSetValidates: a bad value is refused with the field's message and
// nothing is written.
func TestSetValidates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		svc := newService(db)
		a := admin(t, db)
		tests := []struct {
			key, text string
			wantMsg   string
		}{
			{ThrottleLockAfter.Key(), "2", ErrRange},
			{ThrottleLockAfter.Key(), "101", ErrRange},
			{ThrottleLockAfter.Key(), "ten", ErrType},
			{ThrottleHourlyCap.Key(), "1000", ErrRange},
			{EmailCodeTTL.Key(), "15", ErrType},
			{EmailCodeTTL.Key(), "2h", ErrRange},
			{EmailCodeMaxAttempts.Key(), "0", ErrRange},
			{RecoveryCodeCount.Key(), "50", ErrRange},
			{ReauthWindow.Key(), "10s", ErrRange},
		}
		for _, tc := range tests {
			err := svc.SetText(ctx, a, tc.key, tc.text)
			if !fault.Is(err, fault.Invalid) || fault.FieldsOf(err)[tc.key] != tc.wantMsg {
				t.Errorf("SetText(%s, %q) = %v (fields %v), want invalid %s", tc.key, tc.text, err, fault.FieldsOf(err), tc.wantMsg)
			}
		}
		if err := svc.Set(ctx, a, ThrottleLockAfter.Key(), "12"); fault.FieldsOf(err)[ThrottleLockAfter.Key()] != ErrType {
			t.Errorf("Set with a string for an int = %v, want a type error", err)
		}
		var n int64
		db.Model(&models.Setting{}).Count(&n)
		if n != 0 || len(auditRows(t, db)) != 0 {
			t.Errorf("after refused values: %d rows, %d audit entries; want none", n, len(auditRows(t, db)))
		}
	})
}

func TestSetUnknownKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		err := newService(db).Set(context.Background(), actor.SystemActor(), "no.such.setting", 1)
		if !fault.Is(err, fault.NotFound) {
			t.Errorf("Set of an unknown key = %v, want not found", err)
		}
		if _, err := newService(db).Get("no.such.setting"); !fault.Is(err, fault.NotFound) {
			t.Errorf("Get of an unknown key = %v, want not found", err)
		}
	})
}

// TestSetForbidden: only admins and the system change the rules.
func TestSetForbidden(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		svc := newService(db)
		for _, kind := range []actor.Kind{actor.Customer, actor.Staff, actor.Requester, actor.API, ""} {
			a := actor.Actor{Kind: kind, UserID: 7}
			if err := svc.Set(ctx, a, ThrottleLockAfter.Key(), 20); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%q: Set = %v, want forbidden", kind, err)
			}
			if err := svc.SetText(ctx, a, ThrottleLockAfter.Key(), "20"); !fault.Is(err, fault.Forbidden) {
				t.Errorf("%q: SetText = %v, want forbidden", kind, err)
			}
		}
		if got := ThrottleLockAfter.Get(svc); got != 10 {
			t.Errorf("lock_after = %d after refused changes, want 10", got)
		}
		if err := svc.Set(ctx, actor.SystemActor(), ThrottleLockAfter.Key(), 20); err != nil {
			t.Errorf("system: Set = %v", err)
		}
	})
}

// TestSetAudits: each change is audited with before and after, by whom,
// and a repeat of the current value records nothing.
func TestSetAudits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		svc := newService(db)
		a := admin(t, db)
		steps := []struct {
			set        any
			wantBefore string // "" means no new entry
			wantAfter  string
		}{
			{20 * time.Minute, "15m0s", "20m0s"},
			{5 * time.Minute, "20m0s", "5m0s"},
			{5 * time.Minute, "", ""},
		}
		want := 0
		for i, st := range steps {
			if err := svc.Set(ctx, a, EmailCodeTTL.Key(), st.set); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if got := EmailCodeTTL.Get(svc); got != st.set {
				t.Errorf("step %d: Get = %v, want %v", i, got, st.set)
			}
			rows := auditRows(t, db)
			if st.wantBefore == "" {
				if len(rows) != want {
					t.Errorf("step %d: %d entries, want %d (unchanged value)", i, len(rows), want)
				}
				continue
			}
			want++
			if len(rows) != want {
				t.Fatalf("step %d: %d entries, want %d", i, len(rows), want)
			}
			e := rows[len(rows)-1]
			var d map[string]string
			if err := json.Unmarshal([]byte(e.Details), &d); err != nil {
				t.Fatal(err)
			}
			if d["before"] != st.wantBefore || d["after"] != st.wantAfter || e.TargetType != "setting" ||
				e.TargetID != EmailCodeTTL.Key() || e.ActorID == nil || *e.ActorID != a.UserID || e.ActorRole != "admin" || e.IP != "192.0.2.1" {
				t.Errorf("step %d: entry %+v details %v", i, e, d)
			}
		}
		var row models.Setting
		if err := db.Take(&row, "name = ?", EmailCodeTTL.Key()).Error; err != nil {
			t.Fatal(err)
		}
		if row.Version != 2 || row.Value != `"5m0s"` || row.UpdatedBy == nil || *row.UpdatedBy != a.UserID {
			t.Errorf("row = %+v, want version 2, \"5m0s\", by %d", row, a.UserID)
		}
	})
}

// TestSetIsOneTransaction: when the audit entry cannot be written, the
// value is not changed either, in the database or in the cache.
func TestSetIsOneTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *dbtest.DB) {
		ctx := context.Background()
		svc := newService(db)
		a := admin(t, db)
		if err := svc.Set(ctx, a, ThrottleLockFor.Key(), 30*time.Minute); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("audit down")
		svc.appendAudit = func(*gorm.DB, models.Dialect, audit.Entry) error { return boom }
		if err := svc.Set(ctx, a, ThrottleLockFor.Key(), time.Hour); !errors.Is(err, boom) {
			t.Fatalf("Set = %v, want the audit error", err)
		}
		if err := svc.Set(ctx, a, ThrottleHourlyCap.Key(), 50); !errors.Is(err, boom) {
			t.Fatalf("first Set of a key = %v, want the audit error", err)
		}
		if got := ThrottleLockFor.Get(svc); got != 30*time.Minute {
			t.Errorf("cache after a failed Set = %v, want 30m", got)
		}
		other := newService(db)
		if err := other.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ThrottleLockFor.Get(other); got != 30*time.Minute {
			t.Errorf("database after a failed Set = %v, want 30m", got)
		}
		var n int64
		db.Model(&models.Setting{}).Where("name = ?", ThrottleHourlyCap.Key()).Count(&n)
		if n != 0 {
			t.Errorf("a failed first Set left its row behind")
		}
	})
}
