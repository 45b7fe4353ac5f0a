package webhook

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// AllowPrivateEnv names the setting that lets webhooks go to private
// addresses; messages quote it so an operator knows the way out.
const AllowPrivateEnv = "REFERRALHUB_WEBHOOK_ALLOW_PRIVATE"

// lookupTimeout bounds the look-up of a host name when an endpoint is saved.
const lookupTimeout = 3 * time.Second

var (
	cgnat       = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	broadcast   = netip.MustParseAddr("255.255.255.255")
)

// forbidden says what kind of address ip is when webhooks may not go
// there, "" when they may: a webhook URL must not reach the machine
// itself, its network or a cloud's metadata service (SSRF).
func forbidden(ip netip.Addr) string {
	ip = ip.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	switch {
	case ip.IsUnspecified() || thisNetwork.Contains(ip):
		return "an unspecified address"
	case ip.IsLoopback():
		return "a loopback address"
	case ip.IsPrivate():
		return "a private address"
	case ip.IsLinkLocalUnicast():
		return "a link-local address"
	case cgnat.Contains(ip):
		return "a shared (carrier-grade NAT) address"
	case ip.IsMulticast() || ip == broadcast:
		return "a multicast or broadcast address"
	}
	return ""
}

// refusal is the error of a destination that is forbidden.
func refusal(ip netip.Addr, kind string) error {
	return fmt.Errorf("%s is %s; webhooks go to public addresses only (%s=true allows private ones)", ip.Unmap(), kind, AllowPrivateEnv)
}

// refusePrivate is a dialer's Control: it refuses to connect to a
// forbidden address, after any DNS look-up, so a name that resolves to a
// public address when the endpoint is saved and to a private one later
// (DNS rebinding) is still refused.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("cannot tell where %q is: %w", address, err)
	}
	if kind := forbidden(ap.Addr()); kind != "" {
		return refusal(ap.Addr(), kind)
	}
	return nil
}

// CheckDestination says why deliveries may not go to an endpoint URL that
// CheckURL accepted, "" when they may: its host is, or resolves to, an
// address webhooks must not reach, unless private addresses are allowed.
// A host that does not resolve now passes; the check when connecting
// still applies.
func (s *Sender) CheckDestination(ctx context.Context, rawURL string) string {
	if s.allowPrivate {
		return ""
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "Enter a full URL, like https://example.com/webhooks/referralhub."
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return refusedMessage(ip.Unmap().String(), ip)
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	ips, err := s.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return ""
	}
	for _, ip := range ips {
		if msg := refusedMessage(host, ip); msg != "" {
			return msg
		}
	}
	return ""
}

// refusedMessage is the form error for a host at ip, "" when ip is allowed.
func refusedMessage(host string, ip netip.Addr) string {
	kind := forbidden(ip)
	if kind == "" {
		return ""
	}
	where := host
	if ip.Unmap().String() != host {
		where = fmt.Sprintf("%s resolves to %s, which", host, ip.Unmap())
	}
	return fmt.Sprintf("%s is %s: webhooks go only to public addresses, never to this server or its network "+
		"(an operator can allow private ones with %s=true).", where, kind, AllowPrivateEnv)
}

// dialer returns the dialer of a Sender: one that refuses forbidden
// addresses unless allowPrivate.
func dialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = refusePrivate
	}
	return d
}
