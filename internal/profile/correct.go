package profile

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// FieldNames lists the profile's field names (first_name, billing.city …)
// in form order.
func FieldNames() []string { return slices.Clone(fieldNames[:]) }

// Value is the stored value of one field, and whether the field exists.
func (s Snapshot) Value(field string) (string, bool) {
	i := slices.Index(fieldNames[:], field)
	if i < 0 {
		return "", false
	}
	return snapshotValues(s)[i], true
}

// with is in with one field set by name.
func (in Input) with(field, value string) Input {
	addr := func(a *AddressInput, part string) {
		switch part {
		case "line1":
			a.Line1 = value
		case "line2":
			a.Line2 = value
		case "postal_code":
			a.PostalCode = value
		case "city":
			a.City = value
		case "region":
			a.Region = value
		case "country":
			a.Country = value
		}
	}
	if part, ok := strings.CutPrefix(field, "billing."); ok {
		addr(&in.Billing, part)
		return in
	}
	if part, ok := strings.CutPrefix(field, "delivery."); ok {
		addr(&in.Delivery, part)
		return in
	}
	switch field {
	case "first_name":
		in.FirstName = value
	case "last_name":
		in.LastName = value
	case "phone":
		in.Phone = value
	case "birth_date":
		in.BirthDate = value
	case "gender":
		in.Gender = value
	case "preferred_language":
		in.PreferredLanguage = value
	case "time_zone":
		in.TimeZone = value
	}
	return in
}

// Read loads a customer's profile inside the caller's transaction.
func Read(tx *gorm.DB, userID int64) (Snapshot, error) { return load(tx, userID) }

// CheckChanges validates changes (field → proposed value) against the
// stored profile cur with the form's rules, as if the customer had typed
// them into the form. It returns the values normalised as the form would
// store them (a phone in E.164), and the errors the changes cause: an
// error on a changed field, or one that appears on another field only
// because of them (a postal code that no longer fits a corrected country),
// reported under that field's name. Errors the stored profile already had
// are not the changes' fault and are left out.
func CheckChanges(cur Snapshot, changes map[string]string, now time.Time) (map[string]string, FieldErrors) {
	errs := FieldErrors{}
	in := cur.Input()
	for f, v := range changes {
		if !slices.Contains(fieldNames[:], f) {
			errs[f] = MsgChoice
			continue
		}
		in = in.with(f, v)
	}
	_, before := Validate(cur.Input(), now)
	out, after := Validate(in, now)
	for f, id := range after {
		if _, changed := changes[f]; changed || before[f] != id {
			errs[f] = id
		}
	}
	norm := make(map[string]string, len(changes))
	vals := inputValues(out)
	for f := range changes {
		if i := slices.Index(fieldNames[:], f); i >= 0 {
			norm[f] = vals[i]
		}
	}
	if len(errs) == 0 {
		return norm, nil
	}
	return norm, errs
}

// Correct applies staff's corrections of a rectification request inside
// the request's transaction tx: the same rules and writes as a save of the
// form, each changed field recorded in the history as staff's with the
// request's id, so the customer reads "corrected by staff on request #N".
// The caller has checked that the stored values are still those the
// request saw.
func (s *Service) Correct(tx *gorm.DB, a actor.Actor, userID int64, changes map[string]string, requestID int64) (Snapshot, error) {
	if !a.IsStaff() && a.Kind != actor.System {
		return Snapshot{}, fault.New(fault.Forbidden, "profile: only staff correct on a request")
	}
	now := s.now()
	user, err := loadUser(tx, userID)
	if err != nil {
		return Snapshot{}, err
	}
	cur, err := load(tx, userID)
	if err != nil {
		return Snapshot{}, err
	}
	if _, errs := CheckChanges(cur, changes, now); errs != nil {
		return Snapshot{}, &ValidationError{Fields: errs}
	}
	in := cur.Input()
	for f, v := range changes {
		in = in.with(f, v)
	}
	in, _ = Validate(in, now)
	changed := differing(cur, in)
	if len(changed) == 0 {
		return cur, nil
	}
	if err := writeProfile(tx, cur.Profile, in, now); err != nil {
		return Snapshot{}, err
	}
	if err := writeAddress(tx, cur.Billing, in.Billing, now); err != nil {
		return Snapshot{}, err
	}
	if err := writeAddress(tx, cur.Delivery, in.Delivery, now); err != nil {
		return Snapshot{}, err
	}
	old, neu := snapshotValues(cur), inputValues(in)
	rid := requestID
	rows := make([]models.ProfileChange, 0, len(changed))
	for i, name := range fieldNames {
		if old[i] != neu[i] {
			rows = append(rows, models.ProfileChange{UserID: userID, CreatedAt: now, Field: name,
				OldValue: old[i], NewValue: neu[i], ActorKind: "staff", ActorID: a.ID(), RequestID: &rid})
		}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return Snapshot{}, err
	}
	e := audit.By(a, "profile.updated", "user", strconv.FormatInt(userID, 10))
	e.Details = map[string]string{"fields": strings.Join(changed, ","), "request": strconv.FormatInt(requestID, 10)}
	if err := audit.Append(tx, s.Dialect, e); err != nil {
		return Snapshot{}, err
	}
	if err := syncUser(tx, user, in, now); err != nil {
		return Snapshot{}, err
	}
	return load(tx, userID)
}
