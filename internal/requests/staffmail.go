package requests

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/internal/mail"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Staff mail templates. They name a request by its number, kind, status
// and due date, and link to the desk: never the requester's name or
// address, which staff read on the desk, where the look is audited.
const (
	MailStaffNew      = "request_staff_new"      // a request was verified (settings: "each")
	MailStaffDigest   = "request_staff_digest"   // the day's verified requests (settings: "digest")
	MailStaffReminder = "request_staff_reminder" // due within the reminder setting
	MailStaffOverdue  = "request_staff_overdue"  // past its due date
)

// Staff notification modes (settings.RequestStaffNotify).
const (
	notifyEach   = "each"
	notifyDigest = "digest"
)

// batchLimit bounds one run of the reminder job; the next run takes the
// rest.
const batchLimit = 500

// staffMembers are the staff and admin accounts, in id order.
func staffMembers(tx *gorm.DB) ([]models.User, error) {
	var us []models.User
	if err := tx.Where("role IN ?", []models.Role{models.RoleStaff, models.RoleAdmin}).Order("id").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("requests: staff: %w", err)
	}
	return us, nil
}

// staffFor is who hears about r: its assignee while they are still staff,
// everyone on staff otherwise.
func staffFor(tx *gorm.DB, r *models.PrivacyRequest) ([]models.User, error) {
	if r.AssigneeID != nil {
		var u models.User
		err := tx.Take(&u, "id = ?", *r.AssigneeID).Error
		if err == nil && u.Role.IsStaff() {
			return []models.User{u}, nil
		}
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, fmt.Errorf("requests: assignee: %w", err)
		}
	}
	return staffMembers(tx)
}

// inZone moves t into the staff member's zone, so the mail shows the time
// they live by; without a zone it stays UTC and is shown in the shop's.
func inZone(t time.Time, u models.User) time.Time {
	if u.TimeZone == "" {
		return t
	}
	loc, err := time.LoadLocation(u.TimeZone)
	if err != nil {
		return t
	}
	return t.In(loc)
}

// deskLink is the request's page on the staff desk.
func (s *Service) deskLink(id int64) string {
	return s.BaseURL + "/staff/requests/" + strconv.FormatInt(id, 10)
}

// staffItem is one request as a staff mail lists it.
type staffItem struct {
	Number, Kind, Status string
	DueAt                time.Time
	Link                 string
}

func (s *Service) staffItem(r *models.PrivacyRequest, u models.User) staffItem {
	lang := i18n.Match(u.Locale)
	return staffItem{
		Number: Number(r.ID),
		Kind:   i18n.Tl(lang, "request.kind."+string(r.Kind)),
		Status: i18n.Tl(lang, "request.status."+string(r.Status)),
		DueAt:  inZone(r.DueAt, u),
		Link:   s.deskLink(r.ID),
	}
}

// mailStaff queues template about r to each of us, in their own language.
func (s *Service) mailStaff(tx *gorm.DB, template string, r *models.PrivacyRequest, us []models.User) (int, error) {
	n := 0
	for _, u := range us {
		it := s.staffItem(r, u)
		data := map[string]any{
			"Name": u.Name, "Number": it.Number, "Kind": it.Kind, "Status": it.Status,
			"DueAt": it.DueAt, "Link": it.Link,
			"Assigned": r.AssigneeID != nil && *r.AssigneeID == u.ID,
		}
		if _, err := s.Mailer.Queue(tx, mail.Message{To: u.Email, Template: template, Locale: u.Locale, Data: data}); err != nil {
			return n, fmt.Errorf("requests: %s %d: %w", template, r.ID, err)
		}
		n++
	}
	return n, nil
}

// staffNotify tells staff of a request that has just been verified and
// entered review, as the settings say: a mail per request, or nothing now
// and a daily digest later.
func (s *Service) staffNotify(tx *gorm.DB, r *models.PrivacyRequest) error {
	if s.Mailer == nil || settings.RequestStaffNotify.Get(s.Settings) != notifyEach {
		return nil
	}
	// A request back in review after staff asked for an ID document is
	// not new: they were told when it first entered review.
	if r.StaffNotifiedAt != nil {
		return nil
	}
	us, err := staffFor(tx, r)
	if err != nil {
		return err
	}
	if _, err := s.mailStaff(tx, MailStaffNew, r, us); err != nil {
		return err
	}
	now := s.now()
	if err := tx.Model(&models.PrivacyRequest{}).Where("id = ?", r.ID).Update("staff_notified_at", now).Error; err != nil {
		return fmt.Errorf("requests: staff notified %d: %w", r.ID, err)
	}
	// A later move in the same transaction writes the whole row.
	r.StaffNotifiedAt = &now
	return nil
}

// unsent is the condition for a reminder column not yet sent for the
// current due date: never sent, or sent before the deadline was extended.
func unsent(column string) string {
	return "(" + column + " IS NULL OR (extended_at IS NOT NULL AND " + column + " < extended_at))"
}

// errTaken ends a job's transaction when another instance got there
// first: nothing to do, nothing sent twice.
var errTaken = errors.New("requests: already sent")

// SendReminders mails the assignee (or all staff) of each open request
// due within the reminder setting, and of each that became overdue, once:
// the request's ReminderSentAt or OverdueSentAt is claimed in the same
// transaction as the mails. A paused clock has no meaningful due date
// yet, so paused requests wait. It returns the number of mails queued.
func (s *Service) SendReminders(ctx context.Context) (int, error) {
	if s.Mailer == nil {
		return 0, nil
	}
	now := s.now()
	soon := now.Add(settings.RequestReminderBefore.Get(s.Settings))
	sent := 0
	for _, pass := range []struct {
		column, template string
		where            string
		args             []any
	}{
		// A reminder sent before an extension was for the old date.
		{"reminder_sent_at", MailStaffReminder, "due_at > ? AND due_at <= ?", []any{now, soon}},
		{"overdue_sent_at", MailStaffOverdue, "due_at <= ?", []any{now}},
	} {
		var ids []int64
		err := s.DB.WithContext(ctx).Model(&models.PrivacyRequest{}).
			Where("status IN ? AND paused_at IS NULL", open).Where(pass.where, pass.args...).Where(unsent(pass.column)).
			Order("due_at, id").Limit(batchLimit).Pluck("id", &ids).Error
		if err != nil {
			return sent, fmt.Errorf("requests: reminders: %w", err)
		}
		for _, id := range ids {
			n := 0
			err := s.within(ctx, func(tx *gorm.DB) error {
				res := tx.Model(&models.PrivacyRequest{}).Where("id = ?", id).Where(unsent(pass.column)).Update(pass.column, now)
				if res.Error != nil {
					return fmt.Errorf("requests: %s %d: %w", pass.column, id, res.Error)
				}
				if res.RowsAffected == 0 {
					return errTaken
				}
				r, err := load(tx, id)
				if err != nil {
					return err
				}
				us, err := staffFor(tx, &r)
				if err != nil {
					return err
				}
				n, err = s.mailStaff(tx, pass.template, &r, us)
				return err
			})
			switch {
			case errors.Is(err, errTaken):
			case err != nil:
				return sent, err
			default:
				sent += n
			}
		}
	}
	return sent, nil
}

// SendDigest mails each staff member one list of the requests verified
// since the last digest (the last 24 hours when the job runs daily, more
// after a missed run), when the settings ask for a digest rather than a
// mail per request. Each request is listed once: StaffNotifiedAt is
// claimed in the same transaction as the mails. It returns the number of
// mails queued.
func (s *Service) SendDigest(ctx context.Context) (int, error) {
	if s.Mailer == nil || settings.RequestStaffNotify.Get(s.Settings) != notifyDigest {
		return 0, nil
	}
	now := s.now()
	sent := 0
	err := s.within(ctx, func(tx *gorm.DB) error {
		var rs []models.PrivacyRequest
		if err := tx.Where("verified_at IS NOT NULL AND staff_notified_at IS NULL").
			Order("verified_at, id").Limit(batchLimit).Find(&rs).Error; err != nil {
			return fmt.Errorf("requests: digest: %w", err)
		}
		if len(rs) == 0 {
			return nil
		}
		us, err := staffMembers(tx)
		if err != nil || len(us) == 0 {
			// Nobody to tell yet: the first staff member gets the list.
			return err
		}
		ids := make([]int64, len(rs))
		for i := range rs {
			ids[i] = rs[i].ID
		}
		res := tx.Model(&models.PrivacyRequest{}).Where("id IN ? AND staff_notified_at IS NULL", ids).Update("staff_notified_at", now)
		if res.Error != nil {
			return fmt.Errorf("requests: digest: %w", res.Error)
		}
		if res.RowsAffected != int64(len(ids)) {
			return errTaken
		}
		for _, u := range us {
			items := make([]staffItem, len(rs))
			for i := range rs {
				items[i] = s.staffItem(&rs[i], u)
			}
			data := map[string]any{"Name": u.Name, "Count": len(items), "Items": items, "QueueLink": s.BaseURL + "/staff/requests"}
			if _, err := s.Mailer.Queue(tx, mail.Message{To: u.Email, Template: MailStaffDigest, Locale: u.Locale, Data: data}); err != nil {
				return fmt.Errorf("requests: digest: %w", err)
			}
			sent++
		}
		return nil
	})
	if errors.Is(err, errTaken) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return sent, nil
}
