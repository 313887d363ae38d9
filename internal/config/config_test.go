package config

import (
	"os"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DatabaseURL != "data/portal.db" || c.CustomerIdle != time.Hour ||
		c.StaffAbsolute != 12*time.Hour || c.SecureCookies || c.JobWorkers != 2 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestFlagBeatsEnvironment(t *testing.T) {
	c, err := Load([]string{"--addr", "127.0.0.1:9000"}, env(map[string]string{"PORTAL_ADDR": ":7000",
		"PORTAL_BASE_URL": "https://privacy.example.com/", "PORTAL_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9000" {
		t.Errorf("addr = %q", c.Addr)
	}
	if !c.SecureCookies || c.BaseURL != "https://privacy.example.com" {
		t.Errorf("https base URL: secure=%v base=%q", c.SecureCookies, c.BaseURL)
	}
	if len(c.TrustedProxies) != 2 {
		t.Errorf("trusted proxies = %v", c.TrustedProxies)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	cases := map[string]string{
		"PORTAL_RATE_LIMIT":            "0",
		"PORTAL_RATE_BURST":            "many",
		"PORTAL_JOB_WORKERS":           "-1",
		"PORTAL_CUSTOMER_IDLE_TIMEOUT": "forever",
		"PORTAL_BASE_URL":              "ftp://x",
		"PORTAL_SMTP_URL":              "http://mail.example.com",
		"PORTAL_LOG_LEVEL":             "loud",
		"PORTAL_STAFF_IDLE_TIMEOUT":    "13h", // longer than the 12h lifetime
		"PORTAL_ADDR":                  "8080",
	}
	for k, v := range cases {
		_, err := Load(nil, env(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: error %v does not name the variable", k, v, err)
		}
	}
	_, err := Load(nil, env(map[string]string{"PORTAL_SMTP_URL": "smtp://user:s3cret@:bad"}))
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("SMTP error must not echo the password: %v", err)
	}
}

// The README's settings table is for operators; it must list every setting.
func TestReadmeListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings {
		if !strings.Contains(string(readme), "`"+s.Env+"`") {
			t.Errorf("README.md does not document %s", s.Env)
		}
	}
}

func TestListenAddress(t *testing.T) {
	t.Parallel()
	cases := []struct {
		value string
		ok    bool
	}{
		{":8080", true},
		{"127.0.0.1:8080", true},
		{"[::1]:443", true},
		{"localhost:0", true}, // any free port
		{"8080", false},       // the port alone: the colon is missing
		{"127.0.0.1", false},
		{":http", false}, // a service name hides typos; ask for the number
		{":65536", false},
		{":-1", false},
		{":08080", false},
		{"127.0.0.1:80:80", false},
	}
	for _, c := range cases {
		got, err := Load(nil, env(map[string]string{"PORTAL_ADDR": c.value}))
		switch {
		case c.ok && err != nil:
			t.Errorf("PORTAL_ADDR=%q refused: %v", c.value, err)
		case c.ok && got.Addr != c.value:
			t.Errorf("PORTAL_ADDR=%q gave Addr %q", c.value, got.Addr)
		case !c.ok && (err == nil || !strings.Contains(err.Error(), "PORTAL_ADDR")):
			t.Errorf("PORTAL_ADDR=%q: error %v does not name the variable", c.value, err)
		}
	}
}

func TestTimeZone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		value, want string
		ok          bool
	}{
		{"", "UTC", true}, // unset: the default
		{"Europe/Paris", "Europe/Paris", true},
		{"Asia/Shanghai", "Asia/Shanghai", true},
		{"Mars/Olympus", "", false},
		{"Local", "", false}, // would depend on the machine
		{"../etc/passwd", "", false},
	}
	for _, c := range cases {
		cfg, err := Load(nil, env(map[string]string{"PORTAL_TIMEZONE": c.value}))
		if !c.ok {
			if err == nil || !strings.Contains(err.Error(), "PORTAL_TIMEZONE") {
				t.Errorf("%q: error %v, want one naming PORTAL_TIMEZONE", c.value, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.value, err)
			continue
		}
		if cfg.TimeZone == nil || cfg.TimeZone.String() != c.want {
			t.Errorf("%q: zone = %v, want %s", c.value, cfg.TimeZone, c.want)
		}
	}
}

func TestMemoryLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		value string
		want  int64
		ok    bool
	}{
		{"", 128 << 20, true}, // unset: the default
		{"0", 0, true},        // no limit
		{"256MiB", 256 << 20, true},
		{"1GiB", 1 << 30, true},
		{"512KiB", 512 << 10, true},
		{"1048576", 1 << 20, true}, // plain bytes, as GOMEMLIMIT takes them
		{"1048576B", 1 << 20, true},
		{"1TiB", 1 << 40, true},
		{"256MB", 0, false}, // decimal units would be a silent 5% off; GOMEMLIMIT refuses them too
		{"256 MiB", 0, false},
		{"-1MiB", 0, false},
		{"1.5GiB", 0, false},
		{"MiB", 0, false},
		{"off", 0, false},
		{"9000000TiB", 0, false}, // overflows int64
	}
	for _, c := range cases {
		cfg, err := Load(nil, env(map[string]string{"PORTAL_MEMORY_LIMIT": c.value}))
		switch {
		case c.ok && err != nil:
			t.Errorf("%q refused: %v", c.value, err)
		case c.ok && cfg.MemoryLimit != c.want:
			t.Errorf("%q = %d bytes, want %d", c.value, cfg.MemoryLimit, c.want)
		case !c.ok && (err == nil || !strings.Contains(err.Error(), "PORTAL_MEMORY_LIMIT")):
			t.Errorf("%q: error %v, want one naming PORTAL_MEMORY_LIMIT", c.value, err)
		}
	}
}

// TestPlainHTTPWarning: start-up warns about an http:// base URL, except
// on the developer's own machine (one-click unsubscribe needs HTTPS).
func TestPlainHTTPWarning(t *testing.T) {
	for base, warn := range map[string]bool{
		"http://localhost:8080": false, "http://127.0.0.1:8080": false, "http://[::1]:8080": false,
		"https://privacy.example.com": false, "http://privacy.example.com": true, "http://192.0.2.10:8080": true,
	} {
		c, err := Load(nil, env(map[string]string{"PORTAL_BASE_URL": base}))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.PlainHTTPWarning() != ""; got != warn {
			t.Errorf("%s: warning %v, want %v", base, got, warn)
		}
	}
}

// TestDKIMSettingsGoTogether: a key without its selector and domain
// (or the reverse) is refused at start, not at the first mail.
func TestDKIMSettingsGoTogether(t *testing.T) {
	if _, err := Load(nil, env(map[string]string{"PORTAL_DKIM_KEY_FILE": "/etc/portal/dkim.pem"})); err == nil || !strings.Contains(err.Error(), "PORTAL_DKIM_SELECTOR") {
		t.Errorf("a key alone: %v", err)
	}
	c, err := Load(nil, env(map[string]string{"PORTAL_DKIM_KEY_FILE": "/etc/portal/dkim.pem", "PORTAL_DKIM_SELECTOR": "portal", "PORTAL_DKIM_DOMAIN": "lab.example"}))
	if err != nil || c.DKIMSelector != "portal" || c.DKIMDomain != "lab.example" {
		t.Errorf("all three: %+v, %v", c, err)
	}
}
