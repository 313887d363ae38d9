package settings

import "time"

// Marketing preference rules (internal/consent).
var (
	// ConsentAgeGDPR is the age from which a customer may consent to
	// marketing alone (GDPR Art. 8: 16, or as low as 13 where a member
	// state says so); under 13 never (COPPA).
	ConsentAgeGDPR = Int("consent.age.gdpr", 16, 13, 16)
	// ConsentAgeCCPA is the age from which a customer may opt in to the
	// sale or sharing of their data (CCPA §1798.120(c): 16; under 13 a
	// parent).
	ConsentAgeCCPA = Int("consent.age.ccpa", 16, 13, 16)
	// ConsentServesMinors says the shop serves minors: an unknown birth
	// date then asks for the age before an opt-in.
	ConsentServesMinors = Bool("consent.serves_minors", false)
	// ConsentConfirmWithin is how long an email opt-in waits for its
	// confirmation (double opt-in) before it expires.
	ConsentConfirmWithin = Duration("consent.confirm_within", 7*24*time.Hour, 24*time.Hour, 30*24*time.Hour)
	// ConsentUnsubscribeMailto is the mailto address List-Unsubscribe
	// offers beside the HTTPS link (empty: the link alone).
	ConsentUnsubscribeMailto = String("consent.unsubscribe_mailto", "", 320)
)
