// Package config reads the portal's settings from environment variables and
// matching command-line flags (a flag wins over its variable). Every setting
// is listed in Settings so the README and `portal help` cannot drift.
package config

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	// Embedded so PORTAL_TIMEZONE and customers' zones load on machines
	// without /usr/share/zoneinfo (minimal containers).
	_ "time/tzdata"
)

// Config is the validated configuration.
type Config struct {
	Addr             string
	DataDir          string
	DatabaseURL      string
	BaseURL          string
	SMTPURL          string
	MailFrom         string
	LogFormat        string
	LogLevel         string
	CustomerIdle     time.Duration
	CustomerAbsolute time.Duration
	StaffIdle        time.Duration
	StaffAbsolute    time.Duration
	RateLimit        float64 // requests per second per client IP
	RateBurst        int
	TrustedProxies   []string
	ShutdownTimeout  time.Duration
	JobWorkers       int
	MetricsToken     string
	SecureCookies    bool
	HashConcurrency  int
	SignInPerMinute  int
	FilesDir         string
	KeysDir          string
	TOTPIssuer       string
	TimeZone         *time.Location // the shop's zone, for times shown to people who chose none
	MemoryLimit      int64          // soft limit for the Go runtime in bytes; 0 means none
	PprofAddr        string         // where net/http/pprof listens; empty means nowhere
	DKIMKeyFile      string         // PEM private key signing outgoing mail; empty: no DKIM
	DKIMSelector     string
	DKIMDomain       string
}

// Setting describes one configuration variable.
type Setting struct {
	Env     string
	Flag    string
	Default string
	Help    string
	set     func(c *Config, v string) error
}

// Settings lists every variable, its flag, default and meaning.
var Settings = []Setting{
	{"PORTAL_ADDR", "addr", ":8080", "address to listen on (host:port; an empty host means every interface)", setAddr(func(c *Config) *string { return &c.Addr })},
	{"PORTAL_DATA_DIR", "data-dir", "./data", "directory for the SQLite database and the portal's local files", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"PORTAL_FILES_DIR", "files-dir", "", "where encrypted files (photos, documents, exports) are kept; empty means $PORTAL_DATA_DIR/files; must be shared storage when several instances run", func(c *Config, v string) error { c.FilesDir = v; return nil }},
	{"PORTAL_KEYS_DIR", "keys-dir", "", "where the file encryption keys and the server secrets (secret-N.key) are kept, generated on first run; back it up apart from the database; every instance needs the same files; empty means $PORTAL_DATA_DIR/keys", func(c *Config, v string) error { c.KeysDir = v; return nil }},
	{"PORTAL_DATABASE_URL", "database-url", "", "postgres://… for PostgreSQL; empty means SQLite at $PORTAL_DATA_DIR/portal.db; any other value is an SQLite file path", func(c *Config, v string) error { c.DatabaseURL = v; return nil }},
	{"PORTAL_BASE_URL", "base-url", "http://localhost:8080", "public URL of the portal, used in mails and to decide Secure cookies and HSTS", setURL(func(c *Config) *string { return &c.BaseURL })},
	{"PORTAL_SMTP_URL", "smtp-url", "", "smtp://user:pass@host:587 (STARTTLS) or smtps://…:465; empty keeps mail in the outbox, readable by admins", setOptionalURL(func(c *Config) *string { return &c.SMTPURL }, "smtp", "smtps")},
	{"PORTAL_MAIL_FROM", "mail-from", "Privacy Portal <privacy@localhost>", "sender of every mail", func(c *Config, v string) error { c.MailFrom = v; return nil }},
	{"PORTAL_LOG_FORMAT", "log-format", "text", "text or json", oneOf(func(c *Config) *string { return &c.LogFormat }, "text", "json")},
	{"PORTAL_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", oneOf(func(c *Config) *string { return &c.LogLevel }, "debug", "info", "warn", "error")},
	{"PORTAL_CUSTOMER_IDLE_TIMEOUT", "customer-idle-timeout", "1h", "a customer's session ends after this long unused", setDuration(func(c *Config) *time.Duration { return &c.CustomerIdle })},
	{"PORTAL_CUSTOMER_SESSION_LIFETIME", "customer-session-lifetime", "24h", "a customer's session ends this long after sign-in, used or not", setDuration(func(c *Config) *time.Duration { return &c.CustomerAbsolute })},
	{"PORTAL_STAFF_IDLE_TIMEOUT", "staff-idle-timeout", "30m", "a staff or admin session ends after this long unused", setDuration(func(c *Config) *time.Duration { return &c.StaffIdle })},
	{"PORTAL_STAFF_SESSION_LIFETIME", "staff-session-lifetime", "12h", "a staff or admin session ends this long after sign-in", setDuration(func(c *Config) *time.Duration { return &c.StaffAbsolute })},
	{"PORTAL_RATE_LIMIT", "rate-limit", "20", "requests per second allowed per client IP (sustained)", setPositiveFloat(func(c *Config) *float64 { return &c.RateLimit })},
	{"PORTAL_RATE_BURST", "rate-burst", "60", "requests a client IP may send in a burst above the rate", setPositiveInt(func(c *Config) *int { return &c.RateBurst })},
	{"PORTAL_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated IPs or CIDRs of load balancers whose X-Forwarded-For is believed", func(c *Config, v string) error { c.TrustedProxies = splitList(v); return nil }},
	{"PORTAL_SHUTDOWN_TIMEOUT", "shutdown-timeout", "20s", "how long in-flight requests may take to finish on SIGTERM", setDuration(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
	{"PORTAL_JOB_WORKERS", "job-workers", "2", "background job workers in this instance (0 runs none)", setNonNegativeInt(func(c *Config) *int { return &c.JobWorkers })},
	{"PORTAL_METRICS_TOKEN", "metrics-token", "", "if set, /metrics requires 'Authorization: Bearer <token>'", func(c *Config, v string) error { c.MetricsToken = v; return nil }},
	{"PORTAL_SIGNIN_RATE_LIMIT", "signin-rate-limit", "10", "sign-in attempts (password, codes) allowed per minute per client IP", setPositiveInt(func(c *Config) *int { return &c.SignInPerMinute })},
	{"PORTAL_TOTP_ISSUER", "totp-issuer", "Privacy Portal", "the name authenticator apps show next to the account (e.g. your shop's name)", func(c *Config, v string) error { c.TOTPIssuer = v; return nil }},
	{"PORTAL_TIMEZONE", "timezone", "UTC", "the shop's time zone (IANA name, e.g. Europe/Paris): times are shown in it unless the customer chose their own", setZone(func(c *Config) **time.Location { return &c.TimeZone })},
	{"PORTAL_HASH_CONCURRENCY", "hash-concurrency", "4", "password hashes computed at once (each takes 19 MiB); more wait", setPositiveInt(func(c *Config) *int { return &c.HashConcurrency })},
	{"PORTAL_PPROF_ADDR", "pprof-addr", "", "if set (e.g. 127.0.0.1:6060), Go's profiler (net/http/pprof) listens there, apart from the portal; for measuring, never on a public interface", setOptionalAddr(func(c *Config) *string { return &c.PprofAddr })},
	{"PORTAL_DKIM_KEY_FILE", "dkim-key-file", "", "PEM private key (RSA or Ed25519) to sign outgoing mail with DKIM; with PORTAL_DKIM_SELECTOR and PORTAL_DKIM_DOMAIN; one-click unsubscribe (RFC 8058) needs a signature covering List-Unsubscribe, so without it the relay must sign", func(c *Config, v string) error { c.DKIMKeyFile = v; return nil }},
	{"PORTAL_DKIM_SELECTOR", "dkim-selector", "", "DKIM selector: the public key is published at <selector>._domainkey.<domain>", func(c *Config, v string) error { c.DKIMSelector = v; return nil }},
	{"PORTAL_DKIM_DOMAIN", "dkim-domain", "", "DKIM signing domain (d=), normally the domain of PORTAL_MAIL_FROM", func(c *Config, v string) error { c.DKIMDomain = v; return nil }},
	{"PORTAL_MEMORY_LIMIT", "memory-limit", "128MiB", "soft memory limit of the Go runtime, written as GOMEMLIMIT is (256MiB, 1GiB, bytes; 0 for none): near it the collector runs sooner, so a sign-in flood's garbage does not pile up; GOMEMLIMIT, if set, wins", setSize(func(c *Config) *int64 { return &c.MemoryLimit })},
}

// Load reads the environment, then args (flags), and validates. An invalid
// value returns an error naming the variable.
func Load(args []string, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var c Config
	values := map[string]string{}
	for _, s := range Settings {
		values[s.Env] = s.Default
		if v, ok := lookup(getenv, s.Env); ok {
			values[s.Env] = v
		}
	}
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	flagVals := map[string]*string{}
	for _, s := range Settings {
		flagVals[s.Env] = fs.String(s.Flag, values[s.Env], s.Help+" ($"+s.Env+")")
	}
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}
	for _, s := range Settings {
		if err := s.set(&c, strings.TrimSpace(*flagVals[s.Env])); err != nil {
			return c, fmt.Errorf("config: %s: %w", s.Env, err)
		}
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = filepath.Join(c.DataDir, "portal.db")
	}
	if c.FilesDir == "" {
		c.FilesDir = filepath.Join(c.DataDir, "files")
	}
	if c.KeysDir == "" {
		c.KeysDir = filepath.Join(c.DataDir, "keys")
	}
	u, _ := url.Parse(c.BaseURL)
	c.SecureCookies = u.Scheme == "https"
	if set := btoi(c.DKIMKeyFile != "") + btoi(c.DKIMSelector != "") + btoi(c.DKIMDomain != ""); set != 0 && set != 3 {
		return c, errors.New("config: PORTAL_DKIM_KEY_FILE, PORTAL_DKIM_SELECTOR and PORTAL_DKIM_DOMAIN go together: set all three or none")
	}
	if c.CustomerIdle > c.CustomerAbsolute {
		return c, errors.New("config: PORTAL_CUSTOMER_IDLE_TIMEOUT: longer than PORTAL_CUSTOMER_SESSION_LIFETIME")
	}
	if c.StaffIdle > c.StaffAbsolute {
		return c, errors.New("config: PORTAL_STAFF_IDLE_TIMEOUT: longer than PORTAL_STAFF_SESSION_LIFETIME")
	}
	return c, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// PlainHTTPWarning is the start-up warning for a base URL that is plain
// HTTP on a public host: RFC 8058 one-click unsubscribe needs an HTTPS
// URL (mail providers ignore an http one), and cookies go unprotected.
// Empty for HTTPS and for localhost, where HTTP is the developer's.
func (c Config) PlainHTTPWarning() string {
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Scheme != "http" {
		return ""
	}
	switch h := u.Hostname(); {
	case h == "localhost", h == "127.0.0.1", h == "::1", strings.HasSuffix(h, ".localhost"):
		return ""
	}
	return "PORTAL_BASE_URL is plain http:// on a public host: one-click unsubscribe links (RFC 8058) need HTTPS, and mail providers ignore them otherwise"
}

// lookup treats an empty variable as unset, so `PORTAL_X= portal` keeps defaults.
func lookup(getenv func(string) string, key string) (string, bool) {
	v := getenv(key)
	return v, v != ""
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// setZone accepts only IANA names: "Local" would depend on the machine and
// an empty name would silently mean UTC.
func setZone(field func(*Config) **time.Location) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v == "" || v == "Local" {
			return fmt.Errorf("%q is not an IANA time zone name (like Europe/Paris)", v)
		}
		loc, err := time.LoadLocation(v)
		if err != nil {
			return fmt.Errorf("%q is not an IANA time zone name (like Europe/Paris)", v)
		}
		*field(c) = loc
		return nil
	}
}

func setDuration(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%q is not a positive duration such as 30m or 12h", v)
		}
		*field(c) = d
		return nil
	}
}

func setPositiveInt(field func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("%q is not a whole number above 0", v)
		}
		*field(c) = n
		return nil
	}
}

func setNonNegativeInt(field func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("%q is not a whole number of 0 or more", v)
		}
		*field(c) = n
		return nil
	}
}

// sizeUnits are GOMEMLIMIT's suffixes, so one syntax serves both.
var sizeUnits = []struct {
	suffix string
	shift  uint
}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}}

// setSize reads a byte count written as GOMEMLIMIT is: a whole number
// with an optional B, KiB, MiB, GiB or TiB suffix.
func setSize(field func(*Config) *int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		num, shift := v, uint(0)
		for _, u := range sizeUnits {
			if n, ok := strings.CutSuffix(v, u.suffix); ok {
				num, shift = n, u.shift
				break
			}
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n < 0 || n > math.MaxInt64>>shift {
			return fmt.Errorf("%q is not a size such as 160MiB, 1GiB or 0", v)
		}
		*field(c) = n << shift
		return nil
	}
}

func setPositiveFloat(field func(*Config) *float64) func(*Config, string) error {
	return func(c *Config, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			return fmt.Errorf("%q is not a number above 0", v)
		}
		*field(c) = f
		return nil
	}
}

func oneOf(field func(*Config) *string, allowed ...string) func(*Config, string) error {
	return func(c *Config, v string) error {
		for _, a := range allowed {
			if v == a {
				*field(c) = v
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(allowed, ", "))
	}
}

// setAddr accepts host:port with a port from 1 to 65535 (or 0, "any free
// port", which tests use), so a typo fails at start-up naming the variable
// instead of at listen time.
func setAddr(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		_, port, err := net.SplitHostPort(v)
		if err != nil {
			return fmt.Errorf("%q is not host:port such as :8080 or 127.0.0.1:8080", v)
		}
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || strconv.FormatUint(n, 10) != port {
			return fmt.Errorf("%q: the port must be a number from 0 to 65535", v)
		}
		*field(c) = v
		return nil
	}
}

// setOptionalAddr is setAddr where empty means "not at all".
func setOptionalAddr(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v == "" {
			*field(c) = ""
			return nil
		}
		return setAddr(field)(c, v)
	}
}

func setURL(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("%q is not an http:// or https:// URL", v)
		}
		*field(c) = strings.TrimRight(v, "/")
		return nil
	}
}

func setOptionalURL(field func(*Config) *string, schemes ...string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || u.Host == "" {
			return errors.New("not a valid URL (the value is not shown: it may hold a password)")
		}
		for _, s := range schemes {
			if u.Scheme == s {
				*field(c) = v
				return nil
			}
		}
		return fmt.Errorf("scheme must be one of %s", strings.Join(schemes, ", "))
	}
}
