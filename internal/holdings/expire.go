package holdings

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
	// to the cutoff: now minus the period.
	Where string
	// PeriodSetting is the key of the duration setting saying how long rows
	// are kept ("retention.contact"), read at each run; "" for rows that
	// expire at their own date (Where compares it with now). A key, not the
	// setting itself: internal/settings imports auth, whose tests import
	// this package.
	PeriodSetting string
	// UserColumn is t's column naming the customer, for holds and
	// restrictions ("" when rows have none).
	UserColumn string
	// FileColumns are t's columns holding vault keys, deleted with the row.
	FileColumns []string
}
