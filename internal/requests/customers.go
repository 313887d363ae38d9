package requests

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/photolab/privacyportal/internal/actor"
	"github.com/photolab/privacyportal/internal/audit"
	"github.com/photolab/privacyportal/internal/fault"
	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// MsgLookupQuery is the error of a customer look-up without a query.
const MsgLookupQuery = "customers.error.query"

// maxLookup bounds a look-up's results; staff narrow a wider query.
const maxLookup = 50

// CustomerMatch is one customer a look-up found.
type CustomerMatch struct {
	ID        int64
	Name      string
	Email     string
	CreatedAt time.Time
}

// LookupCustomers finds customers by email, name or order number, for
// staff. Every look is audited, without the query (personal data): who
// looked, when, how many were found.
func (s *Service) LookupCustomers(ctx context.Context, a actor.Actor, query string) ([]CustomerMatch, error) {
	if err := requireStaff(a); err != nil {
		return nil, err
	}
	q := strings.TrimSpace(query)
	if utf8.RuneCountInString(q) < 2 || utf8.RuneCountInString(q) > 320 {
		return nil, fault.InvalidFields("requests: lookup query", map[string]string{"q": MsgLookupQuery})
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
	var out []CustomerMatch
	err := s.within(ctx, func(tx *gorm.DB) error {
		err := tx.Model(&models.User{}).Select("id", "name", "email", "created_at").
			Where("role = ?", models.RoleCustomer).
			Where(tx.Where(`LOWER(email) LIKE ? ESCAPE '\'`, like).Or(`LOWER(name) LIKE ? ESCAPE '\'`, like).
				Or("id IN (SELECT user_id FROM orders WHERE number = ?)", q)).
			Order("name, id").Limit(maxLookup).Scan(&out).Error
		if err != nil {
			return fmt.Errorf("requests: lookup: %w", err)
		}
		e := audit.By(a, "customer.looked_up", "customer", "")
		e.Details = map[string]string{"results": strconv.Itoa(len(out))}
		return audit.Append(tx, s.Dialect, e)
	})
	return out, err
}

// CustomerFile is what the staff customer page shows of one customer.
type CustomerFile struct {
	User         models.User
	Requests     []models.PrivacyRequest
	Holds        []models.LegalHold
	Restrictions []models.Restriction
	Objections   []models.MarketingObjection
}

// Customer opens one customer's file for staff, audited. An id that is
// not a customer's is ErrNotFound.
func (s *Service) Customer(ctx context.Context, a actor.Actor, userID int64) (CustomerFile, error) {
	if err := requireStaff(a); err != nil {
		return CustomerFile{}, err
	}
	var f CustomerFile
	err := s.within(ctx, func(tx *gorm.DB) error {
		var err error
		if f.User, err = customer(tx, userID); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Order("received_at DESC, id DESC").Limit(200).Find(&f.Requests).Error; err != nil {
			return fmt.Errorf("requests: customer requests: %w", err)
		}
		if f.Holds, err = holdsOf(tx, userID); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", userID).Order("placed_at DESC, id DESC").Find(&f.Restrictions).Error; err != nil {
			return fmt.Errorf("requests: customer restrictions: %w", err)
		}
		if f.Objections, err = s.marketingObjections(tx, userID, f.User.Email); err != nil {
			return fmt.Errorf("requests: customer objections: %w", err)
		}
		e := audit.By(a, "customer.viewed", "user", strconv.FormatInt(userID, 10))
		return audit.Append(tx, s.Dialect, e)
	})
	return f, err
}
