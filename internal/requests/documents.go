package requests

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// An ID document is asked for only where a rule says so (staff's recorded
// doubt, or the shop's setting for a kind and channel), is checked and
// cleaned by content (documents_check.go), stored encrypted in the vault,
// shown to staff only through an audited route, and destroyed as soon as
// the identity decision is made (after the configured grace; the sweep is
// the backstop). The row stays as evidence: purpose, type, size, times.

// ErrDocumentNotWanted is an upload nobody asked for, or too late.
var ErrDocumentNotWanted = fault.InvalidFields("requests: no document is wanted for this request",
	map[string]string{DocumentField: msgDocumentNotNow})

// DocumentWanted reports whether r asks its requester for an ID document
// now: open, awaiting verification, and a document required by staff's
// doubt or by the verification rule for its channel and kind.
func (s *Service) DocumentWanted(r models.PrivacyRequest) bool {
	if r.Status != models.StatusAwaitingVerification {
		return false
	}
	if r.DocumentRequired {
		return true
	}
	rules := settings.VerifyPublic
	if r.Channel == models.ChannelPortal {
		rules = settings.VerifyPortal
	}
	rule, ok := rules[string(r.Kind)]
	return ok && rule.Get(s.Settings) == settings.VerifyDocument
}

// permissionWanted reports whether r, filed by an authorized agent, still
// takes the agent's signed permission: until its identity is decided.
func permissionWanted(r models.PrivacyRequest) bool {
	return r.Channel == models.ChannelAgent && r.Status == models.StatusAwaitingVerification
}

// mayUpload checks that a may attach a document of purpose to r. A
// customer reaches only their own requests (another's is not found); a
// public requester comes through the handler's session pass for this id.
func (s *Service) mayUpload(a actor.Actor, r models.PrivacyRequest, purpose string) error {
	switch a.Kind {
	case actor.Customer:
		if r.UserID == nil || *r.UserID != a.UserID || a.UserID == 0 {
			return ErrNotFound
		}
	case actor.Requester:
		if r.Channel == models.ChannelPortal {
			return ErrNotFound
		}
	default:
		return ErrNotYours
	}
	switch purpose {
	case models.DocumentIdentity:
		if !s.DocumentWanted(r) {
			return ErrDocumentNotWanted
		}
	case models.DocumentAgentPermission:
		// At filing: the request is new and was filed by an agent.
		if !permissionWanted(r) {
			return ErrDocumentNotWanted
		}
	default:
		return fault.New(fault.Invalid, "requests: unknown document purpose")
	}
	return nil
}

// UploadState is what an upload page needs to know about its request.
type UploadState struct {
	Request models.PrivacyRequest
	// Wanted: the form is offered.
	Wanted bool
	// Received are the documents of the purpose received and not yet
	// destroyed.
	Received []models.RequestDocument
}

// DocumentUpload reads request id for a's upload page of a document of
// purpose (the same checks as AttachDocument, without the status rule:
// the page says when no document is wanted).
func (s *Service) DocumentUpload(ctx context.Context, a actor.Actor, id int64, purpose string) (UploadState, error) {
	var st UploadState
	err := s.within(ctx, func(tx *gorm.DB) error {
		r, err := load(tx, id)
		if err != nil {
			return err
		}
		err = s.mayUpload(a, r, purpose)
		if err != nil && !errors.Is(err, ErrDocumentNotWanted) {
			return err
		}
		st.Request, st.Wanted = r, err == nil
		return tx.Where("request_id = ? AND purpose = ? AND destroyed_at IS NULL", id, purpose).
			Order("id").Find(&st.Received).Error
	})
	return st, err
}

// AttachDocument checks and stores an uploaded document (an ID document,
// or an agent's signed permission) for request id.
func (s *Service) AttachDocument(ctx context.Context, a actor.Actor, id int64, purpose string, body io.Reader) (models.RequestDocument, error) {
	var doc models.RequestDocument
	// Who and when first: nothing is read for someone who may not upload.
	err := s.within(ctx, func(tx *gorm.DB) error {
		r, err := load(tx, id)
		if err != nil {
			return err
		}
		return s.mayUpload(a, r, purpose)
	})
	if err != nil {
		return doc, err
	}
	raw, err := readDocument(body)
	if err != nil {
		return doc, err
	}
	clean, contentType, err := cleanDocument(ctx, raw)
	if err != nil {
		return doc, err
	}
	if s.Vault == nil {
		return doc, fault.New(fault.Internal, "requests: no vault for documents")
	}
	key, err := s.Vault.Put(clean)
	if err != nil {
		return doc, fmt.Errorf("requests: store document: %w", err)
	}
	err = s.within(ctx, func(tx *gorm.DB) error {
		r, err := load(tx, id)
		if err != nil {
			return err
		}
		if err := s.mayUpload(a, r, purpose); err != nil {
			return err
		}
		doc = models.RequestDocument{RequestID: id, Purpose: purpose, FileKey: key, ContentType: contentType,
			SizeBytes: int64(len(clean)), UploadedAt: s.now()}
		if err := tx.Create(&doc).Error; err != nil {
			return fmt.Errorf("requests: document row: %w", err)
		}
		e := audit.By(a, "request.document_uploaded", "request", strconv.FormatInt(id, 10))
		e.Details = map[string]string{"document": strconv.FormatInt(doc.ID, 10), "purpose": purpose,
			"content_type": contentType, "size": strconv.Itoa(len(clean))}
		return audit.Append(tx, s.Dialect, e)
	})
	if err != nil {
		if derr := s.Vault.Delete(key); derr != nil {
			s.log().ErrorContext(ctx, "requests: document left in the vault after a failed upload", "request", id, "err", derr)
		}
		return models.RequestDocument{}, err
	}
	return doc, nil
}

// OpenDocument gives staff the content of document docID of request
// requestID, and records that they looked. A destroyed document, or one
// of another request, is not found.
func (s *Service) OpenDocument(ctx context.Context, a actor.Actor, requestID, docID int64) ([]byte, string, error) {
	if !a.IsStaff() {
		return nil, "", ErrNotYours
	}
	var content []byte
	var doc models.RequestDocument
	err := s.within(ctx, func(tx *gorm.DB) error {
		err := tx.Take(&doc, "id = ? AND request_id = ?", docID, requestID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("requests: document: %w", err)
		}
		if doc.DestroyedAt != nil || doc.FileKey == "" || s.Vault == nil {
			return ErrNotFound
		}
		if doc.DestroyAfter != nil && !doc.DestroyAfter.After(s.now()) {
			return ErrNotFound // due: the sweep is on its way
		}
		if content, err = s.Vault.Get(doc.FileKey); err != nil {
			// Its file is gone (destroyed by a decision whose transaction
			// failed afterwards): the sweep finishes the row.
			return fault.Wrap(fault.NotFound, "requests: document file", err)
		}
		e := audit.By(a, "request.document_viewed", "request", strconv.FormatInt(requestID, 10))
		e.Details = map[string]string{"document": strconv.FormatInt(docID, 10), "purpose": doc.Purpose}
		return audit.Append(tx, s.Dialect, e)
	})
	if err != nil {
		return nil, "", err
	}
	return content, doc.ContentType, nil
}

// decideDocuments is called in the transaction of an identity decision
// and of every close: r's identity documents (and, once r is closed, all
// its documents) are due for destruction after the grace. With no grace
// they are destroyed here: the file first, inside the transaction, so a
// committed decision never leaves a file behind. Should the transaction
// fail after that, the row still names a file that is gone: the viewer
// says not found and the sweep finishes the row. A file that could not be
// deleted keeps its row due now, for the sweep.
func (s *Service) decideDocuments(tx *gorm.DB, r *models.PrivacyRequest) error {
	now := s.now()
	due := now.Add(settings.RequestDocumentGrace.Get(s.Settings))
	q := tx.Where("request_id = ? AND destroyed_at IS NULL", r.ID)
	if r.Status.Open() {
		q = q.Where("purpose = ?", models.DocumentIdentity)
	}
	var docs []models.RequestDocument
	if err := q.Order("id").Find(&docs).Error; err != nil {
		return fmt.Errorf("requests: documents of %d: %w", r.ID, err)
	}
	for _, d := range docs {
		if !due.After(now) {
			if _, err := s.destroyDocument(tx, d, now); err != nil {
				return err
			}
			continue
		}
		if d.DestroyAfter != nil && !d.DestroyAfter.After(due) {
			continue
		}
		if err := tx.Model(&models.RequestDocument{}).Where("id = ?", d.ID).Update("destroy_after", due).Error; err != nil {
			return fmt.Errorf("requests: document %d due: %w", d.ID, err)
		}
	}
	return nil
}

// destroyDocument deletes d's file and keeps its row as evidence. A file
// that cannot be deleted leaves the row due at once for the sweep. It
// reports whether it destroyed d.
func (s *Service) destroyDocument(tx *gorm.DB, d models.RequestDocument, now time.Time) (bool, error) {
	if d.FileKey != "" {
		if s.Vault == nil {
			return false, fault.New(fault.Internal, "requests: no vault for documents")
		}
		if err := s.Vault.Delete(d.FileKey); err != nil {
			s.log().Error("requests: document file not deleted; the sweep retries", "document", d.ID, "err", err)
			return false, tx.Model(&models.RequestDocument{}).Where("id = ?", d.ID).Update("destroy_after", now).Error
		}
	}
	res := tx.Model(&models.RequestDocument{}).Where("id = ? AND destroyed_at IS NULL", d.ID).
		Updates(map[string]any{"file_key": "", "destroyed_at": now, "destroy_after": now})
	if res.Error != nil {
		return false, fmt.Errorf("requests: destroy document %d: %w", d.ID, res.Error)
	}
	if res.RowsAffected == 0 {
		return false, nil // destroyed meanwhile
	}
	e := audit.By(actor.SystemActor(), "request.document_destroyed", "request", strconv.FormatInt(d.RequestID, 10))
	e.Details = map[string]string{"document": strconv.FormatInt(d.ID, 10), "purpose": d.Purpose}
	return true, audit.Append(tx, s.Dialect, e)
}

// closedStatuses are the statuses a request ends in.
func closedStatuses() []models.RequestStatus {
	var out []models.RequestStatus
	for _, st := range models.RequestStatuses {
		if !st.Open() {
			out = append(out, st)
		}
	}
	return out
}

// SweepDocuments destroys every document whose destruction is due: the
// backstop behind the destruction at the identity decision. Due are the
// documents past their DestroyAfter, and those of requests closed for
// longer than the grace (a close that did not call decideDocuments).
func (s *Service) SweepDocuments(ctx context.Context) (int, error) {
	now := s.now()
	closedBefore := now.Add(-settings.RequestDocumentGrace.Get(s.Settings))
	var docs []models.RequestDocument
	err := s.DB.WithContext(ctx).Where("destroyed_at IS NULL").
		Where("destroy_after <= ? OR request_id IN (?)", now,
			s.DB.Model(&models.PrivacyRequest{}).Select("id").
				Where("status IN ? AND closed_at IS NOT NULL AND closed_at <= ?", closedStatuses(), closedBefore)).
		Order("id").Find(&docs).Error
	if err != nil {
		return 0, fmt.Errorf("requests: due documents: %w", err)
	}
	n := 0
	for _, d := range docs {
		err := s.within(ctx, func(tx *gorm.DB) error {
			done, err := s.destroyDocument(tx, d, now)
			if done {
				n++
			}
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
