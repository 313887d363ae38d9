package holdings

// KeyProfile is the customer's profile: name, phone, birth date, gender,
// language, their postal addresses and the history of their changes. The
// page and the edits are the profile service's (internal/profile).
const KeyProfile = "profile"

type profileCategory struct{}

func (profileCategory) Key() string  { return KeyProfile }
func (profileCategory) Path() string { return "/account/data/profile" }

func (profileCategory) Tables() []string {
	return []string{"profiles", "addresses", "profile_changes"}
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
