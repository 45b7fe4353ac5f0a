package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// proxies are the reverse proxies whose forwarding headers are believed.
// With none, a request is what its connection says: the peer address and
// TLS or not; X-Forwarded-For and X-Forwarded-Proto are ignored, since
// anyone can send them.
type proxies []netip.Prefix

// trusts reports whether a is one of the proxies.
func (ps proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peer is the address of the connection's other end.
func peer(r *http.Request) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(r.RemoteAddr)
	return a.Unmap(), err == nil
}

// plainIPv4Peer returns the address of an IPv4 peer "a.b.c.d:port" as
// written, which is how netip.Addr.String writes it (netip accepts only
// that form), without the allocation of writing it again.
func plainIPv4Peer(remote string) (string, bool) {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil || !ap.Addr().Is4() {
		return "", false
	}
	return remote[:strings.LastIndexByte(remote, ':')], true
}

// viaProxy reports whether r came straight from a trusted proxy.
func (ps proxies) viaProxy(r *http.Request) bool {
	if len(ps) == 0 { // the usual case: no parse of the peer
		return false
	}
	a, ok := peer(r)
	return ok && ps.trusts(a)
}

// clientIP is the address r comes from: the peer, or, when the peer is a
// trusted proxy, the right-most X-Forwarded-For address that is not itself
// a trusted proxy. Every proxy appends the address it saw, so only the
// entries to the right of the first untrusted one are believed; anything a
// client put further left is ignored. An entry that is not an address stops
// the walk at the last proxy passed.
func (ps proxies) clientIP(r *http.Request) string {
	if len(ps) == 0 { // the usual case: the peer's address, as it came
		if host, ok := plainIPv4Peer(r.RemoteAddr); ok {
			return host
		}
	}
	a, ok := peer(r)
	if !ok {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			return r.RemoteAddr
		}
		return host
	}
	if len(ps) == 0 || !ps.trusts(a) {
		return a.String()
	}
	hops := forwardedFor(r)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			break
		}
		a = hop
		if !ps.trusts(a) {
			break
		}
	}
	return a.String()
}

// forwardedFor is every X-Forwarded-For entry, in order, across headers.
func forwardedFor(r *http.Request) []string {
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, perhaps with a
// port, an IPv6 one perhaps in brackets.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil && ap.Addr().Zone() == "" {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// https reports whether r reached the site over https: its own TLS, or a
// trusted proxy's X-Forwarded-Proto, the right-most value (the one the
// nearest proxy set).
func (ps proxies) https(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !ps.viaProxy(r) {
		return false
	}
	vs := r.Header.Values("X-Forwarded-Proto")
	if len(vs) == 0 {
		return false
	}
	last := vs[len(vs)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "https")
}

// clientIP is the address r comes from (see proxies.clientIP).
func (s *Server) clientIP(r *http.Request) string { return s.proxies.clientIP(r) }

// secureCookies reports whether cookies set in answer to r carry Secure:
// when the base URL is https, or r itself came over https.
func (s *Server) secureCookies(r *http.Request) bool {
	return s.secure || s.proxies.https(r)
}
