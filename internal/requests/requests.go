// Package requests runs privacy requests: intake from the portal and the
// public form, proportionate identity verification, the legal deadlines,
// the staff desk's actions and queries, and the fulfilment of the kinds
// answered here (rectification, restriction, objection). Access,
// portability and erasure are handed off in "waiting for fulfilment" to
// the export and erasure services.
//
// Every change goes through move (one action of the transition table in
// transitions.go), which writes the new status with a guard on the old
// one, a timeline event, an audit entry and the requester's mail in one
// transaction. Requester-facing queries never touch request_notes.
package requests

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/profile"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/internal/vault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// ErrNotFound is returned for a request that does not exist or that the
// actor may not see (the two are not told apart).
var ErrNotFound = fault.New(fault.NotFound, "requests: not found")

// Service holds the requests' rules. It holds no HTTP.
type Service struct {
	DB       *gorm.DB
	Dialect  models.Dialect
	Mailer   *mail.Mailer
	Settings *settings.Service // nil: the defaults
	Vault    *vault.Vault      // ID documents, encrypted at rest
	Secrets  *vault.KeyRing    // keys the codes' and tokens' hashes
	Profiles *profile.Service  // applies approved rectifications
	BaseURL  string
	// Handoffs start the fulfilment of the kinds later services answer
	// (the export for access and portability); the server wires them.
	Handoffs map[models.RequestKind]Handoff
	// HandoffNotes add to what the requester of a handed-off kind is told
	// at approval (an erasure's cool-off: the date, and that they may
	// cancel or waive it).
	HandoffNotes map[models.RequestKind]func(tx *gorm.DB, r *models.PrivacyRequest) (string, error)
	// OnMarketingObjection runs in the transaction recording an
	// objection to direct marketing, once per request: the consent ledger
	// withdraws the subject's marketing there (the server wires it to
	// consent.Service.WithdrawAllMarketing). userID is nil for a
	// requester without an account. An error rolls the recording back.
	OnMarketingObjection func(tx *gorm.DB, userID *int64, email string) error
	// PassOn tells the connected systems (GDPR Art. 19), in the
	// transaction, that r's rectification was applied or its restriction
	// placed (event: models.EventRectification, EventRestriction); the
	// server wires it to erasure.Service.PassOn. An error rolls it back.
	PassOn func(tx *gorm.DB, r *models.PrivacyRequest, event string) error
	Now    func() time.Time // nil: the wall clock
	Logger *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Reasons a request may be denied, each shown to the requester with the
// text staff write (GDPR Art. 12(4)).
var DenyCodes = []string{"insufficient_verification", "no_match", "suspected_fraud", "excessive",
	"outside_jurisdiction", "legal_obligation", "other"}

// Number is how a request is named to people: "#42".
func Number(id int64) string { return "#" + strconv.FormatInt(id, 10) }

// partyOf is the column of the transition table an actor stands in.
func partyOf(a actor.Actor) party {
	switch a.Kind {
	case actor.Customer, actor.Requester:
		return byRequester
	case actor.Staff, actor.Admin:
		return byStaff
	}
	return bySystem
}

// eventActor is the timeline's "who": the requester, staff or the system.
func eventActor(a actor.Actor) string {
	switch partyOf(a) {
	case byRequester:
		return "requester"
	case byStaff:
		return "staff"
	}
	return "system"
}

// load reads a request by id inside tx.
func load(tx *gorm.DB, id int64) (models.PrivacyRequest, error) {
	var r models.PrivacyRequest
	err := tx.Take(&r, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("requests: load %d: %w", id, err)
	}
	return r, nil
}

// step is one action taken through move.
type step struct {
	Action Action
	// Note is what the requester is told with the mail and sees on the
	// timeline (a denial's text, an extension's reason); never staff-only.
	Note string
	// Audit adds details to the audit entry (no personal data).
	Audit map[string]string
	// Quiet skips the requester's mail (an assignment, an internal move).
	Quiet bool
}

// move takes one action on r, which the caller loaded in tx and may have
// changed (a deadline, a denial's code): the status follows the table,
// the row is written only if its status is still the one loaded (someone
// acting first gets ErrWrongState, not a lost update), and the event,
// the audit entry and the requester's mail are written with it.
func (s *Service) move(tx *gorm.DB, a actor.Actor, r *models.PrivacyRequest, st step) (err error) {
	from := r.Status
	to, err := next(st.Action, from, partyOf(a))
	if err != nil {
		return err
	}
	now := s.now()
	if to != "" {
		r.Status = to
		if !to.Open() && r.ClosedAt == nil {
			r.ClosedAt = &now
		}
	}
	r.UpdatedAt = now
	if st.Action == ActFile {
		if err := tx.Create(r).Error; err != nil {
			return fmt.Errorf("requests: file: %w", err)
		}
	} else {
		res := tx.Model(&models.PrivacyRequest{}).Where("id = ? AND status = ?", r.ID, from).
			Select("*").Omit("id", "created_at").Updates(r)
		if res.Error != nil {
			return fmt.Errorf("requests: %s %d: %w", st.Action, r.ID, res.Error)
		}
		if res.RowsAffected == 0 {
			return ErrWrongState
		}
	}
	ev := models.RequestEvent{RequestID: r.ID, At: now, ActorKind: eventActor(a), ActorID: a.ID(),
		Action: string(st.Action), FromStatus: string(from), ToStatus: string(r.Status), Note: st.Note}
	if err := tx.Create(&ev).Error; err != nil {
		return fmt.Errorf("requests: event: %w", err)
	}
	e := audit.By(a, "request."+string(st.Action), "request", strconv.FormatInt(r.ID, 10))
	e.Details = map[string]string{"kind": string(r.Kind), "from": string(from), "to": string(r.Status)}
	for k, v := range st.Audit {
		e.Details[k] = v
	}
	if err := audit.Append(tx, s.Dialect, e); err != nil {
		return err
	}
	if from == models.StatusAwaitingVerification && r.Status == models.StatusInReview {
		if err := s.staffNotify(tx, r); err != nil {
			return err
		}
		defer func() {
			// After this step's own mail, so the requester reads "verified"
			// before "done".
			if err == nil {
				err = s.afterVerified(tx, a, r)
			}
		}()
	}
	if st.Quiet {
		return nil
	}
	return s.notify(tx, r, ev)
}

// within runs fn in one transaction.
func (s *Service) within(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.DB.WithContext(ctx).Transaction(fn)
}

// Detail is one request with everything its page shows. Notes are loaded
// only for staff: a requester's read leaves them nil, and no requester
// query selects from request_notes.
type Detail struct {
	Request     models.PrivacyRequest
	Events      []models.RequestEvent
	Messages    []models.RequestMessage
	Corrections []models.RequestCorrection
	Documents   []models.RequestDocument
	Notes       []models.RequestNote
}

// detail loads r's page; forStaff adds the internal notes.
func detail(tx *gorm.DB, r models.PrivacyRequest, forStaff bool) (Detail, error) {
	d := Detail{Request: r}
	if err := tx.Where("request_id = ?", r.ID).Order("at, id").Find(&d.Events).Error; err != nil {
		return d, fmt.Errorf("requests: events: %w", err)
	}
	if err := tx.Where("request_id = ?", r.ID).Order("at, id").Find(&d.Messages).Error; err != nil {
		return d, fmt.Errorf("requests: messages: %w", err)
	}
	if err := tx.Where("request_id = ?", r.ID).Order("id").Find(&d.Corrections).Error; err != nil {
		return d, fmt.Errorf("requests: corrections: %w", err)
	}
	if err := tx.Where("request_id = ?", r.ID).Order("id").Find(&d.Documents).Error; err != nil {
		return d, fmt.Errorf("requests: documents: %w", err)
	}
	if forStaff {
		if err := tx.Where("request_id = ?", r.ID).Order("at, id").Find(&d.Notes).Error; err != nil {
			return d, fmt.Errorf("requests: notes: %w", err)
		}
	}
	return d, nil
}
