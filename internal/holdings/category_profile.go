package holdings

import "github.com/photolab/privacyportal/models"

// KeyProfile is the customer's profile: name, phone, birth date, gender,
// language, their postal addresses and the history of their changes. The
// page and the edits are the profile service's (internal/profile).
const KeyProfile = "profile"

type profileCategory struct{}

func (profileCategory) Key() string  { return KeyProfile }
func (profileCategory) Path() string { return "/account/data/profile" }

func (profileCategory) Tables() []string {
	return []string{"profiles", "addresses", "profile_changes", "users"}
}

// Tally counts one profile, however many addresses: the customer has a
// profile as soon as either exists. The last change is the profile row's:
// every save of the profile form bumps it.
func (profileCategory) Tally() Tally {
	return Tally{SQL: `SELECT 'profile' AS k,
		CASE WHEN EXISTS (SELECT 1 FROM profiles WHERE user_id = ?)
			OR EXISTS (SELECT 1 FROM addresses WHERE user_id = ?) THEN 1 ELSE 0 END AS n,
		(SELECT updated_at FROM profiles WHERE user_id = ?) AS last`, Binds: 3}
}

// Correctable: the identity and address fields. The language and time
// zone are preferences the customer sets on the form, not data that can
// be inaccurate; the email is changed through its own proven flow.
func (profileCategory) Correctable() []Correctable {
	own := func(field string) Correctable {
		return Correctable{Field: field, Label: "profile.field." + field, Record: RecordOwn}
	}
	out := []Correctable{own("first_name"), own("last_name"), own("phone"), own("birth_date"), own("gender")}
	for _, kind := range []string{"billing", "delivery"} {
		for _, part := range []string{"line1", "line2", "postal_code", "city", "region", "country"} {
			out = append(out, own(kind+"."+part))
		}
	}
	return out
}

// Export: the account the customer signs in with, the profile, the
// addresses and the history of changes.
func (profileCategory) Export() []Set {
	accountFrom := "users t WHERE t.id = ?"
	profileFrom, byU := byUser("profiles")
	addrFrom, _ := byUser("addresses")
	changesFrom, _ := byUser("profile_changes")
	return []Set{
		{Name: "account", Table: "users", One: true, From: accountFrom, Args: byU,
			Fields: []Field{f("email", FieldString), f("name", FieldString), f("locale", FieldString), f("time_zone", FieldString),
				{Name: "second_factor_since", Column: "totp_enabled_at", Type: FieldTime, Null: true},
				fn("password_changed_at", FieldTime), fn("created_at", FieldTime)},
			Excluded: map[string]string{
				"id":                  "the portal's number for the account; the export is the account's",
				"password_hash":       "a credential: never given out, not even to its owner",
				"totp_secret":         "the second factor's secret: a credential",
				"totp_pending_secret": "a second factor being set up: a credential",
				"totp_last_step":      "the replay guard of one-time codes: a counter, not information about the customer",
				"role":                "always customer for an account that can download its data",
				"updated_at":          "when the row was last written, by any change; password_changed_at and the profile's times say what changed",
			}},
		{Name: "profile", Table: "profiles", One: true, From: profileFrom, Args: byU, Order: "t.user_id",
			Fields: []Field{f("first_name", FieldString), f("last_name", FieldString), f("phone", FieldString),
				f("birth_date", FieldString), f("gender", FieldString), f("preferred_language", FieldString),
				f("time_zone", FieldString), fn("created_at", FieldTime), fn("updated_at", FieldTime)},
			Excluded: map[string]string{
				"user_id": "the account the export is for",
				"version": "an edit counter that detects two saves of one form",
			}},
		{Name: "addresses", Table: "addresses", From: addrFrom, Args: byU,
			Fields: []Field{f("kind", FieldString), f("line1", FieldString), f("line2", FieldString), f("postal_code", FieldString),
				f("city", FieldString), f("region", FieldString), f("country", FieldString), fn("created_at", FieldTime), fn("updated_at", FieldTime)},
			Excluded: map[string]string{
				"id":      "the portal's number for the row; an address is named by its kind",
				"user_id": "the account the export is for",
			}},
		{Name: "changes", Table: "profile_changes", From: changesFrom, Args: byU,
			Fields: []Field{{Name: "at", Column: "created_at", Type: FieldTime}, f("field", FieldString), f("old_value", FieldString),
				f("new_value", FieldString), {Name: "changed_by", Column: "actor_kind", Type: FieldString}, fn("request_id", FieldInt)},
			Excluded: map[string]string{
				"id":       "the portal's number for the row",
				"user_id":  "the account the export is for",
				"actor_id": "the staff member's account: another person's data; changed_by says whether it was the customer, staff or the shop",
			}},
	}
}

// Erasure: the account itself, last of all (erase_profile.go).
func (profileCategory) Erasure() Erasure {
	return Erasure{Default: models.StrategyDelete, Allowed: []string{models.StrategyDelete}}
}

func (profileCategory) Erase(job EraseJob) (Outcome, error) { return eraseProfile(job) }

// Expiries: none by age: the account goes by erasure, requested or after
// the dormant-account warning (internal/retention).
func (profileCategory) Expiries() []Expiry { return nil }
