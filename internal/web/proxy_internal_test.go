package web

import (
	"crypto/tls"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func testProxies() proxies {
	return proxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
}

// TestClientIP covers the walk through X-Forwarded-For: only behind a
// trusted peer, right to left past trusted proxies, across repeated
// headers, with ports and brackets, stopping at garbage.
func TestClientIP(t *testing.T) {
	for _, c := range []struct {
		name   string
		ps     proxies
		remote string
		xff    []string
		want   string
	}{
		{"no proxies", nil, "203.0.113.5:4000", []string{"192.0.2.1"}, "203.0.113.5"},
		{"untrusted peer", testProxies(), "203.0.113.5:4000", []string{"192.0.2.1"}, "203.0.113.5"},
		{"trusted, no header", testProxies(), "10.1.2.3:4000", nil, "10.1.2.3"},
		{"trusted", testProxies(), "10.1.2.3:4000", []string{"192.0.2.1"}, "192.0.2.1"},
		{"spoofed left part", testProxies(), "10.1.2.3:4000", []string{"6.6.6.6, 192.0.2.1"}, "192.0.2.1"},
		{"proxy chain", testProxies(), "[fd00::1]:4000", []string{"6.6.6.6,192.0.2.1", "10.9.9.9"}, "192.0.2.1"},
		{"all trusted", testProxies(), "10.1.2.3:4000", []string{"10.0.0.7, 10.0.0.8"}, "10.0.0.7"},
		{"port and brackets", testProxies(), "10.1.2.3:4000", []string{"[2001:db8::5]:443"}, "2001:db8::5"},
		{"ipv4 with port", testProxies(), "10.1.2.3:4000", []string{"192.0.2.9:1234"}, "192.0.2.9"},
		{"mapped", testProxies(), "[::ffff:10.1.2.3]:4000", []string{"::ffff:192.0.2.1"}, "192.0.2.1"},
		{"garbage", testProxies(), "10.1.2.3:4000", []string{"192.0.2.1, unknown"}, "10.1.2.3"},
		{"garbage behind a client", testProxies(), "10.1.2.3:4000", []string{"junk, 192.0.2.1"}, "192.0.2.1"},
		{"no port", nil, "203.0.113.5", nil, "203.0.113.5"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := c.ps.clientIP(r); got != c.want {
			t.Errorf("%s: clientIP = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestHTTPS: TLS of its own, or a trusted proxy's right-most
// X-Forwarded-Proto; never an untrusted peer's.
func TestHTTPS(t *testing.T) {
	for _, c := range []struct {
		name   string
		ps     proxies
		remote string
		proto  []string
		tls    bool
		want   bool
	}{
		{"plain", testProxies(), "10.1.2.3:4000", nil, false, false},
		{"own tls", nil, "203.0.113.5:4000", nil, true, true},
		{"trusted https", testProxies(), "10.1.2.3:4000", []string{"https"}, false, true},
		{"trusted HTTPS", testProxies(), "10.1.2.3:4000", []string{"HTTPS"}, false, true},
		{"untrusted https", testProxies(), "203.0.113.5:4000", []string{"https"}, false, false},
		{"no proxies https", nil, "10.1.2.3:4000", []string{"https"}, false, false},
		{"right-most wins", testProxies(), "10.1.2.3:4000", []string{"https, http"}, false, false},
		{"right-most header", testProxies(), "10.1.2.3:4000", []string{"http", "https"}, false, true},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		for _, v := range c.proto {
			r.Header.Add("X-Forwarded-Proto", v)
		}
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := c.ps.https(r); got != c.want {
			t.Errorf("%s: https = %v, want %v", c.name, got, c.want)
		}
	}
}
