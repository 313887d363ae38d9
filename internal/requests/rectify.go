package requests

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/models"
	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"
)

// Limits of a rectification.
const (
	maxCorrections = 20
	maxReason      = 2000
)

// Message ids of a rectification's field errors.
const (
	MsgNoCorrections  = "rectify.error.none"
	MsgTooMany        = "rectify.error.too_many"
	MsgFieldUnknown   = "rectify.error.field"
	MsgRecordUnknown  = "rectify.error.record"
	MsgDuplicate      = "rectify.error.duplicate"
	MsgSameValue      = "rectify.error.same"
	MsgProposedEmpty  = "rectify.error.proposed_required"
	MsgProposedLong   = "rectify.error.proposed_too_long"
	MsgProposedChars  = "rectify.error.proposed_chars"
	MsgReasonTooLong  = "rectify.error.reason_too_long"
	MsgChangedSince   = "rectify.error.changed"
	MsgCorrectionGone = "rectify.error.gone"
)

func correctionKey(i int, part string) string {
	return "corrections." + strconv.Itoa(i) + "." + part
}

func (s *Service) profiles() *profile.Service {
	if s.Profiles != nil {
		return s.Profiles
	}
	return &profile.Service{DB: s.DB, Dialect: s.Dialect, Now: s.Now}
}

// storedValue reads what is stored now in the field a correction names,
// on a record of customer userID; ErrNotFound if the record is not theirs.
func storedValue(tx *gorm.DB, userID int64, c models.RequestCorrection, f holdings.Correctable, snap *profile.Snapshot) (string, error) {
	if f.Record == holdings.RecordOwn {
		v, _ := snap.Value(c.Field)
		return v, nil
	}
	var vals []string
	// Table and Column come from the registry, never from the request.
	err := tx.Table(f.Table).Where("id = ? AND user_id = ?", c.RecordID, userID).Limit(1).Pluck(f.Column, &vals).Error
	if err != nil {
		return "", fmt.Errorf("requests: read %s.%s: %w", f.Table, f.Column, err)
	}
	if len(vals) == 0 {
		return "", ErrNotFound
	}
	return vals[0], nil
}

// checkText normalises a free-text correction of a row (a contact
// message's subject or body): trimmed, NFC, within the column's limit,
// with no control characters but the line breaks a body may hold.
func checkRowText(v string, f holdings.Correctable) (string, string) {
	v = norm.NFC.String(strings.TrimSpace(v))
	if v == "" {
		return v, MsgProposedEmpty
	}
	if f.MaxLen > 0 && utf8.RuneCountInString(v) > f.MaxLen {
		return v, MsgProposedLong
	}
	multiline := f.MaxLen == 0 || f.MaxLen > 200
	for _, r := range v {
		if (r == '\n' || r == '\r' || r == '\t') && multiline {
			continue
		}
		if unicode.IsControl(r) || !profile.Printable(string(r)) {
			return v, MsgProposedChars
		}
	}
	return v, ""
}

// checkCorrections validates a rectification's corrections for customer
// userID before they are filed: each names a field its category declares
// correctable, on a record of that customer, with a valid proposed value;
// CurrentValue is filled in from what is stored. Field errors are keyed
// "corrections.<i>.proposed" and the like.
func (s *Service) checkCorrections(tx *gorm.DB, userID int64, cs []models.RequestCorrection) error {
	errs := map[string]string{}
	switch {
	case len(cs) == 0:
		return fault.InvalidFields("requests: no correction", map[string]string{"corrections": MsgNoCorrections})
	case len(cs) > maxCorrections:
		return fault.InvalidFields("requests: too many corrections", map[string]string{"corrections": MsgTooMany})
	}
	snap, err := profile.Read(tx, userID)
	if err != nil {
		return fmt.Errorf("requests: corrections: %w", err)
	}
	seen := map[string]bool{}
	profileChanges := map[string]string{}
	profileIndex := map[string]int{}
	for i := range cs {
		c := &cs[i]
		c.Category, c.Field = strings.TrimSpace(c.Category), strings.TrimSpace(c.Field)
		c.Reason = strings.TrimSpace(c.Reason)
		c.AppliedAt = nil
		if utf8.RuneCountInString(c.Reason) > maxReason {
			errs[correctionKey(i, "reason")] = MsgReasonTooLong
		}
		f, ok := holdings.CorrectableField(c.Category, c.Field)
		if !ok {
			errs[correctionKey(i, "field")] = MsgFieldUnknown
			continue
		}
		if f.Record == holdings.RecordOwn {
			c.RecordID = 0
		} else if c.RecordID <= 0 {
			errs[correctionKey(i, "record")] = MsgRecordUnknown
			continue
		}
		key := c.Category + "/" + strconv.FormatInt(c.RecordID, 10) + "/" + c.Field
		if seen[key] {
			errs[correctionKey(i, "field")] = MsgDuplicate
			continue
		}
		seen[key] = true
		cur, err := storedValue(tx, userID, *c, f, &snap)
		if errors.Is(err, ErrNotFound) {
			errs[correctionKey(i, "record")] = MsgRecordUnknown
			continue
		}
		if err != nil {
			return err
		}
		c.CurrentValue = cur
		if f.Record == holdings.RecordOwn && c.Category == holdings.KeyProfile {
			profileChanges[c.Field] = c.ProposedValue
			profileIndex[c.Field] = i
			continue
		}
		v, msg := checkRowText(c.ProposedValue, f)
		c.ProposedValue = v
		switch {
		case msg != "":
			errs[correctionKey(i, "proposed")] = msg
		case v == cur:
			errs[correctionKey(i, "proposed")] = MsgSameValue
		}
	}
	if len(profileChanges) > 0 {
		normalised, ferrs := profile.CheckChanges(snap, profileChanges, s.now())
		for field, v := range normalised {
			c := &cs[profileIndex[field]]
			c.ProposedValue = v
			if _, bad := ferrs[field]; !bad && v == c.CurrentValue {
				errs[correctionKey(profileIndex[field], "proposed")] = MsgSameValue
			}
		}
		for field, id := range ferrs {
			i, ok := profileIndex[field]
			if !ok {
				// A field not corrected turned invalid (a postal code that
				// no longer fits a corrected country): blame the correction
				// of the same address, else the first one.
				i = firstOfGroup(field, profileIndex)
			}
			if _, taken := errs[correctionKey(i, "proposed")]; !taken {
				errs[correctionKey(i, "proposed")] = id
			}
		}
	}
	if len(errs) > 0 {
		return fault.InvalidFields("requests: invalid corrections", errs)
	}
	return nil
}

// firstOfGroup is the lowest index of a correction in the same address
// as field (billing. or delivery.), or the lowest of all.
func firstOfGroup(field string, index map[string]int) int {
	prefix, _, _ := strings.Cut(field, ".")
	best, bestAny := -1, -1
	for f, i := range index {
		if p, _, ok := strings.Cut(f, "."); ok && p == prefix && (best < 0 || i < best) {
			best = i
		}
		if bestAny < 0 || i < bestAny {
			bestAny = i
		}
	}
	if best >= 0 {
		return best
	}
	return bestAny
}

// ErrCorrectionConflict is the kind of a refused approval whose corrected
// values changed since the request was filed; its Fields name each
// correction ("corrections.<i>.current") with MsgChangedSince.
var ErrCorrectionConflict = fault.New(fault.Conflict, "requests: a value to correct changed since the request was filed")

// applyCorrections writes every correction of rectification r in the
// approval's transaction. A value stored now that is not the one the
// request saw refuses the whole approval: staff must look again rather
// than overwrite a change they have not seen.
func (s *Service) applyCorrections(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest) error {
	if r.UserID == nil {
		return fault.InvalidFields("requests: a rectification without a customer", map[string]string{"corrections": MsgCorrectionGone})
	}
	userID := *r.UserID
	var cs []models.RequestCorrection
	if err := tx.Where("request_id = ? AND applied_at IS NULL", r.ID).Order("id").Find(&cs).Error; err != nil {
		return fmt.Errorf("requests: corrections: %w", err)
	}
	snap, err := profile.Read(tx, userID)
	if err != nil {
		return fmt.Errorf("requests: corrections: %w", err)
	}
	conflicts := map[string]string{}
	profileChanges := map[string]string{}
	fields := make([]holdings.Correctable, len(cs))
	for i, c := range cs {
		f, ok := holdings.CorrectableField(c.Category, c.Field)
		if !ok {
			conflicts[correctionKey(i, "current")] = MsgCorrectionGone
			continue
		}
		fields[i] = f
		cur, err := storedValue(tx, userID, c, f, &snap)
		if errors.Is(err, ErrNotFound) {
			conflicts[correctionKey(i, "current")] = MsgCorrectionGone
			continue
		}
		if err != nil {
			return err
		}
		if cur != c.CurrentValue {
			conflicts[correctionKey(i, "current")] = MsgChangedSince
			continue
		}
		if f.Record == holdings.RecordOwn {
			profileChanges[c.Field] = c.ProposedValue
		}
	}
	if len(conflicts) > 0 {
		return &fault.Error{Kind: fault.Conflict, Msg: ErrCorrectionConflict.Error(), Fields: conflicts, Err: ErrCorrectionConflict}
	}
	if len(profileChanges) > 0 {
		if _, err := s.profiles().Correct(tx, a, userID, profileChanges, r.ID); err != nil {
			if fault.KindOf(err) == fault.Internal && !errors.Is(err, profile.ErrUnknownUser) {
				return fmt.Errorf("requests: correct profile: %w", err)
			}
			return err
		}
	}
	now := s.now()
	for i, c := range cs {
		f := fields[i]
		if f.Record == holdings.RecordRow {
			res := tx.Table(f.Table).Where("id = ? AND user_id = ?", c.RecordID, userID).Update(f.Column, c.ProposedValue)
			if res.Error != nil {
				return fmt.Errorf("requests: correct %s.%s: %w", f.Table, f.Column, res.Error)
			}
		}
		if err := tx.Model(&models.RequestCorrection{}).Where("id = ?", c.ID).Update("applied_at", now).Error; err != nil {
			return fmt.Errorf("requests: correction %d: %w", c.ID, err)
		}
		e := audit.By(a, "request.correction_applied", "request", strconv.FormatInt(r.ID, 10))
		e.Details = map[string]string{"correction": strconv.FormatInt(c.ID, 10), "category": c.Category, "field": c.Field,
			"record": strconv.FormatInt(c.RecordID, 10)}
		if err := audit.Append(tx, s.Dialect, e); err != nil {
			return err
		}
	}
	return nil
}

// CheckCorrections checks the corrections customer userID is about to
// file, as filing will (checkCorrections), without filing anything, and
// returns them as they would be stored: normalised, with CurrentValue.
// The rectification form uses it to show errors beside the fields.
func (s *Service) CheckCorrections(ctx context.Context, a actor.Actor, userID int64, cs []models.RequestCorrection) ([]models.RequestCorrection, error) {
	if err := a.MayActOn(userID); err != nil {
		return nil, err
	}
	out := slices.Clone(cs)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return s.checkCorrections(tx, userID, out) })
	return out, err
}

// CurrentValue is what is stored now in one correctable field of customer
// userID (recordID for a field kept in rows): an unknown field is
// Invalid, a record that is not theirs ErrNotFound.
func (s *Service) CurrentValue(ctx context.Context, a actor.Actor, userID int64, category string, recordID int64, field string) (string, error) {
	if err := a.MayActOn(userID); err != nil {
		return "", err
	}
	f, ok := holdings.CorrectableField(category, field)
	if !ok {
		return "", fault.InvalidFields("requests: not correctable", map[string]string{"field": MsgFieldUnknown})
	}
	db := s.DB.WithContext(ctx)
	c := models.RequestCorrection{Category: category, Field: field, RecordID: recordID}
	if f.Record == holdings.RecordOwn {
		snap, err := profile.Read(db, userID)
		if err != nil {
			return "", fmt.Errorf("requests: current value: %w", err)
		}
		return storedValue(db, userID, c, f, &snap)
	}
	if recordID <= 0 {
		return "", ErrNotFound
	}
	return storedValue(db, userID, c, f, nil)
}
