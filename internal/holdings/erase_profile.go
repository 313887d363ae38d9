package holdings

import (
	"fmt"
)

// eraseProfile runs last, once every other category is done: it deletes
// the profile, the addresses and their change history, the customer's
// download packages (with their files), the mail kept for the address and
// the finished jobs naming it. When the account itself goes (job.Account:
// everything erased, nothing held) the users row is deleted; otherwise it
// stays for what is held, with sign-in disabled: no address (a
// placeholder), no password, no second factor, no sessions or codes, and
// no name.
func eraseProfile(job EraseJob) (Outcome, error) {
	var removed int64
	if job.UserID != 0 {
		for _, t := range []string{"profile_changes", "addresses", "profiles"} {
			n, err := job.deleteOwn(t)
			if err != nil {
				return Outcome{}, err
			}
			removed += n
		}
		if err := job.dropFiles("exports WHERE user_id = ?", []any{job.UserID}, "file_key"); err != nil {
			return Outcome{}, err
		}
		for _, t := range []string{"exports", "dormancy_notices"} {
			if _, err := job.deleteOwn(t); err != nil {
				return Outcome{}, err
			}
		}
	}
	if err := job.clearCredentials(); err != nil {
		return Outcome{}, err
	}
	if err := job.forgetMail(); err != nil {
		return Outcome{}, err
	}
	if job.UserID == 0 {
		return Outcome{Removed: removed}, nil
	}
	if job.Account {
		n, err := job.exec("account", "DELETE FROM users WHERE id = ?", job.UserID)
		return Outcome{Removed: removed + n}, err
	}
	// The address goes too: sign-in by an emailed code needs nothing
	// else, and the person must be free to open a new account with it.
	// The placeholder keeps the column unique and can receive no mail.
	if _, err := job.exec("account", `UPDATE users SET name = '', email = 'erased-' || id || '@erased.invalid', password_hash = '',
		totp_secret = '', totp_pending_secret = '', totp_enabled_at = NULL WHERE id = ?`, job.UserID); err != nil {
		return Outcome{}, err
	}
	return Outcome{Removed: removed, Retained: 1, Reason: ReasonAccount}, nil
}

// forgetMail deletes the outbox's mail to the address (a mail not yet
// sent is dropped: it was about data that is gone) and the jobs whose
// payload names the address or the account, except one running now.
func (job EraseJob) forgetMail() error {
	if job.Email == "" {
		return nil
	}
	if _, err := job.exec("outbox", "DELETE FROM outbox_messages WHERE "+lowerEq("to_address"), normEmail(job.Email)); err != nil {
		return err
	}
	like := "LIKE ? ESCAPE '\\'"
	if job.isPostgres() {
		like = "ILIKE ? ESCAPE '\\'"
	}
	// Corrections and restrictions passed on earlier and not yet
	// acknowledged: the erasure's own task supersedes them, and their
	// payloads name the customer.
	if _, err := job.exec("tasks", "UPDATE system_tasks SET status = 'done', payload = '', done_by_kind = 'system', done_at = ?, "+
		"note = 'superseded by the erasure' WHERE event <> 'erasure' AND status <> 'done' AND payload "+like, job.Now, likeJSON(normEmail(job.Email))); err != nil {
		return err
	}
	q := "DELETE FROM jobs WHERE status <> 'running' AND payload " + like
	if _, err := job.exec("jobs", q, likeJSON(normEmail(job.Email))); err != nil {
		return err
	}
	if job.UserID != 0 {
		for _, end := range []string{"}", ","} {
			pat := fmt.Sprintf(`%%"user_id":%d%s%%`, job.UserID, end)
			if _, err := job.exec("jobs", "DELETE FROM jobs WHERE status <> 'running' AND payload LIKE ?", pat); err != nil {
				return err
			}
		}
	}
	return nil
}
