package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/photolab/privacyportal/internal/requests"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// DemoSettings are the rules the demo shop sets: it follows the ID-photo
// studio's policy, whose removal requests need a copy of an ID document,
// so the document path can be seen; the built-in defaults stay
// proportionate.
var DemoSettings = map[string]any{
	"requests.verify.portal.erasure": "document",
	"requests.verify.public.erasure": "document",
}

// reqPlan is one demo request and its history. Offsets are days before
// now; events are in order, each moving the request to its status.
type reqPlan struct {
	email    string // the customer; "" for a requester without an account
	name     string // a public requester's name
	publicTo string // a public requester's email
	locale   string
	kind     models.RequestKind
	channel  string
	details  string
	received int // days ago
	assigned bool
	categories,
	ground string
	corrections []models.RequestCorrection
	events      []reqEvent
	messages    []reqMessage
	notes       []string
	docRequired bool
	doubt       string
	denyCode    string
	denyText    string
	extendDays  int
	extendWhy   string
	repeatOf    int // 1 + the index in requestPlans of an earlier request it repeats; 0: none
}

type reqEvent struct {
	daysAgo float64
	who     string // requester, staff, system
	action  requests.Action
	to      models.RequestStatus
	note    string
}

type reqMessage struct {
	daysAgo float64
	who     string
	body    string
}

// requestPlans are the demo's requests: open ones close to their due
// date, one overdue, one waiting for an ID document, and closed ones of
// each outcome, in the customers' languages.
var requestPlans = []reqPlan{
	{ // 0: Oliver's access request of last spring, answered.
		email: "oliver.hughes@example.com", locale: "en", kind: models.RequestAccess, channel: models.ChannelPortal,
		details: "Please send me a copy of everything you hold about me.", received: 230,
		events: []reqEvent{
			{230, "requester", requests.ActFile, models.StatusAwaitingVerification, ""},
			{230, "system", requests.ActVerify, models.StatusInReview, ""},
			{228, "staff", requests.ActApprove, models.StatusApproved, ""},
			{228, "system", requests.ActHandOff, models.StatusWaitingFulfilment, ""},
			{221, "staff", requests.ActComplete, models.StatusCompleted, "Your copy was sent as a download link."},
		},
	},
	{ // 1: Oliver again: a repeat inside 12 months, due in four days.
		email: "oliver.hughes@example.com", locale: "en", kind: models.RequestAccess, channel: models.ChannelPortal,
		details: "I would like an up-to-date copy of my data, including my photo uploads.", received: 27, assigned: true, repeatOf: 1,
		events: []reqEvent{
			{27, "requester", requests.ActFile, models.StatusAwaitingVerification, ""},
			{27, "system", requests.ActVerify, models.StatusInReview, ""},
		},
		notes: []string{"Second access request this year: free under the policy (once a year) is used; the law still lets us answer without a fee as the first copy was in April."},
	},
	{ // 2: Camille's correction of her phone number, in review.
		email: "camille.laurent@example.com", locale: "fr", kind: models.RequestRectification, channel: models.ChannelPortal,
		details: "Mon numéro de portable a changé.", received: 9, assigned: true,
		corrections: []models.RequestCorrection{{Category: "profile", Field: "phone", CurrentValue: "+33600000012",
			ProposedValue: "+33600000034", Reason: "J’ai changé d’opérateur et de numéro en octobre."}},
		events: []reqEvent{
			{9, "requester", requests.ActFile, models.StatusAwaitingVerification, ""},
			{9, "system", requests.ActVerify, models.StatusInReview, ""},
		},
		messages: []reqMessage{{8, "staff", "Bonjour Camille, merci. Nous mettons à jour votre numéro dès que possible."}},
	},
	{ // 3: Li Na's erasure request: the demo shop asks for an ID document.
		email: "lina.chen@example.com", locale: "zh-CN", kind: models.RequestErasure, channel: models.ChannelPortal,
		details: "请删除我的账户和所有照片。", received: 3, docRequired: true,
		events: []reqEvent{
			{3, "requester", requests.ActFile, models.StatusAwaitingVerification, ""},
		},
	},
	{ // 4: a requester without an account, asked a question: overdue.
		name: "Margaux Petit", publicTo: "margaux.petit@example.com", locale: "fr", kind: models.RequestAccess, channel: models.ChannelPublic,
		details: "J’ai commandé des tirages en 2023 avec une autre adresse e-mail. Quelles données avez-vous sur moi ?", received: 34,
		events: []reqEvent{
			{34, "requester", requests.ActFile, models.StatusAwaitingVerification, ""},
			{34, "system", requests.ActVerify, models.StatusInReview, ""},
			{30, "staff", requests.ActAsk, models.StatusWaitingRequester, ""},
			{29, "requester", requests.ActAnswer, models.StatusInReview, ""},
		},
		messages: []reqMessage{
			{30, "staff", "Bonjour, pouvez-vous nous indiquer le numéro d’une commande passée avec l’autre adresse ?"},
			{29, "requester", "Oui : la commande LG-2023-0412, livrée à Nantes."},
		},
		notes: []string{"Order LG-2023-0412 found under another address; check with accounting before sending."},
	},
	{ // 5: an extended request: due in three weeks after the extension.
		email: "camille.laurent@example.com", locale: "fr", kind: models.RequestPortability, channel: models.ChannelPortal,
		details: "Je souhaite récupérer mes données dans un fichier pour les importer chez un autre laboratoire.", received: 24,
		extendDays: 45, extendWhy: "Votre demande porte sur plus de 200 commandes et 50 photos : nous avons besoin d’un délai supplémentaire pour préparer un fichier complet.",
		events: []reqEvent{
			{24, "requester", requests.ActFile, models.StatusAwaitingVerification, ""},
			{24, "system", requests.ActVerify, models.StatusInReview, ""},
			{20, "staff", requests.ActExtend, "", "@extend"},
		},
	},
	{ // 6: an objection to marketing, applied at once.
		email: "oliver.hughes@example.com", locale: "en", kind: models.RequestObjection, channel: models.ChannelPortal, ground: models.ObjectMarketing,
		details: "Please stop sending me offers by post.", received: 60,
		events: []reqEvent{
			{60, "requester", requests.ActFile, models.StatusAwaitingVerification, ""},
			{60, "system", requests.ActVerify, models.StatusInReview, ""},
			{60, "system", requests.ActApprove, models.StatusApproved, ""},
			{60, "system", requests.ActComplete, models.StatusCompleted, ""},
		},
	},
	{ // 7: a public request that matched nobody, refused with reasons.
		name: "Jordan Blake", publicTo: "jordan.blake@example.com", locale: "en", kind: models.RequestErasure, channel: models.ChannelPublic,
		details: "Delete my account.", received: 50, denyCode: "no_match",
		denyText: "We could not find any order, account or message linked to this address or to the order number you gave.",
		events: []reqEvent{
			{50, "requester", requests.ActFile, models.StatusAwaitingVerification, ""},
			{49, "staff", requests.ActDeny, models.StatusDenied, "@deny"},
		},
	},
	{ // 8: Li Na's access request, approved: its package is being built
		// (SeedExports queues it; a running portal finishes it in seconds).
		email: "lina.chen@example.com", locale: "zh-CN", kind: models.RequestAccess, channel: models.ChannelPortal,
		details: "请把你们保存的关于我的全部数据发给我一份。", received: 2, assigned: true,
		events: []reqEvent{
			{2, "requester", requests.ActFile, models.StatusAwaitingVerification, ""},
			{2, "system", requests.ActVerify, models.StatusInReview, ""},
			{1, "staff", requests.ActApprove, models.StatusApproved, ""},
			{1, "system", requests.ActHandOff, models.StatusWaitingFulfilment, ""},
		},
	},
}

// SeedRequests gives the demo shop its privacy requests, a legal hold
// and a restriction, dated back from now. A database that has requests
// already is left alone.
func SeedRequests(ctx context.Context, db *gorm.DB, now time.Time) error {
	db = db.WithContext(ctx)
	var n int64
	if err := db.Model(&models.PrivacyRequest{}).Count(&n).Error; err != nil {
		return fmt.Errorf("demo: requests: %w", err)
	}
	if n > 0 {
		return nil
	}
	now = now.UTC().Truncate(time.Second)
	users := map[string]models.User{}
	var all []models.User
	if err := db.Find(&all).Error; err != nil {
		return fmt.Errorf("demo: requests: %w", err)
	}
	var staffID int64
	for _, u := range all {
		users[u.Email] = u
		if u.Role == models.RoleStaff {
			staffID = u.ID
		}
	}
	ago := func(days float64) time.Time { return now.Add(-time.Duration(days * float64(24*time.Hour))) }
	return db.Transaction(func(tx *gorm.DB) error {
		ids := make([]int64, len(requestPlans))
		for i, p := range requestPlans {
			r := models.PrivacyRequest{Kind: p.kind, Channel: p.channel, Jurisdiction: models.JurisdictionGDPR,
				Locale: p.locale, Details: p.details, Categories: p.categories, ObjectionGround: p.ground,
				ReceivedAt: ago(float64(p.received)), DocumentRequired: p.docRequired, DoubtReason: p.doubt}
			if p.email != "" {
				u, ok := users[p.email]
				if !ok {
					return fmt.Errorf("demo: requests: customer %s missing", p.email)
				}
				r.UserID, r.RequesterEmail, r.RequesterName = &u.ID, u.Email, u.Name
			} else {
				r.RequesterEmail, r.RequesterName = p.publicTo, p.name
				verified := ago(float64(p.received))
				r.EmailVerifiedAt = &verified
			}
			r.FirstDueAt = requests.FirstDue(r.Jurisdiction, r.ReceivedAt)
			r.DueAt = r.FirstDueAt
			if p.assigned && staffID != 0 {
				r.AssigneeID = &staffID
			}
			if p.repeatOf > 0 {
				r.RepeatOfID = &ids[p.repeatOf-1]
			}
			for _, e := range p.events {
				if e.to != "" { // an extension keeps the status it was in
					r.Status = e.to
				}
				if e.action == requests.ActVerify {
					at := ago(e.daysAgo)
					r.VerifiedAt, r.VerificationMethod = &at, "session"
					if p.channel == models.ChannelPublic {
						r.VerificationMethod, r.VerificationNote = "knowledge", requests.PointOrder
					}
				}
			}
			if p.docRequired {
				paused := r.ReceivedAt
				r.PausedAt = &paused
			}
			if p.extendDays > 0 {
				ext := ago(20)
				r.ExtendedAt, r.ExtensionReason = &ext, p.extendWhy
				r.DueAt = r.FirstDueAt.AddDate(0, 0, p.extendDays)
			}
			if p.denyCode != "" {
				r.DenyCode, r.DenyText = p.denyCode, p.denyText
			}
			last := ago(p.events[len(p.events)-1].daysAgo)
			if !r.Status.Open() {
				r.ClosedAt = &last
			}
			r.CreatedAt, r.UpdatedAt = r.ReceivedAt, last
			if err := tx.Create(&r).Error; err != nil {
				return fmt.Errorf("demo: request %d: %w", i, err)
			}
			ids[i] = r.ID
			from := models.RequestStatus("")
			for _, e := range p.events {
				to := e.to
				if to == "" {
					to = from
				}
				note := e.note
				switch note {
				case "@extend":
					note = p.extendWhy
				case "@deny":
					note = p.denyText
				}
				ev := models.RequestEvent{RequestID: r.ID, At: ago(e.daysAgo), ActorKind: e.who, Action: string(e.action),
					FromStatus: string(from), ToStatus: string(to), Note: note}
				if e.who == "staff" && staffID != 0 {
					ev.ActorID = &staffID
				}
				if err := tx.Create(&ev).Error; err != nil {
					return err
				}
				from = to
			}
			for _, m := range p.messages {
				msg := models.RequestMessage{RequestID: r.ID, At: ago(m.daysAgo), AuthorKind: m.who, Body: m.body}
				if m.who == "staff" && staffID != 0 {
					msg.AuthorID = &staffID
				} else if m.who == "requester" {
					msg.AuthorID = r.UserID
				}
				if err := tx.Create(&msg).Error; err != nil {
					return err
				}
			}
			for j, body := range p.notes {
				note := models.RequestNote{RequestID: r.ID, At: ago(float64(p.received) - 1 - float64(j)), AuthorID: staffID, Body: body}
				if err := tx.Create(&note).Error; err != nil {
					return err
				}
			}
			for _, c := range p.corrections {
				c.RequestID = r.ID
				if err := tx.Create(&c).Error; err != nil {
					return err
				}
			}
			if p.ground == models.ObjectMarketing {
				obj := models.MarketingObjection{UserID: r.UserID, Email: r.RequesterEmail, RequestID: &r.ID, RecordedAt: ago(float64(p.received))}
				if err := tx.Create(&obj).Error; err != nil {
					return err
				}
			}
		}
		// Oliver owes the shop for a reprint: his orders and payments are
		// held, his photos and answers are not.
		if u, ok := users["oliver.hughes@example.com"]; ok && staffID != 0 {
			hold := models.LegalHold{UserID: u.ID, Categories: "orders,payments", PlacedByID: staffID, PlacedAt: ago(40),
				Reason: "Unsettled invoice for a canvas reprint (order dispute opened in October); keep until it is paid or written off."}
			if err := tx.Create(&hold).Error; err != nil {
				return err
			}
		}
		// Camille asked earlier that her survey answers be used for nothing
		// but storage while she checked them.
		if u, ok := users["camille.laurent@example.com"]; ok {
			rs := models.Restriction{UserID: u.ID, Category: "surveys", Ground: "request", PlacedAt: ago(70),
				Reason: "Restriction requested while the customer checks her competition entries."}
			if err := tx.Create(&rs).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
