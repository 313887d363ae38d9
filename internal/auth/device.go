package auth

import "strings"

// Unknown is what Device reports for a browser or system it cannot name.
const Unknown = "Unknown"

// browserRules are tried in order: many user agents name several browsers
// ("Edg/120 ... Chrome/120 ... Safari/537"), and the first, most specific
// token wins. Safari is last among real browsers because nearly every
// WebKit and Blink browser also says "Safari".
var browserRules = []struct {
	token, family string
}{
	{"EdgiOS/", "Edge"},
	{"EdgA/", "Edge"},
	{"Edg/", "Edge"},
	{"Edge/", "Edge"},
	{"OPR/", "Opera"},
	{"OPiOS/", "Opera"},
	{"SamsungBrowser/", "Samsung Internet"},
	{"FxiOS/", "Firefox"},
	{"Firefox/", "Firefox"},
	{"CriOS/", "Chrome"},
	{"Chromium/", "Chromium"},
	{"Chrome/", "Chrome"},
	{"curl/", "curl"},
}

// osRules are tried in order too: iPhones say "like Mac OS X", Android and
// ChromeOS say "Linux".
var osRules = []struct {
	token, name string
}{
	{"iPad", "iPadOS"},
	{"iPhone", "iOS"},
	{"iPod", "iOS"},
	{"Windows", "Windows"},
	{"Android", "Android"},
	{"CrOS", "ChromeOS"},
	{"Macintosh", "macOS"},
	{"Mac OS X", "macOS"},
	{"Linux", "Linux"},
}

// Device names the browser (family and major version, e.g. "Firefox 128")
// and operating system in a user agent string, for the sessions and login
// history pages. It is deliberately small: a wrong guess costs a confusing
// label, never access. Anything it cannot name is Unknown.
func Device(userAgent string) (browser, os string) {
	family, version, os := parseUA(userAgent)
	if version != "" {
		return family + " " + version, os
	}
	return family, os
}

func parseUA(ua string) (family, major, os string) {
	family, os = Unknown, Unknown
	for _, r := range osRules {
		if strings.Contains(ua, r.token) {
			os = r.name
			break
		}
	}
	for _, r := range browserRules {
		if i := strings.Index(ua, r.token); i >= 0 {
			return r.family, majorVersion(ua[i+len(r.token):]), os
		}
	}
	// Safari gives its own version in "Version/17.4"; "Safari/605" is the
	// WebKit build.
	if strings.Contains(ua, "Safari/") {
		if i := strings.Index(ua, "Version/"); i >= 0 {
			return "Safari", majorVersion(ua[i+len("Version/"):]), os
		}
		return "Safari", "", os
	}
	return family, "", os
}

// majorVersion is the leading digits of a version string: "120.0.6099" → "120".
func majorVersion(s string) string {
	n := 0
	for n < len(s) && n < 6 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return s[:n]
}
