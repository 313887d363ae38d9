package holdings

import (
	"slices"
)

// Entry is one data category as the portal handles it: what the customer
// sees of it, and which tables hold its rows. The texts (name, purposes,
// retention, source, recipients) are data, in the data_categories row of
// the same key, so admins can edit them; an Entry is the code that answers
// for those rows. Adding a category means adding one category_*.go file
// and its line in registry below.
//
// Every method must be answered before the portal compiles (a nil func
// in a struct would compile and forget the category).
type Entry interface {
	// Key is the data_categories.key this entry answers for.
	Key() string
	// Path is the customer's page listing the category's rows; the route
	// itself is in handlers/routes.go.
	Path() string
	// Tables are the tables whose rows belong to this category. The
	// schema test fails on a table that can hold personal data and is
	// neither owned here nor exempted in exemptions.go.
	Tables() []string
	// Tally counts the customer's rows and their last change.
	Tally() Tally
	// Correctable lists the fields staff may correct on a rectification
	// request (none: the category's rows are records the shop must keep
	// as they were, or the customer edits them themselves elsewhere).
	Correctable() []Correctable
	// Export declares what the download gives of each of Tables: every
	// column is exported or excluded with a reason (export.go).
	Export() []Set
	// Erasure declares the category's erasure strategies (erase.go).
	Erasure() Erasure
	// Erase carries out the chosen strategy on the customer's rows; legal
	// holds are the engine's (a held category is not asked).
	Erase(job EraseJob) (Outcome, error)
	// Expiries are the category's retention rules (expire.go).
	Expiries() []Expiry
}

// Tally says how the overview learns a category's count and newest
// change. A counted category (Counted) has them kept in holding_tallies
// under its key by triggers on its table (migration 00007 declares them
// with the category's time column). Any other gives one SELECT of three
// columns: its key, how many of the customer's rows it holds, and the
// newest change (NULL if none), binding the customer's id Binds times.
// The overview reads every tally in one statement, so its cost does not
// grow with the categories.
type Tally struct {
	Counted bool
	SQL     string
	Binds   int
}

// registry is every category the portal answers for, in no particular
// order: the display order is data_categories.sort, which admins edit.
var registry = []Entry{
	profileCategory{},
	ordersCategory{},
	paymentsCategory{},
	photosCategory{},
	contactCategory{},
	surveysCategory{},
	loginsCategory{},
	requestsCategory{},
	consentsCategory{},
}

// Entries returns every registered category.
func Entries() []Entry { return slices.Clone(registry) }

// Lookup returns the registered category of a key.
func Lookup(key string) (Entry, bool) {
	for _, e := range registry {
		if e.Key() == key {
			return e, true
		}
	}
	return nil, false
}
