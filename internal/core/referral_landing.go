package core

import (
	"context"
	"net/url"
	"strings"
)

// Query parameters a referral link's destination receives.
const (
	LandingCodeParam  = "ref"      // the referral code
	LandingClickParam = "rh_click" // the click's id
)

// hostChars are the characters a destination's host and port may have.
const hostChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:"

// maxLandingURL bounds the length of a referral link's destination.
const maxLandingURL = 2048

// Landing returns where a followed referral link with ?to=dest sends its
// visitor: dest with ref=<code> and rh_click=<click id> added (in place of
// any it had), when dest is an absolute http or https URL on one of the
// program's allowed redirect hosts. ok is false for anything else, and the
// link must behave as if it had no destination: a referral link is never
// an open redirect.
func (s *Service) Landing(ctx context.Context, dest string, a Attribution) (target string, ok bool) {
	p, err := s.Program(ctx)
	if err != nil || len(p.AllowedRedirectHosts) == 0 {
		return "", false
	}
	u, ok := parseLanding(dest)
	if !ok || !hostAllowed(p.AllowedRedirectHosts, u.Hostname()) {
		return "", false
	}
	u.RawQuery = withAttribution(u.RawQuery, a)
	if p.AddUTM {
		u.RawQuery = withUTM(u.RawQuery, p.Name, a.Channel)
	}
	return u.String(), true
}

// withUTM adds the program's UTM parameters to a destination's query,
// each unless the destination already has it.
func withUTM(rawQuery, campaign, channel string) string {
	have := map[string]bool{}
	for part := range strings.SplitSeq(rawQuery, "&") {
		key, _, _ := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(key); err == nil {
			have[k] = true
		}
	}
	var b strings.Builder
	b.WriteString(rawQuery)
	for _, kv := range [][2]string{{"utm_source", "referralhub"}, {"utm_medium", "referral"},
		{"utm_campaign", campaign}, {"utm_content", channel}} {
		if !have[kv[0]] && kv[1] != "" {
			b.WriteString("&" + kv[0] + "=" + url.QueryEscape(kv[1]))
		}
	}
	return b.String()
}

// parseLanding parses a destination strictly enough that browsers cannot
// read a different host into it than Go does. It takes printable ASCII only
// (no spaces, tabs, newlines or non-ASCII host names, which browsers strip
// or fold), no backslashes (which browsers read as slashes), "http://" or
// "https://" in full, and an authority without user info or escapes. The
// host it returns is a lower-case DNS name.
func parseLanding(raw string) (*url.URL, bool) {
	if len(raw) > maxLandingURL {
		return nil, false
	}
	for i := range len(raw) {
		if c := raw[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return nil, false
		}
	}
	rest, ok := cutPrefixFold(raw, "https://")
	if !ok {
		if rest, ok = cutPrefixFold(raw, "http://"); !ok {
			return nil, false
		}
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if authority := rest[:end]; authority == "" || strings.Trim(authority, hostChars) != "" {
		return nil, false // "@", "%", "[" or another character a name has not
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.User != nil || u.Host == "" {
		return nil, false
	}
	u.Host = strings.ToLower(u.Host)
	if !isHostName(u.Hostname()) || !validPort(u.Port()) || strings.HasSuffix(u.Host, ":") {
		return nil, false
	}
	return u, true
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return s, false
	}
	return s[len(prefix):], true
}

// validPort reports whether p is empty or a port number.
func validPort(p string) bool {
	if len(p) > 5 {
		return false
	}
	n := 0
	for i := range len(p) {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
		n = n*10 + int(p[i]-'0')
	}
	return p == "" || n > 0 && n <= 65535
}

// hostAllowed reports whether host matches one of the patterns: a name
// matches itself, and "*.name" matches every subdomain of name (not name).
func hostAllowed(patterns []string, host string) bool {
	for _, p := range patterns {
		if base, wild := strings.CutPrefix(p, "*."); wild {
			if len(host) > len(base)+1 && strings.HasSuffix(host, base) && host[len(host)-len(base)-1] == '.' {
				return true
			}
		} else if host == p {
			return true
		}
	}
	return false
}

// withAttribution returns the query rawQuery with a's code and click id
// added. Other parameters are kept byte for byte; earlier ref and rh_click
// parameters are dropped, so the link's own are the ones a page reads.
func withAttribution(rawQuery string, a Attribution) string {
	var b strings.Builder
	for part := range strings.SplitSeq(rawQuery, "&") {
		key, _, _ := strings.Cut(part, "=")
		if k, err := url.QueryUnescape(key); part == "" || err == nil && (k == LandingCodeParam || k == LandingClickParam) {
			continue
		}
		b.WriteString(part)
		b.WriteByte('&')
	}
	b.WriteString(LandingCodeParam + "=" + url.QueryEscape(a.Code) + "&" + LandingClickParam + "=" + url.QueryEscape(a.ClickID))
	return b.String()
}
