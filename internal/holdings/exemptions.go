package holdings

// Exemption is a table that can hold personal data (a user's id, an
// address, an IP, free text…) but belongs to no customer-visible category,
// with the reason and how long its rows are kept. The schema test fails on
// a table that can hold personal data and is neither owned by a registry
// entry nor listed here, so a new table has to be placed on purpose:
// export, erasure and retention walk the registry, and whatever is listed
// here instead is a decision someone wrote down, not something forgotten.
type Exemption struct {
	Table string
	// Reason says why the table is not (yet) one of the customer's
	// categories.
	Reason string
	// Retention says, in words, how long its rows are kept today.
	Retention string
	// Later names the work that will take the table into a category or a
	// rule, when one is planned; empty when it stays outside for good.
	Later string
}

// Exemptions is every table outside the registry that the schema test
// would otherwise flag. Keep it sorted by table.
var Exemptions = []Exemption{
	{
		Table:     "audit_entries",
		Reason:    "the append-only record of who did what; actor ids, target ids and IPs are evidence the business must keep, and the database refuses to edit or delete them",
		Retention: "kept for good; Details never hold personal data (audit.Entry's rule), so an erased customer is left as a bare id",
		Later:     "retention issue: pseudonymize IPs of old entries if the chain allows it",
	},
	{
		Table:     "connected_systems",
		Reason:    "the other systems of the business that erasures and corrections are passed on to: their names, addresses, a sealed signing secret and a hashed token; nothing about a customer",
		Retention: "kept while the system is connected; admins remove them",
	},
	{
		Table:     "consent_topics",
		Reason:    "the marketing topics' names and channels, written by the business about everyone, not about one customer",
		Retention: "kept while the topic exists; admins will manage them",
	},
	{
		Table:     "data_categories",
		Reason:    "the categories' own texts (names, descriptions, retention, recipients), written by the business about everyone, not about one customer",
		Retention: "kept while the category exists; admins edit them",
	},
	{
		Table:     "data_purposes",
		Reason:    "the purposes' texts and lawful bases, written by the business",
		Retention: "kept while their category exists",
	},
	{
		Table:     "dormancy_notices",
		Reason:    "the date a dormant account was warned that retention will erase it: a workflow stamp, not data the customer gave",
		Retention: "deleted when the customer signs in again, and with the account (ON DELETE CASCADE)",
	},
	{
		Table:     "email_codes",
		Reason:    "one-time sign-in and confirmation codes sent to an address (hashed): short-lived credentials, not data the customer browses",
		Retention: "deleted by the periodic account cleanup once expired (minutes); with the account (ON DELETE CASCADE)",
	},
	{
		Table:     "erasure_steps",
		Reason:    "what each category's erasure did: counts, a reason code and a legal basis, never contents",
		Retention: "kept with its erasure, as the evidence the erasure happened",
	},
	{
		Table:     "erasures",
		Reason:    "the carrying out of an erasure request: the customer's account id until the account goes, a keyed hash of it after, and the report's address until that mail is delivered",
		Retention: "the address: until the report is delivered; the row, as evidence of the erasure: as long as its request record (retention.closed_requests)",
	},
	{
		Table:     "exports",
		Reason:    "the customer's download packages: status, times and how often each was downloaded; the file is a copy of the categories themselves, stored encrypted, and the row holds nothing the categories do not",
		Retention: "the file: until its expiry (export.keep, default 7 days), then the sweep deletes it; the row, as evidence of what was given and when: with the account (ON DELETE CASCADE)",
	},
	{
		Table:     "goose_db_version",
		Reason:    "migration bookkeeping; no personal data, listed so nothing about it is left unsaid",
		Retention: "kept for good",
	},
	{
		Table:     "holding_tallies",
		Reason:    "how many rows each customer has per counted category, kept by triggers on those tables: derived from the categories' own rows, never shown or exported on its own",
		Retention: "follows the rows it counts; with the account (ON DELETE CASCADE)",
	},
	{
		Table:     "job_schedules",
		Reason:    "names and intervals of the periodic jobs; no personal data",
		Retention: "one row per schedule, kept for good",
	},
	{
		Table:     "jobs",
		Reason:    "the work queue; a payload can carry a user id or an address (a mail to send, an export to build), so it is personal data while it waits",
		Retention: "kept for good today: no job purges finished jobs",
		Later:     "retention issue: delete finished jobs after a set time; erasure issue: cancel a subject's pending jobs",
	},
	{
		Table:     "outbox_messages",
		Reason:    "mail sent to customers and requesters: recipient address, subject and bodies; the delivery log of the portal, shown to admins. Not part of the download: each mail told the customer of something the export holds itself (a request's step, a sign-in), and the rest are one-time codes and links, credentials that have expired",
		Retention: "kept for good today: nothing purges delivered mail",
		Later:     "retention issue: purge delivered mail after a set time",
	},
	{
		Table:     "policy_versions",
		Reason:    "the published privacy policy texts, written by the business",
		Retention: "kept for good: an acknowledgement must show the text that was acknowledged",
	},
	{
		Table:     "recovery_codes",
		Reason:    "hashed single-use second-factor recovery codes: credentials, managed on the Security page",
		Retention: "until used or regenerated; deleted with the account (ON DELETE CASCADE)",
	},
	{
		Table:     "request_codes",
		Reason:    "hashed one-time codes mailed to a requester without an account: short-lived credentials, not data the customer browses",
		Retention: "15 minutes of use; deleted with their request",
	},
	{
		Table:     "request_documents",
		Reason:    "ID documents and agents' permissions uploaded for a request: the file is destroyed as soon as identity is decided; the row keeps only its type, size and times as evidence, and documents are never part of an export",
		Retention: "the file: until the identity decision plus the grace setting (default 0 days), with a periodic sweep; the row: with its request",
	},
	{
		Table:     "retained_invoices",
		Reason:    "what bookkeeping law keeps of an erased customer's orders (invoice number, date, buyer's name and billing address, amounts and tax), with no account: hidden from every normal view, each reading audited",
		Retention: "until the end of the bookkeeping period (erasure.bookkeeping_years after the end of the fiscal year), then the retention job deletes it",
	},
	{
		Table:     "revisions",
		Reason:    "change counters of what instances cache (the catalog of categories, purposes and policy versions); no personal data",
		Retention: "one row per cache, kept for good",
	},
	{
		Table:     "settings",
		Reason:    "business rules set by admins; updated_by names the admin who last changed one (staff, not a customer)",
		Retention: "kept while the rule exists; updated_by is set to NULL when that admin's account is deleted",
	},
	{
		Table:     "sign_in_throttles",
		Reason:    "failure counts keyed by a hash of an address or IP, to slow guessing; security records, not about a customer's relationship with the shop",
		Retention: "deleted by the periodic account cleanup once quiet for a day and not locked",
	},
	{
		Table:     "suppressions",
		Reason:    "keyed hashes of addresses that asked to be forgotten, so marketing and imports never reach them again; the address itself is not kept",
		Retention: "kept for good: forgetting the hash would let the address come back",
	},
	{
		Table:     "system_tasks",
		Reason:    "an erasure, correction or restriction passed on to a connected system: the message delivered (it names the customer so the system can find them) until the task is done",
		Retention: "the payload: until the system acknowledges or staff tick the task off; the row: with its request record",
	},
	{
		Table:     "vault_deletions",
		Reason:    "random names of vault files whose rows are gone, until the files are deleted too",
		Retention: "seconds: deleted with the file",
	},
	{
		Table:     "webhook_deliveries",
		Reason:    "one line per delivery attempt of a task: status code, error and duration, no body",
		Retention: "retention.webhook_logs (default 30 days)",
	},
}
