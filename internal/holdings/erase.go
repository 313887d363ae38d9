package holdings

import (
	"time"

	"github.com/photolab/privacyportal/models"
	"gorm.io/gorm"
)

// Erasure is how a category is erased: the strategy seeded for it, the
// ones admins may choose instead, and the legal basis a retained copy is
// kept on (retain only).
type Erasure struct {
	Default     string
	Allowed     []string
	LegalBasis  string
	RetainYears int
}

// EraseJob is one category's part of one erasure, run in Tx: everything
// the category deletes or keeps happens in it, so a crash leaves the
// category either untouched or done.
type EraseJob struct {
	Tx        *gorm.DB
	Dialect   models.Dialect
	ErasureID int64
	UserID    int64
	// Email is the customer's address (the account's, or the requester's
	// when there is no account): rows kept by address (requests, codes,
	// mail) are found by it.
	Email string
	// EmailHashes are the address's keyed hashes under every key version
	// (consent.email): the ledger's subject of an address without an
	// account is known only by them.
	EmailHashes []string
	// RequestID is the erasure request being carried out (0: none, e.g. a
	// dormant account): its record is kept, pseudonymized, whatever the
	// requests category's strategy, so the request can complete.
	RequestID int64
	// Account is set when the account itself goes (the profile category,
	// everything erased and nothing held); otherwise the profile keeps
	// the account row with sign-in disabled.
	Account bool
	// Strategy is the category's row of erasure_strategies (admins' choice).
	Strategy models.ErasureStrategy
	// RetainUntil computes, for a retained record dated at in country (ISO
	// 3166, may be ""), the end of its bookkeeping retention.
	RetainUntil func(at time.Time, country string) time.Time
	Now         time.Time
	// DropFile records a vault file whose row went (vault_deletions, in
	// Tx); the engine deletes the file after the commit.
	DropFile func(key string) error
}

// Outcome is what a category's erasure did, for the erasure report:
// counts and reasons, never contents.
type Outcome struct {
	Removed  int64
	Retained int64
	// Reason is the report's message id for what was retained
	// ("erasure.reason.bookkeeping"…), "" when nothing was.
	Reason string
	Basis  string
	Until  *time.Time
}
