package holdings

// KeyRequests is the customer's privacy requests: each request, its
// timeline, its messages, the corrections it asked for and the staff's
// notes about it (notes are the customer's personal data too, shown to
// them only through the export, where a note may be withheld). The pages
// and the rules are the requests service's (internal/requests).
const KeyRequests = "requests"

type requestsCategory struct{}

func (requestsCategory) Key() string  { return KeyRequests }
func (requestsCategory) Path() string { return "/account/requests" }

func (requestsCategory) Tables() []string {
	return []string{"privacy_requests", "request_events", "request_messages", "request_notes", "request_corrections"}
}

// Tally counts the requests themselves; a customer has few, so a count
// on the user's index costs less than a trigger on every message.
func (requestsCategory) Tally() Tally {
	return Tally{SQL: `SELECT 'requests' AS k, COUNT(*) AS n, MAX(updated_at) AS last
		FROM privacy_requests WHERE user_id = ?`, Binds: 1}
}

// Correctable: none. A request and its timeline are the evidence of how
// it was answered; the requester adds to it by messages.
func (requestsCategory) Correctable() []Correctable { return nil }
