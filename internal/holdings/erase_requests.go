package holdings

import (
	"fmt"

	"github.com/photolab/privacyportal/models"
)

// requestRecordFields are what pseudonymizing a request blanks: who asked
// and everything typed about them. Kind, status, channel, jurisdiction,
// categories and dates stay: the record of how requests were answered
// (CCPA §7101 keeps it 24 months) names nobody.
var requestRecordFields = map[string]any{
	"requester_email": "", "requester_name": "", "details": "", "agent_name": "", "agent_email": "",
	"verification_note": "", "doubt_reason": "", "deny_text": "", "extension_reason": "", "status_token_hash": "",
}

// eraseRequests deletes what the customer's requests hold about them
// (messages, staff notes, corrections, codes, documents with their files,
// marketing objections) and blanks the requests' own personal fields and
// their timeline notes. With the delete strategy the records go too,
// except the request being carried out, which must still complete.
func eraseRequests(job EraseJob) (Outcome, error) {
	var ids []int64
	q := job.Tx.Model(&models.PrivacyRequest{})
	switch {
	case job.UserID != 0 && job.Email != "":
		q = q.Where("user_id = ? OR (user_id IS NULL AND requester_email = ?) OR id = ?",
			job.UserID, normEmail(job.Email), job.RequestID)
	case job.Email != "":
		q = q.Where("(user_id IS NULL AND requester_email = ?) OR id = ?", normEmail(job.Email), job.RequestID)
	default:
		q = q.Where("user_id = ? OR id = ?", job.UserID, job.RequestID)
	}
	if err := q.Order("id").Pluck("id", &ids).Error; err != nil {
		return Outcome{}, fmt.Errorf("holdings: erase requests: %w", err)
	}
	var removed int64
	if len(ids) > 0 {
		if err := job.dropFiles("request_documents WHERE request_id IN ?", []any{ids}, "file_key"); err != nil {
			return Outcome{}, err
		}
		for _, t := range []string{"request_documents", "request_messages", "request_notes", "request_corrections", "request_codes"} {
			n, err := job.exec(t, "DELETE FROM "+t+" WHERE request_id IN ?", ids)
			if err != nil {
				return Outcome{}, err
			}
			removed += n
		}
		if _, err := job.exec("request events", "UPDATE request_events SET note = '' WHERE request_id IN ? AND note <> ''", ids); err != nil {
			return Outcome{}, err
		}
		if err := job.Tx.Model(&models.PrivacyRequest{}).Where("id IN ?", ids).Updates(requestRecordFields).Error; err != nil {
			return Outcome{}, fmt.Errorf("holdings: erase requests: %w", err)
		}
	}
	obj := job.Tx.Where("1 = 0")
	if job.UserID != 0 {
		obj = obj.Or("user_id = ?", job.UserID)
	}
	if job.Email != "" {
		obj = obj.Or("email = ?", normEmail(job.Email))
	}
	res := obj.Delete(&models.MarketingObjection{})
	if res.Error != nil {
		return Outcome{}, fmt.Errorf("holdings: erase objections: %w", res.Error)
	}
	removed += res.RowsAffected
	kept := int64(len(ids))
	if job.Strategy.Strategy == models.StrategyDelete && len(ids) > 0 {
		n, err := job.exec("requests", "DELETE FROM privacy_requests WHERE id IN ? AND id <> ?", ids, job.RequestID)
		if err != nil {
			return Outcome{}, err
		}
		removed += n
		kept -= n
	}
	out := Outcome{Removed: removed, Retained: kept}
	if kept > 0 {
		out.Reason, out.Basis = ReasonRecord, job.Strategy.LegalBasis
	}
	return out, nil
}

// eraseConsents cuts the ledger from the person: the request evidence of
// every change (IP, user agent) and the policy acknowledgements go, and
// the subject loses its account and its address hash. The events stay
// (the ledger is append-only): they still prove each withdrawal, of
// nobody anyone can name. The suppress strategy also puts the address on
// the suppression list; that is the engine's, in the run's last step.
func eraseConsents(job EraseJob) (Outcome, error) {
	var subjects []int64
	q := job.Tx.Model(&models.ConsentSubject{}).Where("1 = 0")
	if job.UserID != 0 {
		q = q.Or("user_id = ?", job.UserID)
	}
	if len(job.EmailHashes) > 0 {
		q = q.Or("email_hash IN ?", job.EmailHashes)
	}
	if err := q.Pluck("id", &subjects).Error; err != nil {
		return Outcome{}, fmt.Errorf("holdings: erase consents: %w", err)
	}
	var removed, events int64
	if len(subjects) > 0 {
		n, err := job.exec("consent evidence", `DELETE FROM consent_evidences WHERE event_id IN
			(SELECT id FROM consent_events WHERE subject_id IN ?)`, subjects)
		if err != nil {
			return Outcome{}, err
		}
		removed += n
		if _, err := job.exec("consent subjects", "UPDATE consent_subjects SET user_id = NULL, email_hash = NULL WHERE id IN ?", subjects); err != nil {
			return Outcome{}, err
		}
		if err := job.Tx.Model(&models.ConsentEvent{}).Where("subject_id IN ?", subjects).Count(&events).Error; err != nil {
			return Outcome{}, fmt.Errorf("holdings: erase consents: %w", err)
		}
	}
	n, err := job.deleteOwn("policy_acks")
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{Removed: removed + n, Retained: events}
	if events > 0 {
		out.Reason, out.Basis = ReasonLedger, job.Strategy.LegalBasis
	}
	return out, nil
}
