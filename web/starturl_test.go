package web

import (
	"net"
	"testing"
)

func TestStartupURL(t *testing.T) {
	t.Parallel()
	cases := []struct {
		base string
		addr *net.TCPAddr
		want string
	}{
		{"http://localhost:8080", &net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://127.0.0.1:8080"},
		{"http://localhost:8080", &net.TCPAddr{IP: net.IPv6unspecified, Port: 9000}, "http://127.0.0.1:9000"},
		{"http://localhost:8080", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080"},
		{"http://127.0.0.1:8080", &net.TCPAddr{IP: net.ParseIP("::1"), Port: 8443}, "http://[::1]:8443"},
		{"https://privacy.example.com", &net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "https://privacy.example.com"},
	}
	for _, c := range cases {
		if got := openURL(c.base, c.addr); got != c.want {
			t.Errorf("openURL(%q, %v) = %q, want %q", c.base, c.addr, got, c.want)
		}
	}
}
