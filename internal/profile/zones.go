package profile

import (
	"slices"
	"strings"
	"time"
)

// MsgTimeZone is the error for a time zone that is not a known IANA name.
const MsgTimeZone = "profile.error.time_zone"

// Zones are the time zones the profile form offers: where the seeds'
// customers (France, the UK, China) and their neighbours live, in the
// order of their UTC offset. Any other valid IANA name is still accepted
// (the API or an older form may send one).
var Zones = []string{
	"America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
	"America/Sao_Paulo", "Atlantic/Reykjavik", "Europe/London", "Europe/Dublin", "Europe/Lisbon",
	"Europe/Paris", "Europe/Brussels", "Europe/Berlin", "Europe/Madrid", "Europe/Rome",
	"Europe/Zurich", "Africa/Casablanca", "Africa/Lagos", "Europe/Athens", "Europe/Helsinki",
	"Africa/Johannesburg", "Europe/Istanbul", "Europe/Moscow", "Asia/Dubai", "Asia/Kolkata",
	"Asia/Bangkok", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore",
	"Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Pacific/Auckland",
	"Indian/Reunion", "America/Martinique", "America/Guadeloupe", "Pacific/Noumea", "Pacific/Tahiti",
	"UTC",
}

// checkTimeZone accepts an empty zone (the shop's applies) or an IANA name.
// "Local" is refused: it would mean the server's zone, not the customer's.
func checkTimeZone(errs FieldErrors, raw string) string {
	s := strings.TrimSpace(raw)
	if s == "" || slices.Contains(Zones, s) {
		return s
	}
	if len(s) > 64 || s == "Local" {
		errs["time_zone"] = MsgTimeZone
		return s
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		errs["time_zone"] = MsgTimeZone
		return s
	}
	return loc.String()
}
