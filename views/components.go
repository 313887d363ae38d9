package views

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// pageLang is the page's language, from Page or else from the context.
func pageLang(ctx context.Context, p Page) string {
	if i18n.Valid(p.Locale) {
		return i18n.HTMLLang(p.Locale)
	}
	return i18n.Locale(ctx)
}

// documentTitle puts the page first so tabs and screen readers lead with it.
func documentTitle(ctx context.Context, title string) string {
	app := i18n.T(ctx, "app_name")
	if title == "" {
		return app
	}
	return title + " · " + app
}

// displayName falls back to the email for accounts created without a name.
func displayName(u *PageUser) string {
	if u == nil {
		return ""
	}
	if strings.TrimSpace(u.Name) != "" {
		return u.Name
	}
	return u.Email
}

// field is one labelled input with its hint and error, wired for screen
// readers: the error and hint are announced with the input.
type field struct {
	Name, Label, Type, Value, Autocomplete, Hint, Error string
	InputMode                                           string // "numeric" for codes: a digit keypad on phones
	MaxLength                                           int    // 0 for none; never set on passwords, which are not cut short
	Required                                            bool
}

// option is one choice of a selectField.
type option struct{ Value, Label string }

func fieldID(name string) string { return "field-" + name }
func (f field) id() string       { return fieldID(f.Name) }
func (f field) hintID() string   { return f.id() + "-hint" }
func (f field) errorID() string  { return f.id() + "-error" }
func (f field) keepsValue() bool { return f.Type != "password" }
func (f field) maxLength() string {
	if f.MaxLength <= 0 {
		return ""
	}
	return strconv.Itoa(f.MaxLength)
}
func (f field) describedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.hintID())
	}
	if f.Error != "" {
		ids = append(ids, f.errorID())
	}
	return strings.Join(ids, " ")
}

type fieldError struct{ Name, Message string }

// summaryOf lists field errors in the form's order, then any others sorted,
// so the summary reads in the same order as the form. "form" is the
// general error, shown on its own.
func summaryOf(errs FieldErrors, order ...string) []fieldError {
	var out []fieldError
	for _, name := range order {
		if msg := errs[name]; msg != "" {
			out = append(out, fieldError{name, msg})
		}
	}
	var rest []string
	for name, msg := range errs {
		if name != "form" && msg != "" && !slices.Contains(order, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		out = append(out, fieldError{name, errs[name]})
	}
	return out
}

// roleLabel names a role in the reader's language.
func roleLabel(ctx context.Context, role string) string {
	switch role {
	case string(models.RoleCustomer):
		return i18n.T(ctx, "role.customer")
	case string(models.RoleStaff):
		return i18n.T(ctx, "role.staff")
	case string(models.RoleAdmin):
		return i18n.T(ctx, "role.admin")
	case "":
		return i18n.T(ctx, "role.system")
	}
	return role
}

// outboxBadge gives a status its words and its colour; the words carry the
// meaning, the colour only repeats it.
func outboxBadge(ctx context.Context, s models.OutboxStatus) (label, class string) {
	switch s {
	case models.OutboxSent:
		return Label(ctx, FamilyOutboxStatus, string(s)), "badge badge--success"
	case models.OutboxPending:
		return Label(ctx, FamilyOutboxStatus, string(s)), "badge badge--info"
	case models.OutboxHeld:
		return Label(ctx, FamilyOutboxStatus, string(s)), "badge badge--warning"
	case models.OutboxFailed:
		return Label(ctx, FamilyOutboxStatus, string(s)), "badge badge--danger"
	}
	return Label(ctx, FamilyOutboxStatus, string(s)), "badge badge--neutral"
}

// newestFirst orders a copy of the page's mails, whatever order the query
// returned them in.
func newestFirst(items []models.OutboxMessage) []models.OutboxMessage {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b models.OutboxMessage) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return out
}

func outboxURL(id int64) string { return "/admin/outbox/" + strconv.FormatInt(id, 10) }

// subjectOrPlaceholder keeps a link to a subject-less mail clickable.
func subjectOrPlaceholder(ctx context.Context, subject string) string {
	if strings.TrimSpace(subject) == "" {
		return i18n.T(ctx, "outbox.no_subject")
	}
	return subject
}

// newestAuditFirst orders a copy by id, the chain's order, newest first.
func newestAuditFirst(items []models.AuditEntry) []models.AuditEntry {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b models.AuditEntry) int { return cmp.Compare(b.ID, a.ID) })
	return out
}
