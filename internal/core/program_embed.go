package core

import (
	"fmt"
	"strings"

	"github.com/referralhub/referralhub"
)

// MaxEmbedOrigins bounds the sites that may embed the referral page.
const MaxEmbedOrigins = 100

// checkEmbedOrigins checks the sites that may show the embedded referral
// page in a frame.
func checkEmbedOrigins(fe referralhub.FieldErrors, origins []string) {
	if len(origins) > MaxEmbedOrigins {
		fe.Add("embed_origins", fmt.Sprintf("List at most %d sites.", MaxEmbedOrigins))
	}
	for _, o := range origins {
		if _, ok := parseEmbedOrigin(o); !ok {
			if len(o) > 60 {
				o = strings.ToValidUTF8(o[:60], "") + "…"
			}
			fe.Add("embed_origins", fmt.Sprintf("%q is not a site such as https://shop.example.com, "+
				"https://*.example.com for its subdomains, or http://localhost:3000.", o))
		}
	}
}

// embedOrigin is an origin in parts; a pattern's host may start with "*.".
// port is "" for the scheme's default port.
type embedOrigin struct{ scheme, host, port string }

// parseEmbedOrigin splits "scheme://host[:port]", the scheme http or https
// and the host a lower-case DNS name or IPv4 address, or "*." and a name of
// two labels or more. Anything else (a path, a trailing slash, user info,
// upper case, IPv6) is refused, so a valid origin is also a valid CSP
// source expression. A port is written as browsers write it, without a
// leading zero.
func parseEmbedOrigin(s string) (embedOrigin, bool) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || scheme != "http" && scheme != "https" {
		return embedOrigin{}, false
	}
	host, port, colon := strings.Cut(rest, ":")
	if colon && port == "" || !validPort(port) || strings.HasPrefix(port, "0") { // as browsers write it: no leading zero
		return embedOrigin{}, false
	}
	if port == "80" && scheme == "http" || port == "443" && scheme == "https" {
		port = ""
	}
	if name, wild := strings.CutPrefix(host, "*."); !isHostName(name) || wild && !strings.Contains(name, ".") {
		return embedOrigin{}, false
	}
	return embedOrigin{scheme: scheme, host: host, port: port}, true
}

// EmbedOriginAllowed reports whether origin, a page's origin as a browser
// writes it ("https://shop.example.com", "http://localhost:3000"), is one
// of the sites patterns (a program's EmbedOrigins) let embed the page.
func EmbedOriginAllowed(patterns []string, origin string) bool {
	o, ok := parseEmbedOrigin(origin)
	if !ok || strings.HasPrefix(o.host, "*.") {
		return false
	}
	for _, p := range patterns {
		if pat, ok := parseEmbedOrigin(p); ok && pat.scheme == o.scheme && pat.port == o.port && hostAllowed([]string{pat.host}, o.host) {
			return true
		}
	}
	return false
}
