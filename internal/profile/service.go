package profile

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// historyKind is who made a change, as the change history shows it to
// the customer: themselves, the shop's staff (admins included) or the
// shop's systems.
func historyKind(a actor.Actor) (string, error) {
	switch a.Kind {
	case actor.Customer:
		return "customer", nil
	case actor.Staff, actor.Admin:
		return "staff", nil
	case actor.API:
		return "api", nil
	}
	return "", fault.New(fault.Forbidden, "profile: "+string(a.Kind)+" cannot edit a profile")
}

// Snapshot is a customer's profile with both addresses. A profile never
// saved has Version 0; an address not given has ID 0.
type Snapshot struct {
	Profile           models.Profile
	Billing, Delivery models.Address
}

var (
	// ErrInvalid is wrapped by *ValidationError.
	ErrInvalid = errors.New("profile: invalid input")
	// ErrConflict is wrapped by *ConflictError.
	ErrConflict = errors.New("profile: changed since the form was loaded")
	// ErrUnknownUser is returned when saving a profile for no user.
	ErrUnknownUser = fault.New(fault.NotFound, "profile: no such user")
)

// ValidationError carries the per-field messages of a refused save.
type ValidationError struct{ Fields FieldErrors }

// Error names the fields only: their values are personal data.
func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		names = append(names, f)
	}
	slices.Sort(names)
	return ErrInvalid.Error() + ": " + strings.Join(names, ", ")
}

func (e *ValidationError) Unwrap() error { return ErrInvalid }

// FaultKind marks a refused save as bad input for the web layer.
func (e *ValidationError) FaultKind() fault.Kind { return fault.Invalid }

// ConflictError says the profile was saved by someone else since the form
// was loaded. Current is what is stored now; Fields lists the fields whose
// stored value differs from the submitted one, so the form can keep the
// customer's input and point at what changed.
type ConflictError struct {
	Current Snapshot
	Fields  []string
}

func (e *ConflictError) Error() string {
	return ErrConflict.Error() + ": " + strings.Join(e.Fields, ", ")
}

func (e *ConflictError) Unwrap() error { return ErrConflict }

// FaultKind marks a lost race as a conflict for the web layer.
func (e *ConflictError) FaultKind() fault.Kind { return fault.Conflict }

// errLostRace means a concurrent save committed between our read and our
// write; the transaction is rolled back and reported as a conflict.
var errLostRace = errors.New("profile: concurrent save")

// Service reads and saves profiles.
type Service struct {
	DB      *gorm.DB
	Dialect models.Dialect
	Now     func() time.Time // nil: the wall clock
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Get returns the customer's profile. Reading writes nothing: a customer
// who never saved gets an empty profile with Version 0.
func (s *Service) Get(ctx context.Context, userID int64) (Snapshot, error) {
	snap, err := load(s.DB.WithContext(ctx), userID)
	if err != nil {
		return Snapshot{}, fmt.Errorf("profile: get: %w", err)
	}
	return snap, nil
}

func load(db *gorm.DB, userID int64) (Snapshot, error) {
	snap := Snapshot{
		Profile:  models.Profile{UserID: userID},
		Billing:  models.Address{UserID: userID, Kind: models.AddressBilling},
		Delivery: models.Address{UserID: userID, Kind: models.AddressDelivery},
	}
	err := db.Where("user_id = ?", userID).Take(&snap.Profile).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return Snapshot{}, err
	}
	var addrs []models.Address
	if err := db.Where("user_id = ?", userID).Find(&addrs).Error; err != nil {
		return Snapshot{}, err
	}
	for _, a := range addrs {
		switch a.Kind {
		case models.AddressBilling:
			snap.Billing = a
		case models.AddressDelivery:
			snap.Delivery = a
		}
	}
	return snap, nil
}

// Update validates and saves a profile in one transaction: the version is
// checked and bumped, only changed columns are written, each changed field
// gets a history row, and the user's display name and locale follow. A
// save that changes nothing writes nothing.
func (s *Service) Update(ctx context.Context, a actor.Actor, userID int64, in Input) (Snapshot, error) {
	kind, err := historyKind(a)
	if err != nil {
		return Snapshot{}, err
	}
	if err := a.MayActOn(userID); err != nil {
		return Snapshot{}, err
	}
	now := s.now()
	in, errs := Validate(in, now)
	if errs != nil {
		return Snapshot{}, &ValidationError{Fields: errs}
	}
	var saved Snapshot
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		user, err := loadUser(tx, userID)
		if err != nil {
			return err
		}
		cur, err := load(tx, userID)
		if err != nil {
			return err
		}
		if cur.Profile.Version != in.Version {
			return &ConflictError{Current: cur, Fields: differing(cur, in)}
		}
		changed := differing(cur, in)
		if len(changed) == 0 {
			saved = cur
			return nil
		}
		// The profile row goes first: its version check is what makes a
		// concurrent save lose before it has written anything else.
		if err := writeProfile(tx, cur.Profile, in, now); err != nil {
			return err
		}
		if err := writeAddress(tx, cur.Billing, in.Billing, now); err != nil {
			return err
		}
		if err := writeAddress(tx, cur.Delivery, in.Delivery, now); err != nil {
			return err
		}
		if err := writeHistory(tx, cur, in, changed, kind, a.ID(), now); err != nil {
			return err
		}
		// The audit row names the fields, never their values: those are in
		// the customer's own history, which erasure can remove.
		e := audit.By(a, "profile.updated", "user", strconv.FormatInt(userID, 10))
		e.Details = map[string]string{"fields": strings.Join(changed, ",")}
		if err := audit.Append(tx, s.Dialect, e); err != nil {
			return err
		}
		if err := syncUser(tx, user, in, now); err != nil {
			return err
		}
		saved, err = load(tx, userID)
		return err
	})
	var conflict *ConflictError
	switch {
	case errors.Is(err, errLostRace):
		cur, gerr := s.Get(ctx, userID)
		if gerr != nil {
			return Snapshot{}, gerr
		}
		return Snapshot{}, &ConflictError{Current: cur, Fields: differing(cur, in)}
	case errors.As(err, &conflict), errors.Is(err, ErrUnknownUser):
		return Snapshot{}, err
	case err != nil:
		return Snapshot{}, fmt.Errorf("profile: update: %w", err)
	}
	return saved, nil
}

// writeProfile inserts the first version or bumps the stored one, on the
// condition that nobody else did in between.
func writeProfile(tx *gorm.DB, cur models.Profile, in Input, now time.Time) error {
	if cur.Version == 0 {
		p := models.Profile{
			UserID: cur.UserID, FirstName: in.FirstName, LastName: in.LastName, Phone: in.Phone,
			BirthDate: in.BirthDate, Gender: in.Gender, PreferredLanguage: in.PreferredLanguage,
			TimeZone: in.TimeZone, Version: 1, CreatedAt: now, UpdatedAt: now,
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&p)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errLostRace
		}
		return nil
	}
	set := map[string]any{"version": gorm.Expr("version + 1"), "updated_at": now}
	for _, c := range []struct {
		column, old, new string
	}{
		{"first_name", cur.FirstName, in.FirstName},
		{"last_name", cur.LastName, in.LastName},
		{"phone", cur.Phone, in.Phone},
		{"birth_date", cur.BirthDate, in.BirthDate},
		{"gender", cur.Gender, in.Gender},
		{"preferred_language", cur.PreferredLanguage, in.PreferredLanguage},
		{"time_zone", cur.TimeZone, in.TimeZone},
	} {
		if c.old != c.new {
			set[c.column] = c.new
		}
	}
	res := tx.Model(&models.Profile{}).
		Where("user_id = ? AND version = ?", cur.UserID, cur.Version).Updates(set)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return errLostRace
	}
	return nil
}

func writeAddress(tx *gorm.DB, cur models.Address, in AddressInput, now time.Time) error {
	switch {
	case in == addressInput(cur):
		return nil
	case in == AddressInput{}:
		return tx.Where("id = ?", cur.ID).Delete(&models.Address{}).Error
	case cur.ID == 0:
		a := models.Address{
			UserID: cur.UserID, Kind: cur.Kind, Line1: in.Line1, Line2: in.Line2,
			PostalCode: in.PostalCode, City: in.City, Region: in.Region, Country: in.Country,
			CreatedAt: now, UpdatedAt: now,
		}
		return tx.Create(&a).Error
	}
	set := map[string]any{"updated_at": now}
	old := addressInput(cur)
	for _, c := range []struct {
		column, old, new string
	}{
		{"line1", old.Line1, in.Line1},
		{"line2", old.Line2, in.Line2},
		{"postal_code", old.PostalCode, in.PostalCode},
		{"city", old.City, in.City},
		{"region", old.Region, in.Region},
		{"country", old.Country, in.Country},
	} {
		if c.old != c.new {
			set[c.column] = c.new
		}
	}
	return tx.Model(&models.Address{}).Where("id = ?", cur.ID).Updates(set).Error
}

func writeHistory(tx *gorm.DB, cur Snapshot, in Input, changed []string, kind string, actorID *int64, now time.Time) error {
	old, neu := snapshotValues(cur), inputValues(in)
	rows := make([]models.ProfileChange, 0, len(changed))
	for i, name := range fieldNames {
		if old[i] == neu[i] {
			continue
		}
		rows = append(rows, models.ProfileChange{
			UserID: cur.Profile.UserID, CreatedAt: now, Field: name,
			OldValue: old[i], NewValue: neu[i], ActorKind: kind, ActorID: actorID,
		})
	}
	return tx.Create(&rows).Error
}

// syncUser keeps the account's display name, mail language and time zone
// (used by mails and the staff screens) equal to what the customer last
// saved. The header's language switcher no longer writes the account, so
// the preferred language on the form is the mail language, always; a save
// also mends accounts whose two values drifted apart under the old rule.
func syncUser(tx *gorm.DB, u models.User, in Input, now time.Time) error {
	set := map[string]any{}
	if name := displayName(in.FirstName, in.LastName); name != u.Name {
		set["name"] = name
	}
	if in.PreferredLanguage != "" && in.PreferredLanguage != u.Locale {
		set["locale"] = in.PreferredLanguage
	}
	if in.TimeZone != u.TimeZone {
		set["time_zone"] = in.TimeZone
	}
	if len(set) == 0 {
		return nil
	}
	set["updated_at"] = now
	return tx.Model(&models.User{}).Where("id = ?", u.ID).Updates(set).Error
}

func loadUser(tx *gorm.DB, userID int64) (models.User, error) {
	var u models.User
	err := tx.Select("id", "name", "locale", "time_zone").Where("id = ?", userID).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrUnknownUser
	}
	return u, err
}

// displayName fits users.name, which is shorter than two full names.
func displayName(first, last string) string {
	name := strings.TrimSpace(first + " " + last)
	if utf8.RuneCountInString(name) > 200 {
		name = strings.TrimSpace(string([]rune(name)[:200]))
	}
	return name
}

// Changes lists a customer's change history, newest first, with the total
// count for paging. limit is clamped to 1..200 (50 when not positive).
func (s *Service) Changes(ctx context.Context, userID int64, limit, offset int) ([]models.ProfileChange, int64, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	offset = max(offset, 0)
	db := s.DB.WithContext(ctx)
	var total int64
	if err := db.Model(&models.ProfileChange{}).Where("user_id = ?", userID).Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("profile: changes: %w", err)
	}
	var out []models.ProfileChange
	err := db.Where("user_id = ?", userID).Order("created_at DESC, id DESC").
		Limit(limit).Offset(offset).Find(&out).Error
	if err != nil {
		return nil, 0, fmt.Errorf("profile: changes: %w", err)
	}
	return out, total, nil
}
