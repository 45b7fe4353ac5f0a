package web_test

import (
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub/internal/ratelimit"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
	"github.com/referralhub/referralhub/internal/web"
)

// proxiedSite is a test site allowing two signups a minute per IP, behind
// the given trusted proxies.
func proxiedSite(t *testing.T, db *storage.DB, trusted ...string) *site {
	t.Helper()
	clock := newClockAt()
	opt := siteOptions{rateLimit: web.RateLimit{Limiter: ratelimit.NewMemory(clock.now),
		Limits: ratelimit.Limits{Signup: ratelimit.Limit{Count: 2, Per: time.Minute}}, Secret: []byte("proxy test secret")}}
	for _, p := range trusted {
		opt.trustedProxies = append(opt.trustedProxies, netip.MustParsePrefix(p))
	}
	return newSiteWith(t, db, clock.now, opt)
}

// signupVia posts a signup from peer with the given X-Forwarded-For (none
// when empty) and returns the status.
func (s *site) signupVia(peer, name, forwardedFor string) int {
	var h http.Header
	if forwardedFor != "" {
		h = http.Header{"X-Forwarded-For": {forwardedFor}}
	}
	resp, _ := s.from(peer, "POST", "/signup", signupForm(name), h)
	return resp.StatusCode
}

// TestForwardedForFromUntrustedPeerIsIgnored: with no trusted proxies, or
// from a peer that is not one, a client cannot escape its rate limit by
// inventing X-Forwarded-For addresses: it is counted by its peer address.
func TestForwardedForFromUntrustedPeerIsIgnored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		for _, trusted := range [][]string{nil, {"10.0.0.0/8"}} {
			s := proxiedSite(t, db, trusted...)
			name := "user" + strings.Repeat("x", len(trusted))
			for i, xff := range []string{"192.0.2.1", "192.0.2.2, 10.0.0.1"} {
				if got := s.signupVia("203.0.113.5", name+string(rune('a'+i)), xff); got != http.StatusSeeOther {
					t.Fatalf("trusted %v: signup %d: %d", trusted, i+1, got)
				}
			}
			if got := s.signupVia("203.0.113.5", name+"c", "192.0.2.3"); got != http.StatusTooManyRequests {
				t.Fatalf("trusted %v: third signup with a spoofed X-Forwarded-For: %d, want 429", trusted, got)
			}
		}
	})
}

// TestForwardedForFromTrustedProxy: behind a trusted proxy each client is
// counted by the right-most X-Forwarded-For address that is not a trusted
// proxy, so clients do not share the proxy's count, and what a client puts
// to the left of that is ignored.
func TestForwardedForFromTrustedProxy(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := proxiedSite(t, db, "10.0.0.0/8", "fd00::/8")
		steps := []struct {
			peer, name, xff string
			want            int
		}{
			{"10.0.0.2", "ann", "198.51.100.1", http.StatusSeeOther},
			{"[fd00::2]", "ben", "1.2.3.4, 198.51.100.1, 10.0.0.9", http.StatusSeeOther}, // a chain of two proxies
			{"10.0.0.2", "cat", "203.0.113.77, 198.51.100.1", http.StatusTooManyRequests},
			{"10.0.0.2", "dan", "198.51.100.2", http.StatusSeeOther}, // another client through the same proxy
			{"10.0.0.3", "eve", "", http.StatusSeeOther},             // the proxy's own request counts as the proxy
		}
		for _, st := range steps {
			if got := s.signupVia(st.peer, st.name, st.xff); got != st.want {
				t.Fatalf("%s via %s (X-Forwarded-For %q): %d, want %d", st.name, st.peer, st.xff, got, st.want)
			}
		}
	})
}

// TestForwardedProtoSecureCookies: on an http base URL, a trusted proxy's
// X-Forwarded-Proto: https makes the session cookie Secure; the same header
// from an untrusted peer does not, nor does a trusted proxy saying http.
func TestForwardedProtoSecureCookies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := proxiedSite(t, db, "10.0.0.0/8")
		for i, c := range []struct {
			peer, name, proto string
			secure            bool
		}{
			{"10.0.0.2", "ann", "https", true},
			{"203.0.113.5", "ben", "https", false},
			{"10.0.0.2", "cat", "http", false},
			{"10.0.0.4", "dan", "", false},
		} {
			h := http.Header{"X-Forwarded-For": {"198.51.100." + strconv.Itoa(i+1)}}
			if c.proto != "" {
				h.Set("X-Forwarded-Proto", c.proto)
			}
			resp, _ := s.from(c.peer, "POST", "/signup", signupForm(c.name), h)
			cookie := sessionCookieOf(resp)
			if resp.StatusCode != http.StatusSeeOther || cookie == nil {
				t.Fatalf("%s: signup %d, cookie %v", c.name, resp.StatusCode, cookie)
			}
			if cookie.Secure != c.secure {
				t.Errorf("%s from %s with X-Forwarded-Proto %q: Secure %v, want %v", c.name, c.peer, c.proto, cookie.Secure, c.secure)
			}
		}
	})
}

func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == "rh_session" {
			return c
		}
	}
	return nil
}
