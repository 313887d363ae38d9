package holdings

// The categories whose erasure is their rows going: photos (with their
// files), contact history, survey answers, sign-in history, and the
// payment references left once the orders' invoices copied theirs.

func erasePhotos(job EraseJob) (Outcome, error) {
	if job.UserID == 0 {
		return Outcome{}, nil
	}
	if err := job.dropFiles("photos WHERE user_id = ?", []any{job.UserID}, "file_key", "thumb_key"); err != nil {
		return Outcome{}, err
	}
	n, err := job.deleteOwn("photos")
	return Outcome{Removed: n}, err
}

func eraseOwnRows(table string) func(EraseJob) (Outcome, error) {
	return func(job EraseJob) (Outcome, error) {
		n, err := job.deleteOwn(table)
		return Outcome{Removed: n}, err
	}
}

// eraseLogins deletes the sign-in history and the sessions (the customer
// is signed out everywhere), and the credentials that only sign in:
// recovery codes and one-time codes mailed to the address.
func eraseLogins(job EraseJob) (Outcome, error) {
	var removed int64
	for _, t := range []string{"login_events", "sessions"} {
		n, err := job.deleteOwn(t)
		if err != nil {
			return Outcome{}, err
		}
		removed += n
	}
	if err := job.clearCredentials(); err != nil {
		return Outcome{}, err
	}
	return Outcome{Removed: removed}, nil
}

// clearCredentials deletes what lets anyone sign in as the customer
// other than the password: recovery codes and mailed codes (by account
// or by address), and the sessions.
func (job EraseJob) clearCredentials() error {
	if _, err := job.deleteOwn("recovery_codes"); err != nil {
		return err
	}
	if _, err := job.deleteOwn("sessions"); err != nil {
		return err
	}
	if job.UserID != 0 {
		if _, err := job.exec("email_codes", "DELETE FROM email_codes WHERE user_id = ?", job.UserID); err != nil {
			return err
		}
	}
	if job.Email != "" {
		if _, err := job.exec("email_codes", "DELETE FROM email_codes WHERE email = ?", normEmail(job.Email)); err != nil {
			return err
		}
	}
	return nil
}
