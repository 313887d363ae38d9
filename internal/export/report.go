package export

import (
	"context"
	"io"
	"time"

	"github.com/photolab/privacyportal/internal/holdings"
	"github.com/photolab/privacyportal/models"
)

// Reporter writes index.html, the human-readable report, in the
// package's language (ctx carries it, as for pages). The builder calls
// it in this order, streaming: Begin; for each included category,
// Category, then for each of its sets SetStart, Rows (in batches, any
// number of times, never more than a batch in memory) and SetEnd, then
// CategoryEnd; finally End. It must be self-contained: inline CSS, no
// script, no external request.
type Reporter interface {
	Begin(ctx context.Context, w io.Writer, info *ReportInfo) error
	Category(ctx context.Context, w io.Writer, c *ReportCategory) error
	SetStart(ctx context.Context, w io.Writer, c *ReportCategory, set *ReportSet) error
	Rows(ctx context.Context, w io.Writer, c *ReportCategory, set *ReportSet, rows [][]any) error
	SetEnd(ctx context.Context, w io.Writer, c *ReportCategory, set *ReportSet) error
	CategoryEnd(ctx context.Context, w io.Writer, c *ReportCategory) error
	End(ctx context.Context, w io.Writer, info *ReportInfo) error
}

// ReportInfo is what the report says besides the rows: who it is for,
// and the Art. 15(1)–(2) information.
type ReportInfo struct {
	GeneratedAt time.Time
	Locale      string
	// Zone is the customer's time zone, for times shown in the report
	// (data.json keeps UTC).
	Zone *time.Location
	// Email and Name are whose data it is.
	Email, Name string
	// Request is the access or portability request it answers, if any.
	Request *models.PrivacyRequest
	// Categories are every category, in display order, included or not
	// (the table of contents says which were left out by choice).
	Categories []*ReportCategory
	// AuthorityName and AuthorityURL are the supervisory authority the
	// customer may complain to (settings; empty: "your data protection
	// authority").
	AuthorityName, AuthorityURL string
	// AutomatedDecisions says whether decisions are based solely on
	// automated processing (Art. 22); AutomatedLogic describes it.
	AutomatedDecisions bool
	AutomatedLogic     string
	// Transfers names transfers outside the EEA and their safeguards;
	// empty: none.
	Transfers string
	// Withheld lists what was left out under an exemption, without its
	// content (staff notes withheld for another person's rights or legal
	// privilege).
	Withheld []Withheld
}

// Withheld is one item left out of the package, and why.
type Withheld struct {
	RequestID int64
	At        time.Time
	Reason    string // models.WithholdThirdParty, models.WithholdPrivilege
}

// ReportCategory is one category as the report shows it.
type ReportCategory struct {
	Key   string
	Texts holdings.Texts
	// Bases are the purposes' lawful bases, in Texts.Purposes' order.
	Bases []models.LawfulBasis
	// Included is false for a category the customer chose to leave out.
	Included bool
	Sets     []*ReportSet
}

// ReportSet is one kind of record of a category, and how many it holds.
type ReportSet struct {
	holdings.Set
	Count int64
	// FileIndex is the position of the ZIP path of a record's file in
	// each row (after the fields), or -1.
	FileIndex int
}
