package holdings

import (
	"time"

	"github.com/photolab/privacyportal/internal/settings"
)

// Expiry is one retention rule of a category: which of its rows are past
// their period, for internal/retention to delete in batches (and to count
// for the dry run). Rows of a customer under a legal hold on the category
// or a restriction are never expired.
type Expiry struct {
	// Name is the rule's id, shown on the dry run ("contact.messages").
	Name string
	// Table is the table whose rows go; Key its primary key column.
	Table string
	Key   string
	// Where selects the expired rows of Table (alias t), with one ? bound
	// to the cutoff: now minus Period.
	Where string
	// Period is how long rows are kept, read from the settings at each run
	// (nil: no time at all, for rows already expired by their own date).
	Period func(*settings.Service) time.Duration
	// UserColumn is t's column naming the customer, for holds and
	// restrictions ("" when rows have none).
	UserColumn string
	// FileColumns are t's columns holding vault keys, deleted with the row.
	FileColumns []string
}
