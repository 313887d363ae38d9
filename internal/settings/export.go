package settings

import "time"

// Download rules (internal/export), and the Art. 15 facts its report
// states that no data category holds.
var (
	// ExportSelfInterval is how often a customer may ask for their own
	// download (a formal access request follows the request rules).
	ExportSelfInterval = Duration("export.self_interval", 24*time.Hour, time.Hour, 30*24*time.Hour)
	// ExportKeep is how long a package may be downloaded; then it is deleted.
	ExportKeep = Duration("export.keep", 7*24*time.Hour, 24*time.Hour, 30*24*time.Hour)
	// PrivacyAutomatedDecisions says whether the shop makes decisions based
	// solely on automated processing, profiling included (Art. 22); the
	// report says so either way (Art. 15(1)(h)).
	PrivacyAutomatedDecisions = Bool("privacy.automated_decisions", false)
	// PrivacyAutomatedLogic describes that logic and its consequences,
	// when there is any.
	PrivacyAutomatedLogic = String("privacy.automated_decisions.logic", "", 1000)
	// PrivacyTransfers names the transfers outside the EEA and their
	// safeguards (Art. 15(2), Art. 46: "Photo lab in Switzerland: adequacy
	// decision"). Empty: the report says data stays in the EEA.
	PrivacyTransfers = String("privacy.transfers", "", 1000)
)
