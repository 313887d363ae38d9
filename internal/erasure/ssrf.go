package erasure

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/photolab/privacyportal/internal/settings"
)

// Why a webhook URL is refused: message ids shown beside the URL field.
const (
	urlInvalid      = "systems.error.url_invalid"
	urlScheme       = "systems.error.url_https"
	urlPrivate      = "systems.error.url_private"
	urlUnresolvable = "systems.error.url_unresolvable"
)

// errPrivateAddress is what the dialer returns when a webhook's host
// resolved, at connect time, to an address the portal must not reach.
var errPrivateAddress = errors.New("erasure: webhook address is loopback, private, link-local or unspecified")

// privateAddr reports whether ip is one a webhook must not be aimed at
// unless the private-webhooks setting allows it: a webhook URL is typed by
// an admin, and without this check it would let the portal be used to
// probe or call the network it runs in (cloud metadata, admin ports).
func privateAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		cgnat.Contains(ip)
}

// cgnat is the shared address space (RFC 6598): carrier-internal, not
// the public internet.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func (s *Service) privateWebhooks() bool { return settings.ErasurePrivateWebhooks.Get(s.Settings) }

// lookupHost resolves a webhook's host.
func lookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// checkWebhookURL validates a webhook URL at save time and returns the
// message id of what is wrong with it ("" when it is fine). The same rule
// is applied again by the dialer at every connection (dialControl), so a
// name that resolves elsewhere later (DNS rebinding) gains nothing.
func (s *Service) checkWebhookURL(ctx context.Context, raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Hostname() == "" || u.User != nil || u.Opaque != "" {
		return urlInvalid
	}
	allow := s.privateWebhooks()
	switch u.Scheme {
	case "https":
	case "http":
		if !allow {
			return urlScheme
		}
	default:
		return urlScheme
	}
	if allow {
		return ""
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if privateAddr(ip) {
			return urlPrivate
		}
		return ""
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return urlPrivate
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := lookupHost(ctx, host)
	if err != nil || len(addrs) == 0 {
		return urlUnresolvable
	}
	for _, ip := range addrs {
		if privateAddr(ip) {
			return urlPrivate
		}
	}
	return ""
}

// dialControl refuses, after DNS and before the TCP handshake, an address
// the setting does not allow: the address checked is the one connected
// to, whatever the name resolved to at save time.
func (s *Service) dialControl(network, address string, _ syscall.RawConn) error {
	if s.privateWebhooks() {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("erasure: webhook dial %s: %w", network, err)
	}
	if privateAddr(ap.Addr()) {
		return errPrivateAddress
	}
	return nil
}
