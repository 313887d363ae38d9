package views

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/i18n"
	"github.com/photolab/privacyportal/models"
)

// AuditFilter is the audit page's filter form as typed, kept in the query
// string so it survives paging and can be bookmarked.
type AuditFilter struct {
	Actor   string // a staff member's id from the select
	ActorID string // any user's number, typed; wins over Actor
	Action  string // an action or a group prefix ("auth.")
	From    string // YYYY-MM-DD
	To      string
	Errors  FieldErrors
}

// AuditPerson is a staff member or admin offered in the actor filter.
type AuditPerson struct {
	ID   int64
	Name string
	Role string
}

// Query is the filter as URL parameters, "" when nothing is filtered.
func (f AuditFilter) Query() string {
	v := url.Values{}
	for _, p := range [][2]string{{"actor", f.Actor}, {"actor_id", f.ActorID}, {"action", f.Action}, {"from", f.From}, {"to", f.To}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	return v.Encode()
}

// Active reports whether any filter is set.
func (f AuditFilter) Active() bool { return f.Query() != "" }

// auditFilterFields are the filter's field names, in the form's order.
var auditFilterFields = []string{"actor", "actor_id", "action", "from", "to"}

// AuditSentenceID is the message id of an action's sentence.
func AuditSentenceID(action string) string { return "audit.sentence." + action }

// auditSentence tells what happened in the reader's language: "Alex Moreau
// turned on two-factor authentication".
func auditSentence(ctx context.Context, e models.AuditEntry, names map[int64]string) string {
	actor, target := auditActorName(ctx, e, names), auditTargetName(ctx, e, names)
	id := AuditSentenceID(e.Action)
	var s string
	if !i18n.Has(id) {
		s = i18n.T(ctx, "audit.sentence.unknown", "Actor", actor, "Action", e.Action, "Target", target)
	} else {
		s = i18n.T(ctx, id, "Actor", actor, "Target", target)
	}
	if i18n.Locale(ctx) == "fr" {
		s = frenchDe(s, actor, target)
	}
	return upperFirst(s)
}

// frenchDe contracts "de" before a name put into a French sentence, as
// French writes it: "de Alex" is "d’Alex", "de le portail" is "du portail".
// Only the inserted names are touched, never the catalog's own words.
func frenchDe(s string, names ...string) string {
	for _, n := range names {
		var with string
		switch {
		case strings.HasPrefix(n, "le "):
			with = "u " + n[len("le "):]
		case startsWithVowel(n):
			with = "’" + n
		default:
			continue
		}
		s = strings.ReplaceAll(s, "de "+n, "d"+with)
		s = strings.ReplaceAll(s, "De "+n, "D"+with)
	}
	return s
}

func startsWithVowel(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.ToLower(s))
	return strings.ContainsRune("aeiouyhàâäéèêëîïôöùûüœæ", r)
}

// auditPersonName is a user's name, or "deleted account #5" once the
// account is gone: the log outlives the people in it.
func auditPersonName(ctx context.Context, id int64, names map[int64]string) string {
	if n, ok := names[id]; ok {
		return n
	}
	return i18n.T(ctx, "audit.deleted_account", "ID", id)
}

func auditActorName(ctx context.Context, e models.AuditEntry, names map[int64]string) string {
	if e.ActorID != nil {
		return auditPersonName(ctx, *e.ActorID, names)
	}
	switch e.ActorRole {
	case "requester":
		return i18n.T(ctx, "audit.actor.visitor")
	case "api":
		return i18n.T(ctx, "audit.actor.api")
	case "customer", "staff", "admin":
		return roleLabel(ctx, e.ActorRole)
	}
	return i18n.T(ctx, "audit.actor.system")
}

func auditTargetName(ctx context.Context, e models.AuditEntry, names map[int64]string) string {
	if id, ok := audit.UserTarget(e); ok {
		return auditPersonName(ctx, id, names)
	}
	switch {
	case e.TargetType == "" && e.TargetID == "":
		return "—"
	case e.TargetType == "job", e.TargetType == "outbox_message", e.TargetType == "setting", e.TargetType == "request",
		e.TargetType == "export":
		return i18n.T(ctx, "audit.target."+e.TargetType, "ID", e.TargetID)
	case e.TargetType == "" || e.TargetID == "":
		return e.TargetType + e.TargetID
	}
	return e.TargetType + " #" + e.TargetID
}

// auditActorChoices are the staff and admins by name, plus the current
// choice when it is no longer one of them.
func auditActorChoices(ctx context.Context, staff []AuditPerson, current string) []option {
	out := []option{{Value: "", Label: i18n.T(ctx, "audit.filter.actor.any")}}
	found := current == ""
	for _, p := range staff {
		v := strconv.FormatInt(p.ID, 10)
		found = found || v == current
		out = append(out, option{Value: v, Label: p.Name + " (" + roleLabel(ctx, p.Role) + ")"})
	}
	if !found {
		out = append(out, option{Value: current, Label: "#" + current})
	}
	return out
}

// actionGroup is one optgroup of the action filter: the whole group, then
// each of its actions.
type actionGroup struct {
	Label   string
	Options []option
}

func auditActionGroups(ctx context.Context) []actionGroup {
	var out []actionGroup
	for _, prefix := range audit.ActionPrefixes() {
		name := Label(ctx, FamilyAuditGroup, strings.TrimSuffix(prefix, "."))
		g := actionGroup{Label: name, Options: []option{{Value: prefix, Label: i18n.T(ctx, "audit.filter.action.group", "Group", name)}}}
		for _, a := range audit.Actions {
			if strings.HasPrefix(a, prefix) {
				g.Options = append(g.Options, option{Value: a, Label: Label(ctx, FamilyAuditAction, a)})
			}
		}
		out = append(out, g)
	}
	return out
}

func auditFilterField(ctx context.Context, f AuditFilter, name, value, typ string) field {
	return field{Name: name, Label: i18n.T(ctx, "audit.filter."+name), Type: typ, Value: value, Error: f.Errors[name]}
}

func withInputMode(f field, mode, hint string) field {
	f.InputMode, f.Hint = mode, hint
	return f
}
