package audit

import (
	"testing"
	"time"

	"github.com/photolab/privacyportal/models"
)

func TestHashOfIsUnambiguous(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)
	one, zero := int64(1), int64(0)
	base := func() models.AuditEntry {
		return models.AuditEntry{PrevHash: genesisHash, CreatedAt: at, ActorID: &one, ActorRole: "admin", Action: "auth.signin", TargetType: "user", TargetID: "7", IP: "10.0.0.1"}
	}
	same := []struct {
		name   string
		change func(*models.AuditEntry)
	}{
		{"same instant in another zone", func(r *models.AuditEntry) { r.CreatedAt = at.In(time.FixedZone("CET", 3600)) }},
		{"sub-microsecond digits", func(r *models.AuditEntry) { r.CreatedAt = at.Add(999) }},
		{"id is not hashed", func(r *models.AuditEntry) { r.ID = 99 }},
	}
	for _, tc := range same {
		a, b := base(), base()
		tc.change(&b)
		if hashOf(&a) != hashOf(&b) {
			t.Errorf("%s: hash changed", tc.name)
		}
	}
	differs := []struct {
		name   string
		change func(*models.AuditEntry)
	}{
		{"prev hash", func(r *models.AuditEntry) { r.PrevHash = "1" + genesisHash[1:] }},
		{"one microsecond", func(r *models.AuditEntry) { r.CreatedAt = at.Add(time.Microsecond) }},
		{"no actor vs actor 0", func(r *models.AuditEntry) { r.ActorID = &zero }},
		{"nil actor", func(r *models.AuditEntry) { r.ActorID = nil }},
		{"role", func(r *models.AuditEntry) { r.ActorRole = "staff" }},
		{"action", func(r *models.AuditEntry) { r.Action = "auth.signout" }},
		{"byte moved between fields", func(r *models.AuditEntry) { r.TargetType, r.TargetID = "use", "r7" }},
		{"byte moved across ip", func(r *models.AuditEntry) { r.TargetID, r.IP = "710.0.0.1", "" }},
		{"details", func(r *models.AuditEntry) { r.Details = `{"k":"v"}` }},
	}
	for _, tc := range differs {
		a, b := base(), base()
		tc.change(&b)
		if hashOf(&a) == hashOf(&b) {
			t.Errorf("%s: hash did not change", tc.name)
		}
	}
}

func TestEncodeDetailsIsCanonical(t *testing.T) {
	cases := []struct {
		name string
		in   map[string]string
		want string
	}{
		{"nil", nil, ""},
		{"empty", map[string]string{}, ""},
		{"sorted keys", map[string]string{"zeta": "1", "alpha": "2", "mid": "3"}, `{"alpha":"2","mid":"3","zeta":"1"}`},
		{"quotes escaped", map[string]string{"a": `x","b":"y`}, `{"a":"x\",\"b\":\"y"}`},
	}
	for _, tc := range cases {
		got, err := encodeDetails(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}
