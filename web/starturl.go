package web

import (
	"net"
	"net/url"
	"strconv"
)

// openURL is the address the start-up log tells the operator to open. A
// public base URL (behind a proxy, say) is where people reach the portal;
// a local one (the default http://localhost:8080) may name another port
// than the one listened on, so the listener's own address is given
// instead, with 127.0.0.1 for "every interface", which a browser cannot open.
func openURL(baseURL string, addr net.Addr) string {
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" && !isLoopbackHost(u.Hostname()) {
		return baseURL
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return baseURL
	}
	host := "127.0.0.1"
	if !tcp.IP.IsUnspecified() && tcp.IP != nil {
		host = tcp.IP.String()
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
