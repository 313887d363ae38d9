package requests

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/internal/settings"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Answers are what a public requester tells the knowledge check about
// themselves: data the shop already holds (CCPA regulations §7062).
type Answers struct {
	OrderNumber        string
	DeliveryPostalCode string // with the order number: where it was delivered
	Phone              string
	BirthDate          string // YYYY-MM-DD
	BillingPostalCode  string
	Last4              string // a payment card's last four digits
	// Declared is the signed declaration, under penalty of perjury, that
	// the requester is the person (the "strict" level asks for it).
	Declared bool
}

// Knowledge points, as the evidence names them (never their values).
const (
	PointOrder   = "order_delivery_postal_code" // an order number with its delivery postal code: worth two
	PointPhone   = "phone"
	PointBirth   = "birth_date"
	PointBilling = "billing_postal_code"
	PointLast4   = "payment_last4"
)

// knowledgeAttempts is how many checks a request gets; after them it
// waits for staff, who may verify it another way.
const knowledgeAttempts = 3

// Errors of the knowledge check. Failed is the same answer whether the
// email has an account or not, so the check cannot tell anyone which
// addresses are customers'.
var (
	ErrKnowledgeFailed = fault.InvalidFields("requests: knowledge check failed",
		map[string]string{"form": "request.error.knowledge_failed"})
	ErrKnowledgeLocked = fault.InvalidFields("requests: knowledge check attempts used up",
		map[string]string{"form": "request.error.knowledge_locked"})
	ErrDeclarationRequired = fault.InvalidFields("requests: declaration required",
		map[string]string{"declared": "request.error.declaration_required"})
)

// facts are what the shop holds of the customer whose email was proven;
// empty for an email without an account.
type facts struct {
	OrderNumbers   []string // the customer's orders among those asked about
	DeliveryPostal string
	BillingPostal  string
	Phone          string // E.164
	BirthDate      string
	Last4          []string // among those asked about
}

// normPostal compares postal codes without case or spaces.
func normPostal(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// samePhone matches a typed number against a stored E.164 one, as typed
// nationally ("06 12 34 56 78") or internationally ("+33 6 12…").
func samePhone(stored, typed string) bool {
	s, t := digits(stored), strings.TrimLeft(digits(typed), "0")
	return s != "" && len(t) >= 7 && strings.HasSuffix(s, t)
}

// KnowledgeLevel is the check a rule asks for: "document" first asks
// for the strict check, then for the document.
func KnowledgeLevel(rule string) string {
	if rule == settings.VerifyDocument {
		return settings.VerifyStrict
	}
	if rule == settings.VerifyStrict {
		return rule
	}
	return settings.VerifyKnowledge
}

// matchKnowledge says which points of ans match f, leaving out the
// points excluded (a field the request asks to correct proves nothing),
// and whether they are enough for level: "knowledge" takes an order
// number with its delivery postal code, or two other points; "strict"
// takes three points (the order pair counting two) and the declaration.
// Wrong answers add nothing; the attempts are limited instead.
func matchKnowledge(level string, f facts, ans Answers, excluded map[string]bool) (points []string, ok bool) {
	add := func(point string, match bool) {
		if match && !excluded[point] {
			points = append(points, point)
		}
	}
	order := strings.ToUpper(strings.TrimSpace(ans.OrderNumber))
	add(PointOrder, order != "" && f.DeliveryPostal != "" && normPostal(ans.DeliveryPostalCode) == normPostal(f.DeliveryPostal) &&
		slices.ContainsFunc(f.OrderNumbers, func(n string) bool { return strings.ToUpper(n) == order }))
	add(PointPhone, samePhone(f.Phone, ans.Phone))
	add(PointBirth, f.BirthDate != "" && strings.TrimSpace(ans.BirthDate) == f.BirthDate)
	add(PointBilling, f.BillingPostal != "" && normPostal(ans.BillingPostalCode) == normPostal(f.BillingPostal))
	last4 := strings.TrimSpace(ans.Last4)
	add(PointLast4, len(last4) == 4 && digits(last4) == last4 && slices.Contains(f.Last4, last4))
	weight := 0
	for _, p := range points {
		if p == PointOrder {
			weight += 2
		} else {
			weight++
		}
	}
	if level == settings.VerifyStrict {
		return points, weight >= 3 && ans.Declared
	}
	return points, slices.Contains(points, PointOrder) || len(points) >= 2
}

// excludedPoints are the points a rectification's corrections touch.
func excludedPoints(cs []models.RequestCorrection) map[string]bool {
	out := map[string]bool{}
	for _, c := range cs {
		f := c.Field
		switch {
		case f == "phone":
			out[PointPhone] = true
		case f == "birth_date":
			out[PointBirth] = true
		case strings.HasPrefix(f, "delivery.") || c.Category == "orders":
			out[PointOrder] = true
		case strings.HasPrefix(f, "billing."):
			out[PointBilling] = true
		case c.Category == "payments":
			out[PointLast4] = true
		}
	}
	return out
}

// CheckKnowledge runs the knowledge check of public request id, whose
// email was proven: the customer is the account with that email. On
// success the request is theirs and, but for a rule asking for a
// document, verified.
func (s *Service) CheckKnowledge(ctx context.Context, a actor.Actor, id int64, ans Answers) error {
	if a.Kind != actor.Requester {
		return ErrNotYours
	}
	var answer error
	err := s.within(ctx, func(tx *gorm.DB) error {
		r, err := load(tx, id)
		if err != nil {
			return err
		}
		if !publicOnly(r) || r.Status != models.StatusAwaitingVerification || r.EmailVerifiedAt == nil ||
			r.UserID != nil || r.DocumentRequired {
			return ErrWrongState
		}
		rule := settings.VerifyPublic[string(r.Kind)].Get(s.Settings)
		level := KnowledgeLevel(rule)
		if level == settings.VerifyStrict && !ans.Declared {
			return ErrDeclarationRequired
		}
		if used, err := s.countKnowledgeAttempt(tx, r.ID); err != nil {
			return err
		} else if used > knowledgeAttempts {
			answer = ErrKnowledgeLocked
			return nil
		}
		userID, f, err := s.factsFor(tx, r.RequesterEmail, ans)
		if err != nil {
			return err
		}
		var cs []models.RequestCorrection
		if err := tx.Where("request_id = ?", r.ID).Find(&cs).Error; err != nil {
			return fmt.Errorf("requests: corrections: %w", err)
		}
		points, ok := matchKnowledge(level, f, ans, excludedPoints(cs))
		ok = ok && userID != 0
		e := audit.By(a, "request.knowledge_checked", "request", strconv.FormatInt(r.ID, 10))
		e.Details = map[string]string{"level": level, "matched": strings.Join(points, ","), "result": "failed"}
		if ok {
			e.Details["result"] = "passed"
		}
		if err := audit.Append(tx, s.Dialect, e); err != nil {
			return err
		}
		if !ok {
			answer = ErrKnowledgeFailed
			return nil
		}
		return s.knowledgePassed(tx, &r, userID, rule, level, points)
	})
	if err != nil {
		return err
	}
	return answer
}

// countKnowledgeAttempt counts one more attempt for request id and
// returns how many there have been, this one included. The count lives
// in a request_codes row of its own purpose and is written in the same
// transaction as the audit entry the attempt leaves; a failed check
// commits it (CheckKnowledge returns its error after the commit).
func (s *Service) countKnowledgeAttempt(tx *gorm.DB, id int64) (int, error) {
	var row models.RequestCode
	err := tx.Where("request_id = ? AND purpose = ?", id, codeKnowledge).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		row = models.RequestCode{RequestID: id, Purpose: codeKnowledge, Attempts: 1,
			ExpiresAt: s.now().Add(100 * 365 * 24 * time.Hour), CreatedAt: s.now()}
		if err := tx.Create(&row).Error; err != nil {
			return 0, fmt.Errorf("requests: knowledge attempts: %w", err)
		}
		return 1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("requests: knowledge attempts: %w", err)
	}
	if row.Attempts >= knowledgeAttempts {
		return row.Attempts + 1, nil
	}
	if err := tx.Model(&models.RequestCode{}).Where("id = ?", row.ID).Update("attempts", gorm.Expr("attempts + 1")).Error; err != nil {
		return 0, fmt.Errorf("requests: knowledge attempts: %w", err)
	}
	return row.Attempts + 1, nil
}

// factsFor loads what the shop holds of the customer with email, only as
// far as ans asks (the order and card digits asked about): userID 0 and
// no facts when there is no such customer.
func (s *Service) factsFor(tx *gorm.DB, email string, ans Answers) (int64, facts, error) {
	var f facts
	var users []models.User
	if err := tx.Select("id").Where("email = ? AND role = ?", strings.ToLower(email), models.RoleCustomer).Limit(1).Find(&users).Error; err != nil {
		return 0, f, fmt.Errorf("requests: facts: %w", err)
	}
	if len(users) == 0 {
		return 0, f, nil
	}
	uid := users[0].ID
	var p models.Profile
	if err := tx.Where("user_id = ?", uid).Limit(1).Find(&p).Error; err != nil {
		return 0, f, fmt.Errorf("requests: facts: %w", err)
	}
	f.Phone, f.BirthDate = p.Phone, p.BirthDate
	var addrs []models.Address
	if err := tx.Where("user_id = ?", uid).Find(&addrs).Error; err != nil {
		return 0, f, fmt.Errorf("requests: facts: %w", err)
	}
	for _, ad := range addrs {
		switch ad.Kind {
		case models.AddressDelivery:
			f.DeliveryPostal = ad.PostalCode
		case models.AddressBilling:
			f.BillingPostal = ad.PostalCode
		}
	}
	if n := strings.TrimSpace(ans.OrderNumber); n != "" {
		if err := tx.Model(&models.Order{}).Where("user_id = ? AND UPPER(number) = ?", uid, strings.ToUpper(n)).
			Pluck("number", &f.OrderNumbers).Error; err != nil {
			return 0, f, fmt.Errorf("requests: facts: %w", err)
		}
	}
	if l := strings.TrimSpace(ans.Last4); l != "" {
		if err := tx.Model(&models.Payment{}).Where("user_id = ? AND last4 = ?", uid, l).Limit(1).
			Pluck("last4", &f.Last4).Error; err != nil {
			return 0, f, fmt.Errorf("requests: facts: %w", err)
		}
	}
	return uid, f, nil
}

// knowledgePassed makes r the customer's and verifies it, or, when the
// rule asks for a document, asks for it; a second open request of the
// same kind becomes a duplicate instead.
func (s *Service) knowledgePassed(tx *gorm.DB, r *models.PrivacyRequest, userID int64, rule, level string, points []string) error {
	now := s.now()
	r.UserID = &userID
	r.VerificationNote = strings.Join(points, ", ")
	if level == settings.VerifyStrict {
		r.DeclaredAt = &now
	}
	if err := s.flagRepeat(tx, r); err != nil {
		return err
	}
	if dup, err := s.markIfDuplicate(tx, r); dup || err != nil {
		if err == nil {
			err = s.decideDocuments(tx, r)
		}
		return err
	}
	// An agent's request waits for staff, who judge the signed permission
	// the agent uploads (CCPA §7063): the person's check is evidence, not
	// the decision.
	agent := r.Channel == models.ChannelAgent
	if rule == settings.VerifyDocument || agent {
		r.DocumentRequired = r.DocumentRequired || rule == settings.VerifyDocument
		if agent && rule != settings.VerifyDocument {
			r.VerificationMethod = level
		}
		r.UpdatedAt = now
		res := tx.Model(&models.PrivacyRequest{}).Where("id = ? AND status = ?", r.ID, r.Status).
			Select("user_id", "verification_note", "verification_method", "declared_at", "repeat_of_id", "document_required", "updated_at").Updates(r)
		if res.Error != nil {
			return fmt.Errorf("requests: knowledge: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrWrongState
		}
		return nil
	}
	Resume(r, now)
	r.VerificationMethod, r.VerifiedAt = level, &now
	if err := s.move(tx, actor.SystemActor(), r, step{Action: ActVerify, Audit: map[string]string{"method": level}}); err != nil {
		return err
	}
	return s.decideDocuments(tx, r)
}

// What a public request still waits for from its requester.
const (
	StepEmail     = "email"     // the mailed code
	StepKnowledge = "knowledge" // the knowledge check
	StepDocument  = "document"  // an ID document
	StepStaff     = "staff"     // nothing: staff verify it another way
	StepAgent     = "agent"     // nothing: staff judge the agent's signed permission
)

// Progress is where a public request stands for its requester's pages:
// the step owed ("" once verification is over) and the knowledge check's
// level.
type Progress struct {
	Step   string
	Level  string
	Status models.RequestStatus
}

// PublicProgress is request id's progress, for the public pages (the
// handler holds the pass, or the page says nothing of the request).
func (s *Service) PublicProgress(ctx context.Context, id int64) (Progress, error) {
	var p Progress
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := loadPublic(tx, id)
		if err != nil {
			return err
		}
		p.Level = KnowledgeLevel(settings.VerifyPublic[string(r.Kind)].Get(s.Settings))
		p.Status = r.Status
		if r.Status != models.StatusAwaitingVerification {
			return nil
		}
		switch {
		case r.EmailVerifiedAt == nil:
			p.Step = StepEmail
		case r.DocumentRequired:
			p.Step = StepDocument
		case r.UserID != nil && r.Channel == models.ChannelAgent:
			p.Step = StepAgent
		case r.UserID != nil:
			p.Step = StepStaff
		default:
			var used []int
			if err := tx.Model(&models.RequestCode{}).Where("request_id = ? AND purpose = ?", id, codeKnowledge).
				Pluck("attempts", &used).Error; err != nil {
				return fmt.Errorf("requests: progress: %w", err)
			}
			p.Step = StepKnowledge
			if len(used) > 0 && used[0] >= knowledgeAttempts {
				p.Step = StepStaff
			}
		}
		return nil
	})
	return p, err
}
