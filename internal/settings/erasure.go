package settings

import "time"

// Erasure and retention rules (internal/erasure, internal/retention).
var (
	// ErasureCoolOff is how long an approved erasure waits before it runs,
	// so the customer can change their mind; it always ends before the
	// request's due date, and the customer may waive it.
	ErasureCoolOff = Duration("erasure.cool_off", 14*24*time.Hour, 0, 30*24*time.Hour)
	// ErasureBookkeepingYears is how long invoices are kept after the end
	// of the fiscal year they belong to, per billing country
	// ("default=10,DE=10,GB=6": ISO 3166 codes; default for the rest).
	ErasureBookkeepingYears = String("erasure.bookkeeping_years", "default=10", 400)
	// ErasureFiscalYearEnd is the last day of the fiscal year, MM-DD.
	ErasureFiscalYearEnd = String("erasure.fiscal_year_end", "12-31", 5)
	// ErasurePrivateWebhooks allows webhook URLs that resolve to loopback,
	// private or link-local addresses (tests, single-machine installs);
	// off, such URLs are refused, so the portal cannot be aimed at the
	// network it runs in.
	ErasurePrivateWebhooks = Bool("erasure.allow_private_webhooks", false)

	// Retention periods the registry's rules read (the category's own
	// texts say the same in words, for the customer).
	RetentionContact        = Duration("retention.contact", 90*24*time.Hour, 24*time.Hour, 10*365*24*time.Hour)
	RetentionPhotosPaid     = Duration("retention.photos_paid", 183*24*time.Hour, 24*time.Hour, 10*365*24*time.Hour)
	RetentionPhotosUnpaid   = Duration("retention.photos_unordered", 183*24*time.Hour, 24*time.Hour, 10*365*24*time.Hour)
	RetentionLogins         = Duration("retention.logins", 365*24*time.Hour, 24*time.Hour, 10*365*24*time.Hour)
	RetentionClosedRequests = Duration("retention.closed_requests", 730*24*time.Hour, 365*24*time.Hour, 10*365*24*time.Hour)
	RetentionOutbox         = Duration("retention.outbox", 30*24*time.Hour, 24*time.Hour, 365*24*time.Hour)
	RetentionJobs           = Duration("retention.jobs", 14*24*time.Hour, 24*time.Hour, 365*24*time.Hour)
	RetentionWebhookLogs    = Duration("retention.webhook_logs", 30*24*time.Hour, 24*time.Hour, 365*24*time.Hour)
	// RetentionDormantYears: an account with no sign-in and no order for
	// this many years is warned, then erased RetentionDormantGrace later
	// (0: never).
	RetentionDormantYears = Int("retention.dormant_years", 3, 0, 20)
	RetentionDormantGrace = Duration("retention.dormant_grace", 30*24*time.Hour, 7*24*time.Hour, 365*24*time.Hour)
	// RetentionBatch is how many rows one purge statement deletes: small
	// enough that pages never wait long behind it.
	RetentionBatch = Int("retention.batch", 500, 50, 10000)
)
